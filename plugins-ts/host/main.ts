/**
 * Runs the plug-in host as a plain Node.js server, configured from `FSI_*` environment variables
 * (see config-from-env.ts), on `FSI_PORT` (default 7071, the Functions host's port):
 * `npx tsx plugins-ts/host/main.ts`. Ctrl-C stops it after in-flight work.
 */
import { createServer } from "node:http";
import { hostConfigFromEnv } from "./config-from-env";
import { closeServer, listen } from "./http/lifecycle";
import { createPluginHost } from "./plugin-host";

export interface RunningHost {
  readonly url: string;
  close(): Promise<void>;
}

export async function startPluginHostServer(environment: Readonly<Record<string, string | undefined>>): Promise<RunningHost> {
  const host = createPluginHost(hostConfigFromEnv(environment));
  const server = createServer(host.listener);
  const port = environment.FSI_PORT === undefined ? 7071 : Number(environment.FSI_PORT);
  let url: string;
  try {
    url = await listen(server, port, environment.FSI_LISTEN_ADDRESS ?? "127.0.0.1");
  } catch (error) {
    await host.close();
    throw error;
  }
  return {
    url,
    async close() {
      await closeServer(server);
      await host.close();
    },
  };
}

if (require.main === module) {
  startPluginHostServer(process.env).then(
    (running) => {
      console.log(`Plug-in host ready at ${running.url}/plugins`);
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
