/**
 * A reverse proxy in front of a real server (an emulator, the plug-in host) that a test can make
 * misbehave the ways a network and a struggling service do:
 * - `down`: cuts the connection without answering (refused / reset, as when the service is gone);
 * - `slow`: holds the request `delayMs`, then forwards it — the caller has usually given up by
 *   then, but the service still does the work (what a slow service really does);
 * - `hold`: holds the request until the test says so, then forwards it (to order races exactly);
 * - `status`: answers a status (500, 503, 429...) with optional `Retry-After`, forwarding nothing;
 * - `drop-after-forward`: forwards the request, lets the service answer (so it committed), then
 *   cuts the caller's connection — the reply is lost and the caller cannot know the outcome;
 * - `stall-after-forward`: forwards it and never replies (the caller hangs, as when the process
 *   that sent it is about to be killed);
 * - `status-after-forward`: forwards it, lets the service commit, and answers the caller a status
 *   instead of the service's reply (a gateway that lost the reply: 502, 503, 504).
 * A fault applies to the requests its `match` selects (default all) and, with `times`, only to
 * that many of them. Every request is counted, with what happened to it.
 */
import { type IncomingMessage, type ServerResponse, createServer, request as httpRequest } from "node:http";
import { closeServer, listen } from "@fsi/sandbox/http";

export type FaultMode =
  | { readonly kind: "down" }
  | { readonly kind: "slow"; readonly delayMs: number }
  | { readonly kind: "hold"; readonly until: Promise<void> }
  | { readonly kind: "status"; readonly status: number; readonly retryAfter?: string; readonly body?: unknown }
  | { readonly kind: "drop-after-forward" }
  | { readonly kind: "stall-after-forward" }
  | { readonly kind: "status-after-forward"; readonly status: number };

export interface ProxiedRequest {
  readonly method: string;
  /** Path and query, as the caller sent them. */
  readonly url: string;
}

export interface FaultOptions {
  /** Which requests the fault hits; default every request. */
  readonly match?: (request: ProxiedRequest) => boolean;
  /** How many matching requests it hits before the proxy passes them again; default unlimited. */
  readonly times?: number;
}

export interface ProxyRecord extends ProxiedRequest {
  /** `forwarded`, or the fault that hit the request. */
  readonly outcome: "forwarded" | FaultMode["kind"];
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: the proxy's origin (the target's paths work unchanged under it). */
  readonly url: string;
  /** Every request that reached the proxy, in arrival order. */
  readonly requests: readonly ProxyRecord[];
  /** Replaces the current fault. */
  fault(mode: FaultMode, options?: FaultOptions): void;
  /** Replaces the current fault by a choice per request (a script: "the second $batch gets a 503"). */
  faultEach(choose: (request: ProxiedRequest) => FaultMode | undefined): void;
  /** Passes everything again. */
  heal(): void;
  /** Requests the current fault has taken effect on (for `-after-forward` faults: once the target answered). */
  readonly faulted: number;
  /** Resolves once the current fault has taken effect on `count` requests. */
  whenFaulted(count?: number): Promise<void>;
  /** Resolves once no request is in flight here (held `slow` ones have reached the target). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** Requests that write (what `drop-after-forward` and friends usually aim at). */
export const writes = (request: ProxiedRequest): boolean => request.method !== "GET";

const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "content-length", "host", "upgrade"]);

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      resolve(Buffer.concat(chunks));
    });
    req.on("error", reject);
  });
}

