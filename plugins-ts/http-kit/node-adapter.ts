/**
 * Serves a `HostHandler` with plain `node:http`: builds the `HostRequest`, writes the reply, and
 * never lets a failure escape (an unexpected error is a 500; a broken socket is ignored).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { checkDeclaredLength, readNodeBody } from "./body";
import { answer, type HostHandler, type HostRequest, type HostResponse, replyText } from "./exchange";

export interface NodeAdapterOptions {
  /** Where 5xx failures are reported; the client gets a short message only. */
  readonly onServerError?: (error: unknown) => void;
}

export function toRequestListener(handler: HostHandler, options: NodeAdapterOptions = {}): RequestListener {
  const onServerError = options.onServerError ?? (() => undefined);
  return (req, res) => {
    void answer(handler, fromNodeRequest(req), onServerError).then(
      (response) => {
        writeReply(res, response);
      },
      (error: unknown) => {
        onServerError(error);
        if (!res.headersSent)
          writeReply(res, {
            status: 500,
            json: { error: { code: "INTERNAL_ERROR", message: "Unexpected server error." } },
          });
      },
    );
  };
}

export function fromNodeRequest(req: IncomingMessage): HostRequest {
  const url = requestUrl(req);
  return {
    method: (req.method ?? "GET").toUpperCase(),
    url,
    ...(req.socket.remoteAddress === undefined ? {} : { remoteAddress: req.socket.remoteAddress }),
    header(name) {
      const value = req.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(", ") : value;
    },
    async readBody(limitBytes) {
      checkDeclaredLength(req.headers["content-length"], limitBytes);
      return readNodeBody(req, limitBytes);
    },
    // A caller that gives up (a timeout) closes its connection before the reply is written.
    callerGone: () => req.socket.destroyed,
  };
}

export function writeReply(res: ServerResponse, response: HostResponse): void {
  if (res.headersSent || res.destroyed) return;
  const text = replyText(response);
  const headers: Record<string, string> = { ...response.headers };
  if (text !== undefined) {
    headers["content-type"] = "application/json; charset=utf-8";
    headers["content-length"] = String(Buffer.byteLength(text));
  }
  res.writeHead(response.status, headers);
  res.end(text);
}

function requestUrl(req: IncomingMessage): URL {
  const host = req.headers.host ?? "127.0.0.1";
  try {
    return new URL(req.url ?? "/", `http://${host}`);
  } catch {
    // A Host header or request target URL cannot parse: route it as the root, which answers 404.
    return new URL("http://127.0.0.1/");
  }
}
