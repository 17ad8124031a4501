/**
 * A reverse proxy in front of the SCM emulator that a test can take down: while down, it cuts
 * every connection (what a client sees when SCM is unreachable).
 */
import { createServer } from "node:http";
import { closeServer, listen } from "../../../sandbox/http";

export interface SwitchableProxy {
  readonly url: string;
  up: boolean;
  close(): Promise<void>;
}

export async function startSwitchableProxy(target: string): Promise<SwitchableProxy> {
  const state = { up: true };
  const server = createServer((req, res) => {
    if (!state.up) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).flatMap(([name, value]) => (value === undefined || name === "host" || name === "content-length" ? [] : [[name, Array.isArray(value) ? value.join(", ") : value]])),
      );
      const body = chunks.length === 0 ? undefined : Buffer.concat(chunks);
      void fetch(`${target}${req.url ?? ""}`, { method: req.method ?? "GET", headers, body }).then(async (reply) => {
        res.writeHead(reply.status, { "content-type": reply.headers.get("content-type") ?? "application/json" }).end(Buffer.from(await reply.arrayBuffer()));
      });
    });
  });
  const url = await listen(server, 0);
  return {
    url,
    get up() {
      return state.up;
    },
    set up(value: boolean) {
      state.up = value;
    },
    close: () => closeServer(server),
  };
}