interface TargetReply {
  readonly status: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

/**
 * Sends the request on to the target and reads its whole reply (the target has done the work by
 * then). With `caller`, a caller that hangs up also hangs up on the target, as across one TCP path.
 */
function forward(target: URL, req: IncomingMessage, body: Buffer, caller?: ServerResponse): Promise<TargetReply> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  headers["content-length"] = String(body.length);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
      (reply) => {
        const chunks: Buffer[] = [];
        reply.on("data", (chunk: Buffer) => chunks.push(chunk));
        reply.on("end", () => {
          const replyHeaders: Record<string, string | string[]> = {};
          for (const [name, value] of Object.entries(reply.headers))
            if (value !== undefined && !HOP_BY_HOP.has(name)) replyHeaders[name] = value;
          resolve({ status: reply.statusCode ?? 502, headers: replyHeaders, body: Buffer.concat(chunks) });
        });
        reply.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    caller?.once("close", () => {
      if (!caller.writableFinished) outgoing.destroy();
    });
    outgoing.end(body);
  });
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const targetUrl = new URL(target);
  const requests: ProxyRecord[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let current: { choose: (request: ProxiedRequest) => FaultMode | undefined } | undefined;
  /** Requests the current fault was chosen for, and those it has taken effect on (after the forward, for the `-after-forward` faults). */
  let chosen = 0;
  let faulted = 0;
  let waiters: { count: number; resolve: () => void }[] = [];
  let inFlight = 0;
  const idleWaiters: (() => void)[] = [];

  const hit = (): void => {
    faulted += 1;
    waiters = waiters.filter((waiter) => {
      if (faulted < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  };

  const answer = (res: ServerResponse, reply: TargetReply): void => {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(reply.status, reply.headers).end(reply.body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readAll(req);
    const request: ProxiedRequest = { method: req.method ?? "GET", url: req.url ?? "/" };
    const mode = current?.choose(request);
    requests.push({ ...request, outcome: mode?.kind ?? "forwarded" });
    if (mode !== undefined) chosen += 1;
    if (mode !== undefined && !mode.kind.endsWith("-after-forward")) hit();
    switch (mode?.kind) {
      case undefined:
        answer(res, await forward(targetUrl, req, body, res));
        return;
      case "down":
        req.socket.destroy();
        return;
      case "status": {
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (mode.retryAfter !== undefined) headers["retry-after"] = mode.retryAfter;
        res.writeHead(mode.status, headers).end(
          JSON.stringify(
            mode.body ?? {
              error: { code: `Proxy${mode.status}`, message: `The test's proxy answered ${mode.status}.` },
            },
          ),
        );
        return;
      }
      case "slow":
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            resolve();
          }, mode.delayMs);
          timers.add(timer);
        });
        answer(res, await forward(targetUrl, req, body));
        return;
      case "hold":
        await mode.until;
        answer(res, await forward(targetUrl, req, body));
        return;
      case "drop-after-forward":
        await forward(targetUrl, req, body);
        req.socket.destroy();
        hit();
        return;
      case "status-after-forward":
        await forward(targetUrl, req, body);
        hit();
        res.writeHead(mode.status, { "content-type": "application/json" }).end(
          JSON.stringify({
            error: { code: `Gateway${mode.status}`, message: `The gateway lost the reply (${mode.status}).` },
          }),
        );
        return;
      case "stall-after-forward":
        // The reply stays unwritten until the caller goes away or the proxy closes.
        await forward(targetUrl, req, body);
        hit();
        return;
    }
  };

  const server = createServer((req, res) => {
    inFlight += 1;
    handle(req, res)
      .catch(() => {
        req.socket.destroy();
      })
      .finally(() => {
        inFlight -= 1;
        if (inFlight > 0) return;
        for (const resolve of idleWaiters.splice(0)) resolve();
      });
  });
  const url = await listen(server, 0);
  return {
    url,
    requests,
    fault(mode, options = {}) {
      current = {
        choose: (request) => {
          if (options.match !== undefined && !options.match(request)) return undefined;
          if (options.times !== undefined && chosen >= options.times) return undefined;
          return mode;
        },
      };
      chosen = 0;
      faulted = 0;
    },
    faultEach(choose) {
      current = { choose };
      chosen = 0;
      faulted = 0;
    },
    heal() {
      current = undefined;
    },
    get faulted() {
      return faulted;
    },
    whenFaulted(count = 1) {
      if (faulted >= count) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push({ count, resolve }));
    },
    settled() {
      if (inFlight === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      const closed = closeServer(server);
      server.closeAllConnections();
      await closed;
    },
  };
}
