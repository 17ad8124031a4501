/**
 * Requests the security tests send that `fetch` alone cannot: a body streamed in chunks (no
 * Content-Length, so only reading tells its size), and a request that declares a huge
 * Content-Length but sends a few bytes — a server that trusts the declared length answers at once,
 * one that reads first would wait for bytes that never come.
 */
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: unknown };
}

export interface RawReply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/** The `{ error: { code, message } }` of a reply, or a description of what came instead. */
export function errorOf(json: unknown): ErrorBody["error"] {
  const error = (json as Partial<ErrorBody> | undefined)?.error;
  if (error === undefined || typeof error.code !== "string")
    throw new Error(`not an error reply: ${JSON.stringify(json)}`);
  return error;
}

/** A chunked body of `totalBytes` bytes of `x`, handed out 64 KiB at a time as the server reads. */
export function streamedBody(totalBytes: number, chunkBytes = 64 * 1024): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= totalBytes) {
        controller.close();
        return;
      }
      const size = Math.min(chunkBytes, totalBytes - sent);
      sent += size;
      controller.enqueue(new Uint8Array(size).fill(0x78));
    },
  });
}

/** POSTs a streamed body (Transfer-Encoding: chunked); resolves with the status and the JSON reply. */
export async function postStreamed(
  url: string,
  headers: Record<string, string>,
  totalBytes: number,
  method = "POST",
): Promise<{ status: number; json: unknown }> {
  const init: RequestInit & { duplex: "half" } = { method, headers, body: streamedBody(totalBytes), duplex: "half" };
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, json: text === "" ? undefined : (JSON.parse(text) as unknown) };
}

/**
 * Declares `declaredBytes` in Content-Length, sends 16 bytes and keeps the request open until the
 * server answers. A server that never answers fails the test after 10 s with a clear reason (a
 * bound so a regression cannot hang the suite, not a timing assertion).
 */
export function postDeclaringLength(
  url: string,
  headers: Record<string, string>,
  declaredBytes: number,
  method = "POST",
): Promise<RawReply> {
  const target = new URL(url);
  return new Promise<RawReply>((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method,
        path: `${target.pathname}${target.search}`,
        headers: { ...headers, "content-length": String(declaredBytes) },
      },
      (incoming) => {
        let text = "";
        incoming.setEncoding("utf8");
        incoming.on("data", (chunk: string) => (text += chunk));
        incoming.on("end", () => {
          outgoing.destroy();
          resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, text });
        });
      },
    );
    outgoing.setTimeout(10_000, () => {
      outgoing.destroy(
        new Error(
          `${method} ${target.pathname} did not answer a declared Content-Length of ${declaredBytes} bytes: it waits for the body instead of refusing it`,
        ),
      );
    });
    outgoing.on("error", reject);
    outgoing.write('{"padding":"xxxx');
  });
}
