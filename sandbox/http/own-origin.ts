/**
 * The sandbox answers only requests meant for it. It has no sign-in (a request without a token acts
 * as the signed-in user), so a web page must not be able to reach it:
 * - **Host**: a page using DNS rebinding points its own name at 127.0.0.1, and its requests then
 *   reach the sandbox as same-origin — with its name in `Host`. Only the sandbox's own host and
 *   port are answered (421 Misdirected Request otherwise, RFC 9110 §15.5.20).
 * - **Origin, on admin routes** (SCM's admin API holds the events key, Dataverse's registration
 *   tables the webhook keys): a page of another origin can still send requests with the right
 *   `Host`. Browsers name the page's origin in `Origin` on every cross-origin request, and say where
 *   a request comes from in `Sec-Fetch-Site`; a request naming another origin is refused (403).
 *   One naming neither is not from a browser page (the CLI, the seeding, curl) and is let through.
 */
import type { IncomingMessage } from "node:http";
import { HttpError } from "@fsi/plugins/http-kit/errors";

export interface OwnOrigin {
  /** `host:port` values the sandbox answers (lower case). */
  readonly hosts: ReadonlySet<string>;
  /** Origins (`http://127.0.0.1:8080`) whose pages may use admin routes. */
  readonly origins: ReadonlySet<string>;
  /** Path prefixes of the admin routes. */
  readonly adminPrefixes: readonly string[];
}

const LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]"];

/**
 * The sandbox's own hosts and origins once it listens on `url`: the bound host and, for a loopback
 * address, the other loopback names a browser may use for it; plus `extraHosts` (`name` or `name:port`).
 */
export function ownOrigin(
  url: string,
  adminPrefixes: readonly string[],
  extraHosts: readonly string[] = [],
): OwnOrigin {
  const base = new URL(url);
  const names = LOOPBACK_NAMES.includes(base.hostname) ? LOOPBACK_NAMES : [base.hostname];
  const hosts = new Set<string>();
  for (const name of [...names, ...extraHosts])
    hosts.add((name.includes(":") && !name.startsWith("[") ? name : `${name}:${base.port}`).toLowerCase());
  const origins = new Set([...hosts].map((host) => `${base.protocol}//${host}`));
  return { hosts, origins, adminPrefixes };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

function isAdminPath(path: string, prefixes: readonly string[]): boolean {
  const lower = path.toLowerCase();
  return prefixes.some(
    (prefix) =>
      lower === prefix ||
      lower.startsWith(`${prefix}/`) ||
      lower.startsWith(`${prefix}(`) ||
      lower.startsWith(`${prefix}?`),
  );
}

/** Throws the refusal for a request not meant for this sandbox; returns when it may be served. */
export function requireOwnOrigin(req: IncomingMessage, own: OwnOrigin): void {
  const host = (header(req, "host") ?? "").toLowerCase();
  if (!own.hosts.has(host)) {
    throw new HttpError(
      421,
      "HOST_NOT_ALLOWED",
      `This sandbox answers requests for ${[...own.hosts].join(", ")}, not for host '${host}'.`,
    );
  }
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  if (!isAdminPath(path, own.adminPrefixes)) return;
  const origin = header(req, "origin");
  const site = header(req, "sec-fetch-site");
  const fromOwnPage =
    origin === undefined
      ? site === undefined || site === "same-origin" || site === "none"
      : own.origins.has(origin.toLowerCase());
  if (!fromOwnPage) {
    throw new HttpError(
      403,
      "ORIGIN_NOT_ALLOWED",
      `Admin routes answer only the sandbox's own pages (${[...own.origins].join(", ")}); this request came from ${origin ?? `a ${site ?? "foreign"} page`}.`,
    );
  }
}
