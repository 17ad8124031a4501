/**
 * The front end a scaled-out Function App sits behind, reduced to what the multi-instance tests
 * need: one URL for Dataverse's service endpoints and SCM's data event endpoint, requests handed to
 * the instances in turn (round robin). An instance that refuses the connection (gone) is skipped
 * for the next one — the request never reached it, so it is safe to send elsewhere; an instance
 * that dies with the request in flight makes the front end answer 502 Bad Gateway, and the caller
 * decides (Dataverse retries a synchronous webhook step once, SCM's outbox retries the event).
 * Every request is logged with the instance that served it, its status and its reply.
 */
import {
  type IncomingMessage,
  type Server,
  type ServerResponse,
  createServer,
  request as httpRequest,
} from "node:http";
import { closeServer, listen } from "@fsi/sandbox/http";

export interface FrontDoorEntry {
  /** Index of the instance in `instances` (in the order they were added). */
  readonly instance: number;
  readonly method: string;
  /** Path and query as received. */
  readonly url: string;
  /** The instance's status, or 502 when it died with the request in flight. */
  readonly status: number;
  readonly reply: string;
}

export interface FrontDoor {
  readonly url: string;
  readonly log: readonly FrontDoorEntry[];
  /** Adds an instance (a new host process scaled out); answers its index. */
  add(origin: string): number;
  /**
   * Runs `hook` when a request has been handed to an instance, before its reply (the test kills an
   * instance there, with the request in flight).
   */
  onForwarded(hook: ((instance: number, url: string) => void) | undefined): void;
  /** Requests handed on so far, by instance. */
  forwardedTo(instance: number): number;
  /** Requests received and not yet answered. */
  inFlight(): number;
  close(): Promise<void>;
}

interface Instance {
  readonly origin: URL;
  reachable: boolean;
  forwarded: number;
}

export async function startFrontDoor(origins: readonly string[]): Promise<FrontDoor> {
  const instances: Instance[] = [];
  const log: FrontDoorEntry[] = [];
  let next = 0;
  let hook: ((instance: number, url: string) => void) | undefined;
  let open = 0;

  const add = (origin: string): number =>
    instances.push({ origin: new URL(origin), reachable: true, forwarded: 0 }) - 1;
  origins.forEach(add);

  /** The next reachable instance after `tried` ones were refused; undefined when none is left. */
  const pick = (tried: ReadonlySet<number>): number | undefined => {
    for (let step = 0; step < instances.length; step += 1) {
      const index = (next + step) % instances.length;
      if (instances[index]?.reachable === true && !tried.has(index)) {
        next = index + 1;
        return index;
      }
    }
    return undefined;
  };

  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse, tried: Set<number>): void => {
    const index = pick(tried);
    const instance = index === undefined ? undefined : instances[index];
    if (index === undefined || instance === undefined) {
      res.writeHead(503, { "content-type": "text/plain" }).end("no instance is reachable");
      return;
    }
    tried.add(index);
    let handedOn = false;
    const outbound = httpRequest(
      {
        // A connection per request: "connect" then means this instance got the request.
        agent: false,
        host: instance.origin.hostname,
        port: instance.origin.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: instance.origin.host },
      },
      (reply) => {
        const chunks: Buffer[] = [];
        reply.on("data", (chunk: Buffer) => chunks.push(chunk));
        reply.on("error", () => {
          badGateway(index);
        });
        reply.on("end", () => {
          const text = Buffer.concat(chunks);
          log.push({
            instance: index,
            method: req.method ?? "",
            url: req.url ?? "",
            status: reply.statusCode ?? 0,
            reply: text.toString("utf8"),
          });
          res.writeHead(reply.statusCode ?? 502, reply.headers).end(text);
        });
      },
    );
    const badGateway = (served: number) => {
      if (res.headersSent) return;
      log.push({ instance: served, method: req.method ?? "", url: req.url ?? "", status: 502, reply: "" });
      res.writeHead(502, { "content-type": "text/plain" }).end("the instance closed the connection");
    };
    outbound.on("error", (error: NodeJS.ErrnoException) => {
      if (!handedOn && error.code === "ECONNREFUSED") {
        // Gone before it saw the request: the front end takes it out of rotation and tries another.
        instance.reachable = false;
        forward(req, body, res, tried);
        return;
      }
      badGateway(index);
    });
    outbound.on("socket", (socket) => {
      socket.once("connect", () => {
        handedOn = true;
        instance.forwarded += 1;
      });
    });
    outbound.end(body, () => {
      if (handedOn) hook?.(index, req.url ?? "");
    });
  };

  const server: Server = createServer((req, res) => {
    open += 1;
    res.once("close", () => {
      open -= 1;
    });
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      forward(req, Buffer.concat(chunks), res, new Set());
    });
  });
  const url = await listen(server, 0);
  return {
    url,
    log,
    add,
    onForwarded: (given) => {
      hook = given;
    },
    forwardedTo: (instance) => instances[instance]?.forwarded ?? 0,
    inFlight: () => open,
    close: () => closeServer(server),
  };
}
