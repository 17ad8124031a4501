/**
 * The bearer token for the validation API. It comes from a token endpoint (`fsi_ValidationApiTokenUrl`)
 * that knows the signed-in user by their cookies, so no secret ever ships in this library. The
 * token is kept until shortly before it expires.
 */

/** Renew this long before expiry, so a token never expires between the check and the request. */
const renewBeforeExpiryMs = 60_000;

interface CachedToken {
  readonly url: string;
  readonly accessToken: string;
  readonly renewAt: number;
}

let cached: CachedToken | undefined;

export class TokenError extends Error {
  readonly code = "TOKEN_UNAVAILABLE";
}

function isTokenReply(value: unknown): value is { access_token: string; expires_in: number } {
  if (typeof value !== "object" || value === null) return false;
  const reply = value as Record<string, unknown>;
  return (
    typeof reply.access_token === "string" &&
    reply.access_token !== "" &&
    typeof reply.expires_in === "number" &&
    Number.isFinite(reply.expires_in) &&
    reply.expires_in > 0
  );
}

/**
 * A token for the validation API. `fresh` skips the cache (after a 401, the cached token was revoked
 * or the signing key rotated). The fetch honours `signal`, the OnSave deadline.
 */
export async function bearerToken(url: string, signal: AbortSignal, fresh = false): Promise<string> {
  const now = Date.now();
  if (!fresh && cached?.url === url && cached.renewAt > now) return cached.accessToken;
  const response = await fetch(url, {
    method: "GET",
    credentials: "include",
    headers: { Accept: "application/json" },
    signal,
  });
  if (!response.ok) throw new TokenError(`The token endpoint answered HTTP ${response.status}.`);
  const reply: unknown = await response.json().catch(() => undefined);
  if (!isTokenReply(reply)) throw new TokenError("The token endpoint's reply has no access_token and expires_in.");
  const lifetimeMs = reply.expires_in * 1000;
  // A short-lived token is renewed at half its life rather than never being cached.
  const renewAt = Date.now() + Math.max(lifetimeMs - renewBeforeExpiryMs, lifetimeMs / 2);
  cached = { url, accessToken: reply.access_token, renewAt };
  return reply.access_token;
}

/** True when the next `bearerToken` call would be answered from the cache. */
export function hasCachedToken(url: string): boolean {
  return cached?.url === url && cached.renewAt > Date.now();
}
