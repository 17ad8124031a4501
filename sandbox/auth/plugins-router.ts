/**
 * Everything the sandbox serves under `/plugins`: the plug-in host, which routes by its one route
 * table (`plugins-ts/host/routes.ts`: webhooks, SCM events, the validation API, the inventory
 * engine's plug-ins and status). Tokens come from the sandbox's Entra ID stand-in
 * (`sandbox/auth/entra`), on its own https origin.
 */
import { fromNodeRequest, writeReply } from "@fsi/plugins/http-kit";
import type { HostHandler } from "@fsi/plugins/http-kit";
import { HOST_PREFIX } from "@fsi/plugins/host/routes";
import { Router } from "../http";

export interface PluginsRouterOptions {
  readonly host: { readonly handle: HostHandler };
  /** Default `/plugins`. */
  readonly prefix?: string;
}

export function pluginsRouter(options: PluginsRouterOptions): Router {
  const router = new Router();
  router.on("*", options.prefix ?? HOST_PREFIX, async ({ req, res }) => {
    writeReply(res, await options.host.handle(fromNodeRequest(req)));
  });
  return router;
}
