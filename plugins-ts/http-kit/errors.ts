/**
 * The error every host handler throws to answer with a 4xx/5xx. It carries facts (status, code,
 * message, details, headers), never formatting: the host renders it as
 * `{ "error": { "code", "message", "details"? } }`.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    /** Stable, machine-readable code (`PAYLOAD_TOO_LARGE`, `INVALID_JSON`, `UNAUTHENTICATED`, ...). */
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Headers the reply must carry (`www-authenticate` on a 401, `allow` on a 405). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export function isHttpError(error: unknown): error is HttpError {
  return error instanceof HttpError;
}

/** Any thrown value as an HttpError: an unexpected failure becomes a 500 that says what broke. */
export function toHttpError(error: unknown): HttpError {
  if (isHttpError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new HttpError(500, "INTERNAL_ERROR", `Unexpected server error: ${message}`);
}
