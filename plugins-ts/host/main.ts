/**
 * Runs the integration as a plain Node.js server, configured from `FSI_*` environment variables
 * (see config-from-env.ts and inventory/config.ts), on `FSI_PORT` (default 7071, the Functions
 * host's port): `npx tsx plugins-ts/host/main.ts`. One server, one port, one host serving the route
 * table (`routes.ts`). The inventory engine's schedule (batch maps every `scheduleMinutes`, retries
 * of kept rows) runs while the process does. Ctrl-C (or SIGTERM) stops it after in-flight work.
 * A composition root: nothing imports it but its tests.
 */
import { createServer } from "node:http";
import { closeServer, listen } from "../http-kit/lifecycle";
import { hostFromEnv } from "./host-from-env";
import { HOST_PREFIX, routeUrl } from "./routes";

export interface RunningHost {
  readonly url: string;
  close(): Promise<void>;
}

export async function startPluginHostServer(
  environment: Readonly<Record<string, string | undefined>>,
): Promise<RunningHost> {
  const integration = hostFromEnv(environment);
  const server = createServer(integration.host.listener);
  const port = environment.FSI_PORT === undefined ? 7071 : Number(environment.FSI_PORT);
  let url: string;
  try {
    url = await listen(server, port, environment.FSI_LISTEN_ADDRESS ?? "127.0.0.1");
  } catch (error) {
    await integration.close();
    throw error;
  }
  integration.engine.startSchedule();
  return {
    url,
    async close() {
      await closeServer(server);
      await integration.close();
    },
  };
}

if (require.main === module) {
  startPluginHostServer(process.env).then(
    (running) => {
      console.log(
        `Plug-in host ready at ${running.url}${HOST_PREFIX} (SCM's data events for every map: ${routeUrl(running.url, "scm-events")})`,
      );
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
