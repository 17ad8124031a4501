/**
 * A raw HTTP client for fuzzing: the path goes on the wire as given (malformed percent-encoding,
 * bytes 0x80-0xFF), the body as given bytes, any content type. `fetch` would normalise or refuse
 * much of that. One connection per request, so a server that drops a connection is seen as such
 * and never blamed on a reused socket.
 */
import { Agent, request } from "node:http";
import { tally } from "./tally";

export interface RawRequest {
  readonly method: string;
  /** Path and query exactly as sent (`/plugins/webhooks/x?code=%E0`). */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly body?: Buffer | string;
  /** The endpoint, for the status tally (`FUZZ_TALLY=1`); default the method and path. */
  readonly label?: string;
}

export interface RawReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
  /** The body parsed as JSON; `undefined` when empty or not JSON. */
  readonly json: unknown;
  /**
   * Node's HTTP parser refused the request line before any handler ran (a request target with a
   * byte outside printable ASCII is not HTTP/1.1, RFC 9112 §3.2): a bare 400, no body.
   */
  readonly refusedByParser: boolean;
}

const agent = new Agent({ keepAlive: false });

/** Sends one request; rejects (a failed property) when the connection drops before a full reply. */
export function send(origin: string, raw: RawRequest): Promise<RawReply> {
  const url = new URL(origin);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw.headers ?? {})) if (value !== undefined) headers[name] = value;
  const body =
    raw.body === undefined ? undefined : Buffer.isBuffer(raw.body) ? raw.body : Buffer.from(raw.body, "utf8");
  if (body !== undefined) headers["content-length"] = String(body.length);
  return new Promise<RawReply>((resolve, reject) => {
    const outgoing = request(
      { host: url.hostname, port: url.port, method: raw.method, path: raw.path, headers, agent },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", (error) => {
          reject(
            new Error(`The connection dropped while the reply to ${raw.method} ${raw.path} was read: ${error.message}`),
          );
        });
        response.on("end", () => {
          if (!response.complete) {
            reject(new Error(`The reply to ${raw.method} ${raw.path} was cut short.`));
            return;
          }
          const text = Buffer.concat(chunks).toString("utf8");
          const status = response.statusCode ?? 0;
          const refusedByParser = status === 400 && text === "" && /[^\u0021-\u007e]/.test(raw.path);
          tally(raw.label ?? `${raw.method} ${raw.path.split("?")[0] ?? ""}`, status, parseOrUndefined(text));
          resolve({ status, headers: response.headers, text, json: parseOrUndefined(text), refusedByParser });
        });
      },
    );
    outgoing.on("error", (error) => {
      reject(new Error(`The connection dropped on ${raw.method} ${raw.path.slice(0, 200)}: ${error.message}`));
    });
    outgoing.end(body);
  });
}

function parseOrUndefined(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The message of an error body: `{ error: { message } }` (OData, the hosts) or `{ Message }` (F&O services). */
export function errorMessageOf(json: unknown): string | undefined {
  if (typeof json !== "object" || json === null) return undefined;
  const error = (json as { error?: unknown }).error;
  if (typeof error === "object" && error !== null && typeof (error as { message?: unknown }).message === "string")
    return (error as { message: string }).message;
  const message = (json as { Message?: unknown }).Message;
  return typeof message === "string" ? message : undefined;
}

/**
 * The reply of a refused request is a 4xx whose JSON body says what is wrong. Throws a readable
 * error otherwise (the property fails and fast-check shrinks the input).
 */
export function expectRefusal(reply: RawReply, what: string): void {
  if (reply.status < 400 || reply.status >= 500)
    throw new Error(`${what}: expected a 4xx, got ${reply.status}: ${reply.text.slice(0, 500)}`);
  if (reply.refusedByParser) return;
  const message = errorMessageOf(reply.json);
  if (message === undefined || message.trim() === "")
    throw new Error(`${what}: the ${reply.status} reply carries no error message: ${reply.text.slice(0, 500)}`);
}

/** No 5xx and no reply without a status: the first property every endpoint must hold. */
export function expectNoServerError(reply: RawReply, what: string): void {
  if (reply.status >= 500 || reply.status < 100)
    throw new Error(`${what}: server error ${reply.status}: ${reply.text.slice(0, 1000)}`);
}
