/**
 * Request bodies with a byte limit, and JSON parsing that says where the JSON is wrong.
 */
import type { IncomingMessage } from "node:http";
import { checkDeclaredLength, payloadTooLarge, readNodeBody } from "@fsi/plugins/http-kit/body";
import { HttpError } from "@fsi/plugins/http-kit/errors";
import { MAX_JSON_DEPTH, jsonNestingBeyond, lineAndColumn, locateJsonError } from "@fsi/plugins/http-kit/json-text";

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

export interface BodyOptions {
  /** Largest accepted body; more gives 413 `PAYLOAD_TOO_LARGE`. Default 1 MiB. */
  readonly limitBytes?: number;
}

/**
 * Reads the whole body. A declared Content-Length over the limit is refused with 413 before a byte
 * is read (otherwise a client declaring more than 16× the limit would get a reset, not a 413, and
 * one that declares much but sends little would hold the request open); a streamed body over the
 * limit is drained (up to 16× the limit) and refused with 413.
 */
export function readBody(req: IncomingMessage, options: BodyOptions = {}): Promise<Buffer> {
  const limit = options.limitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  try {
    checkDeclaredLength(req.headers["content-length"], limit);
  } catch {
    return Promise.reject(payloadTooLarge(limit));
  }
  return readNodeBody(req, limit);
}

export interface JsonPosition {
  readonly position: number;
  readonly line: number;
  readonly column: number;
}

/**
 * Parses a JSON text. A syntax error becomes 400 `INVALID_JSON` whose message and details give
 * the offset, line and column of the first character that is wrong; a document nested deeper
 * than the hosts accept (100 levels, also OData's default `MaxNestingDepth`) becomes 400
 * `JSON_TOO_DEEP` (`json-depth.ts`), before code that walks it recursively can exhaust the stack.
 */
export function parseJson(text: string): unknown {
  if (text.trim() === "") {
    throw new HttpError(400, "INVALID_JSON", "The request body is empty; a JSON document was expected.", {
      position: 0,
      line: 1,
      column: 1,
    } satisfies JsonPosition);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (error) {
    const position = locateJsonError(text);
    const { line, column } = lineAndColumn(text, position);
    const reason = error instanceof Error ? error.message : String(error);
    const details: JsonPosition = { position, line, column };
    throw new HttpError(
      400,
      "INVALID_JSON",
      `The request body is not valid JSON: error at position ${position} (line ${line}, column ${column}): ${reason}`,
      details,
    );
  }
  const tooDeep = jsonNestingBeyond(text, MAX_JSON_DEPTH);
  if (tooDeep !== undefined) {
    const { line, column } = lineAndColumn(text, tooDeep);
    const details: JsonPosition = { position: tooDeep, line, column };
    throw new HttpError(
      400,
      "JSON_TOO_DEEP",
      `The request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep (line ${line}, column ${column}).`,
      details,
    );
  }
  return parsed;
}

/**
 * Reads and parses a JSON body. Form encodings and XML are refused with 415 so a client sending
 * them (curl -d sends a form by default) learns why; other types, and none, are read as JSON,
 * because fetch() labels a string body text/plain.
 */
export async function readJson(req: IncomingMessage, options: BodyOptions = {}): Promise<unknown> {
  const contentType = req.headers["content-type"];
  if (
    contentType !== undefined &&
    /^(application\/x-www-form-urlencoded|multipart\/|[\w.+-]+\/([\w.+-]+\+)?xml)/i.test(contentType.trim())
  ) {
    throw new HttpError(
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      `Content-Type '${contentType}' is not supported; send 'application/json'.`,
    );
  }
  const body = await readBody(req, options);
  return parseJson(body.toString("utf8"));
}
