/**
 * Request bodies with a byte limit, and JSON parsing that says where the JSON is wrong.
 */
import type { IncomingMessage } from "node:http";
import { HttpError } from "./errors";
import { MAX_JSON_DEPTH, jsonNestingBeyond } from "./json-depth";
import { lineAndColumn, locateJsonError } from "./json-error-position";

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/** How much of an oversize body we read and discard so the client sees our 413, not a reset. */
const DRAIN_FACTOR = 16;

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
  // Built only when a body is refused: an Error captures a stack trace, which every request would
  // otherwise pay for (it showed in the Dataverse emulator's create profile).
  const tooLarge = () =>
    new HttpError(
      413,
      "PAYLOAD_TOO_LARGE",
      `The request body is larger than the limit of ${limit} bytes.`,
      { limitBytes: limit },
      { connection: "close" },
    );
  const declared = Number(req.headers["content-length"]);
  if (req.headers["content-length"] !== undefined && Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge());
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let oversize = false;
    req.on("data", (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        oversize = true;
        chunks.length = 0;
        if (received > limit * DRAIN_FACTOR) {
          req.destroy();
          reject(tooLarge());
        }
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (oversize) reject(tooLarge());
      else resolve(Buffer.concat(chunks));
    });
    req.on("error", (error) => {
      reject(new HttpError(400, "BODY_READ_FAILED", `The request body could not be read: ${error.message}`));
    });
  });
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
  if (contentType !== undefined && /^(application\/x-www-form-urlencoded|multipart\/|[\w.+-]+\/([\w.+-]+\+)?xml)/i.test(contentType.trim())) {
    throw new HttpError(
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      `Content-Type '${contentType}' is not supported; send 'application/json'.`,
    );
  }
  const body = await readBody(req, options);
  return parseJson(body.toString("utf8"));
}
