/**
 * Everything the sandbox serves under `/plugins`: the plug-in host (webhooks, SCM events, the
 * validation API) and the inventory host (`/plugins/inventory/...`). Longest prefix wins, so the
 * inventory host's paths never reach the plug-in host. Tokens come from the sandbox's Entra ID
 * stand-in (`sandbox/auth/entra`), on its own https origin.
 */
import { fromNodeRequest, writeReply } from "../../plugins-ts/http-kit";
import type { HostHandler } from "../../plugins-ts/http-kit";
import { Router } from "../http";

export interface PluginsRouterOptions {
  readonly host: { readonly handle: HostHandler };
  /** The inventory engine's host, under `<prefix>/inventory`. */
  readonly inventory?: { readonly handle: HostHandler };
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
  return router;
}
