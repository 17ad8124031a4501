/**
 * Everything the sandbox serves under `/plugins`: the plug-in host (webhooks, SCM events, the
 * validation API), the inventory host (`/plugins/inventory/...`) and the local token issuer
 * (`/plugins/token`, `/plugins/.well-known/jwks.json`). Longest prefix wins, so the issuer's two
 * paths and the inventory host's never reach the plug-in host.
 */
import { fromNodeRequest, writeReply } from "../../plugins-ts/host/http";
import type { HostHandler } from "../../plugins-ts/host/http";
import { Router } from "../http";
import { registerAuthRoutes } from "./routes";
import type { LocalTokenIssuer, SignedInUser } from "./token-issuer";

export interface PluginsRouterOptions {
  readonly host: { readonly handle: HostHandler };
  /** The inventory engine's host, under `<prefix>/inventory`. */
  readonly inventory?: { readonly handle: HostHandler };
  readonly issuer: LocalTokenIssuer;
  readonly signedInUser: () => SignedInUser | Promise<SignedInUser>;
  /** Default `/plugins`. */
  readonly prefix?: string;
}

export function pluginsRouter(options: PluginsRouterOptions): Router {
  const prefix = options.prefix ?? "/plugins";
  const router = new Router();
  router.on("*", prefix, async ({ req, res }) => {
    writeReply(res, await options.host.handle(fromNodeRequest(req)));
  });
  const inventory = options.inventory;
  if (inventory !== undefined) {
    router.on("*", `${prefix}/inventory`, async ({ req, res }) => {
      writeReply(res, await inventory.handle(fromNodeRequest(req)));
    });
  }
  return registerAuthRoutes(router, options.issuer, { prefix, signedInUser: options.signedInUser });
}
