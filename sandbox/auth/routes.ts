/**
 * The issuer's HTTP routes on the sandbox origin: `GET <prefix>/token` and
 * `GET <prefix>/.well-known/jwks.json` (prefix `/plugins` by default, beside the plug-in host).
 */
import { type Router, sendJson } from "../http";
import type { LocalTokenIssuer, SignedInUser } from "./token-issuer";

export interface AuthRouteOptions {
  /** Default `/plugins`. */
  readonly prefix?: string;
  /** Who is signed in to the sandbox right now (the form host's user). */
  readonly signedInUser: () => SignedInUser | Promise<SignedInUser>;
}

export const jwksPath = (prefix = "/plugins") => `${prefix}/.well-known/jwks.json`;
export const tokenPath = (prefix = "/plugins") => `${prefix}/token`;

export function registerAuthRoutes(router: Router, issuer: LocalTokenIssuer, options: AuthRouteOptions): Router {
  const prefix = options.prefix ?? "/plugins";
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
    async ({ res }) => {
      const token = await issuer.issueToken(await options.signedInUser());
      sendJson(res, 200, token, { "cache-control": "no-store", pragma: "no-cache" });
    },
    { exact: true },
  );
  return router;
}
