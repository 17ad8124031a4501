/**
 * A transport-neutral request and reply, so one handler runs under plain `node:http` (the local
 * host, the sandbox) and under Azure Functions (`@azure/functions` v4) unchanged. Adapters:
 * `node-adapter.ts` and `plugins-ts/azure/`.
 */
import { HttpError, toHttpError } from "./errors";

export interface HostRequest {
  /** Upper-case HTTP method. */
  readonly method: string;
  /** Full request URL; `url.pathname` is still percent-encoded. */
  readonly url: URL;
  /** A request header by case-insensitive name; repeated headers are joined with `, `. */
  header(name: string): string | undefined;
  /**
   * The whole body. Refuses one larger than `limitBytes` with 413 `PAYLOAD_TOO_LARGE` (checked
   * against Content-Length first, then while reading), so a handler never buffers more than that.
   */
  readBody(limitBytes: number): Promise<Buffer>;
  /** The caller's network address, where the transport knows it. */
  readonly remoteAddress?: string;
  /** True once the caller closed the connection (it will never read the reply); absent where the transport cannot tell. */
  callerGone?(): boolean;
}

export interface HostResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A JSON body; absent for an empty reply (204, a preflight). */
  readonly json?: unknown;
}

export type HostHandler = (request: HostRequest) => Promise<HostResponse>;

export function jsonReply(status: number, json: unknown, headers: Readonly<Record<string, string>> = {}): HostResponse {
  return { status, json, headers };
}

/** The JSON error body of every 4xx/5xx this host sends. */
export function errorReply(error: HttpError, extraHeaders: Readonly<Record<string, string>> = {}): HostResponse {
  const body = {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    },
  };
  return { status: error.status, json: body, headers: { ...error.headers, ...extraHeaders } };
}

/**
 * Runs a handler and turns anything it throws into an error reply, so no input can crash the
 * host. 5xx failures are reported to `onServerError` (the client only gets a short message).
 */
export async function answer(
  handler: HostHandler,
  request: HostRequest,
  onServerError: (error: unknown) => void,
  /** Turns a thrown value into the error to answer; default `toHttpError` (unknown values → 500). */
  classify: (error: unknown) => HttpError = toHttpError,
): Promise<HostResponse> {
  try {
    return await handler(request);
  } catch (error) {
    const httpError = classify(error);
    if (httpError.status >= 500) onServerError(error);
    return errorReply(httpError);
  }
}

/** Serialises a reply body; `undefined` when the reply has none. */
export function replyText(response: HostResponse): string | undefined {
  return response.json === undefined ? undefined : JSON.stringify(response.json);
}
