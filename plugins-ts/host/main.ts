/**
 * Runs the integration as a plain Node.js server, configured from `FSI_*` environment variables
 * (see config-from-env.ts and inventory/config.ts), on `FSI_PORT` (default 7071, the Functions
 * host's port): `npx tsx plugins-ts/host/main.ts`. One server, one port, two hosts:
 * `/plugins/inventory/...` goes to the inventory engine's host, everything else to the plug-in host.
 * The engine's schedule (batch maps every `scheduleMinutes`, retries of kept rows) runs while the
 * process does. Ctrl-C (or SIGTERM) stops it after in-flight work.
 */
import { type RequestListener, createServer } from "node:http";
import { hostConfigFromEnv } from "./config-from-env";
import { closeServer, listen } from "../http-kit/lifecycle";
import { type InventoryService, inventoryServiceFromEnv, isInventoryPath } from "./inventory-service";
import { type PluginHost, createPluginHost, openHostStateStore } from "./plugin-host";

export interface RunningHost {
  readonly url: string;
  close(): Promise<void>;
}

/** Sends each request to the host its path belongs to. */
function routeByPath(inventory: RequestListener, plugins: RequestListener): RequestListener {
  return (req, res) => {
    if (isInventoryPath(requestPath(req.url))) inventory(req, res);
    else plugins(req, res);
  };
}

/** The path as the hosts' adapter reads it (`new URL`); a target that does not parse goes to the plug-in host, which answers 404. */
function requestPath(target: string | undefined): string {
  try {
    return new URL(target ?? "/", "http://127.0.0.1").pathname;
  } catch {
    return "/";
  }
}

export async function startPluginHostServer(
  environment: Readonly<Record<string, string | undefined>>,
): Promise<RunningHost> {
  const config = hostConfigFromEnv(environment);
  // One store for both hosts of the process (Azure Storage); SQLite: each its own file, as before.
  const store = openHostStateStore(config);
  const inventory: InventoryService = inventoryServiceFromEnv(environment, config, store?.inventory);
  let host: PluginHost;
  try {
    host = createPluginHost(store === undefined ? config : { ...config, store });
  } catch (error) {
    await inventory.close();
    await store?.close();
    throw error;
  }
  const server = createServer(routeByPath(inventory.host.listener, host.listener));
  const port = environment.FSI_PORT === undefined ? 7071 : Number(environment.FSI_PORT);
  let url: string;
  try {
    url = await listen(server, port, environment.FSI_LISTEN_ADDRESS ?? "127.0.0.1");
  } catch (error) {
    await host.close();
    await inventory.close();
    await store?.close();
    throw error;
  }
  inventory.engine.startSchedule();
  return {
    url,
    async close() {
      await closeServer(server);
      await host.close();
      await inventory.close();
      await store?.close();
    },
  };
}

if (require.main === module) {
  startPluginHostServer(process.env).then(
    (running) => {
      console.log(`Plug-in host ready at ${running.url}/plugins (inventory at ${running.url}/plugins/inventory)`);
      const stop = () => {
        void running.close().then(() => process.exit(0));
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
