/**
 * The issuer's HTTP routes on the sandbox origin: `GET <prefix>/token` and
 * `GET <prefix>/.well-known/jwks.json` (prefix `/plugins` by default, beside the plug-in host).
 */
import { CallerRateLimiter, type RateLimit } from "../../plugins-ts/host/http";
import { HttpError, type Router, sendJson } from "../http";
import type { LocalTokenIssuer, SignedInUser } from "./token-issuer";

export interface AuthRouteOptions {
  /** Default `/plugins`. */
  readonly prefix?: string;
  /** Who is signed in to the sandbox right now (the form host's user). */
  readonly signedInUser: () => SignedInUser | Promise<SignedInUser>;
  /** Tokens per client address; over it, 429 with Retry-After. Default 60 per 60 s. */
  readonly tokenRateLimit?: RateLimit;
}

export const DEFAULT_TOKEN_RATE_LIMIT: RateLimit = { requests: 60, perSeconds: 60 };

export const jwksPath = (prefix = "/plugins") => `${prefix}/.well-known/jwks.json`;
export const tokenPath = (prefix = "/plugins") => `${prefix}/token`;

export function registerAuthRoutes(router: Router, issuer: LocalTokenIssuer, options: AuthRouteOptions): Router {
  const prefix = options.prefix ?? "/plugins";
  const limiter = new CallerRateLimiter(options.tokenRateLimit ?? DEFAULT_TOKEN_RATE_LIMIT);
  router.on(
    "GET",
    jwksPath(prefix),
    ({ res }) => {
      // Keys change at every sandbox start; a verifier refetches on an unknown `kid` anyway.
      sendJson(res, 200, issuer.jwks, { "cache-control": "public, max-age=300" });
    },
    { exact: true },
  );
  router.on(
    "GET",
    tokenPath(prefix),
    async ({ req, res }) => {
      const caller = req.socket.remoteAddress ?? "unknown";
      const decision = await limiter.take(caller);
      if (!decision.allowed) {
        const retryAfter = String(decision.retryAfterSeconds);
        throw new HttpError(429, "TOO_MANY_REQUESTS", `Too many token requests from ${caller}; retry after ${retryAfter} s.`, undefined, { "retry-after": retryAfter });
      }
      const token = await issuer.issueToken(await options.signedInUser());
      sendJson(res, 200, token, { "cache-control": "no-store", pragma: "no-cache" });
    },
    { exact: true },
  );
  return router;
}
