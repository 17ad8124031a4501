/**
 * The one error type every sandbox HTTP handler throws. Each emulator renders it in its own
 * platform's error shape (Dataverse and finance-and-operations differ), so the type carries the
 * facts (status, code, message, details) and no formatting.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    /** Stable, machine-readable code (`PAYLOAD_TOO_LARGE`, `INVALID_JSON`, ...). */
    readonly code: string,
    message: string,
    /** Extra structured facts a renderer may show (field errors, a position in the input, ...). */
    readonly details?: unknown,
    /** Response headers the renderer must add (`Allow` on a 405, ...). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export function isHttpError(error: unknown): error is HttpError {
  return error instanceof HttpError;
}

/** Any thrown value as an HttpError: unexpected failures become a 500 that says what broke. */
export function toHttpError(error: unknown): HttpError {
  if (isHttpError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new HttpError(500, "INTERNAL_ERROR", `Unexpected server error: ${message}`);
}
