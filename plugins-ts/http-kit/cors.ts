/**
 * CORS for the validation API: only configured origins (and the host's own origin) may call it from
 * a browser. A request without `Origin` is not a browser cross-origin call (a server, curl) and is
 * not restricted here; the bearer token still is. Allowing `*` is not offered: the API takes an
 * Authorization header, and a wildcard would let any page try stolen tokens.
 */
import { HttpError } from "./errors";
import type { HostRequest, HostResponse } from "./exchange";

export interface CorsPolicy {
  /** Origins (`https://contoso.crm.dynamics.com`) allowed to call from a browser. */
  readonly allowedOrigins: readonly string[];
}

const ALLOWED_METHODS = "POST, OPTIONS";
const ALLOWED_HEADERS = "authorization, content-type";
/** Browsers cap preflight caching anyway (Chromium at 2 h); 10 min keeps policy changes quick. */
const PREFLIGHT_MAX_AGE_SECONDS = "600";

export function normalizeOrigin(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return origin;
  }
}

function isAllowed(origin: string, request: HostRequest, policy: CorsPolicy): boolean {
  const normalized = normalizeOrigin(origin);
  return (
    normalized === request.url.origin ||
    policy.allowedOrigins.some((allowed) => normalizeOrigin(allowed) === normalized)
  );
}

/**
 * The CORS headers an actual (non-preflight) request's reply carries; throws 403 when the request
 * comes from a browser page of an origin that is not allowed. `Vary: Origin` rides on every reply,
 * those to requests without `Origin` too: the reply depends on the header, so a cache must not
 * hand one origin's reply to another (Fetch standard, "CORS protocol and HTTP caches").
 */
export function corsHeadersFor(request: HostRequest, policy: CorsPolicy): Record<string, string> {
  const origin = request.header("origin");
  if (origin === undefined) return { vary: "Origin" };
  if (!isAllowed(origin, request, policy)) {
    throw new HttpError(
      403,
      "ORIGIN_NOT_ALLOWED",
      `Origin ${origin} may not call this API; ask an administrator to add it to the allowed origins.`,
      undefined,
      {
        vary: "Origin",
      },
    );
  }
  return { "access-control-allow-origin": normalizeOrigin(origin), vary: "Origin" };
}

/** Answers an `OPTIONS` preflight: 204 with the allowed method and headers, or 403. */
export function preflightReply(request: HostRequest, policy: CorsPolicy): HostResponse {
  const origin = request.header("origin");
  if (origin === undefined || !isAllowed(origin, request, policy)) {
    throw new HttpError(403, "ORIGIN_NOT_ALLOWED", `Origin ${origin ?? "(none)"} may not call this API.`, undefined, {
      vary: "Origin",
    });
  }
  return {
    status: 204,
    headers: {
      "access-control-allow-origin": normalizeOrigin(origin),
      "access-control-allow-methods": ALLOWED_METHODS,
      "access-control-allow-headers": ALLOWED_HEADERS,
      "access-control-max-age": PREFLIGHT_MAX_AGE_SECONDS,
      vary: "Origin",
    },
  };
}
