/**
 * Request bodies with a byte limit, and JSON parsing whose 400 says where the JSON is wrong (or
 * nested too deep to read safely).
 */
import type { IncomingMessage } from "node:http";
import { HttpError } from "./errors";
import { MAX_JSON_DEPTH, isViablePrefix, jsonNestingBeyond, lineAndColumn } from "./json-text";

/**
 * How much of an oversize body is read and discarded before the connection is cut: enough that a
 * well-behaved client (which sends the whole body before reading) sees our 413 instead of a reset,
 * bounded so a client streaming without end cannot keep the host busy.
 */
const DRAIN_FACTOR = 16;

export function payloadTooLarge(limitBytes: number): HttpError {
  return new HttpError(
    413,
    "PAYLOAD_TOO_LARGE",
    `The request body is larger than the limit of ${limitBytes} bytes.`,
    { limitBytes },
    { connection: "close" },
  );
}

/** Refuses a declared Content-Length over the limit before a byte is read. */
export function checkDeclaredLength(contentLength: string | undefined, limitBytes: number): void {
  if (contentLength === undefined) return;
  const declared = Number(contentLength);
  if (Number.isFinite(declared) && declared > limitBytes) throw payloadTooLarge(limitBytes);
}

/** Reads a `node:http` request body, refusing more than `limitBytes` with 413. */
export function readNodeBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let oversize = false;
    req.on("data", (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes) {
        oversize = true;
        chunks.length = 0;
        if (received > limitBytes * DRAIN_FACTOR) {
          req.destroy();
          reject(payloadTooLarge(limitBytes));
        }
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (oversize) reject(payloadTooLarge(limitBytes));
      else resolve(Buffer.concat(chunks));
    });
    req.on("error", (error) => {
      reject(new HttpError(400, "BODY_READ_FAILED", `The request body could not be read: ${error.message}`));
    });
  });
}

/**
 * Parses a JSON body. Empty or invalid JSON is a 400 `INVALID_JSON` naming the line and column
 * of the first wrong character; `what` names the document ("RemoteExecutionContext").
 */
export function parseJsonBody(body: Buffer, what: string): unknown {
  const text = body.toString("utf8");
  if (text.trim() === "") {
    throw new HttpError(400, "INVALID_JSON", `The request body is empty; a JSON ${what} was expected.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const position = errorPosition(reason, text);
    const { line, column } = lineAndColumn(text, position);
    throw new HttpError(
      400,
      "INVALID_JSON",
      `The request body is not valid JSON (${what}): line ${line}, column ${column}: ${reason}`,
      { position, line, column },
    );
  }
  const tooDeep = jsonNestingBeyond(text, MAX_JSON_DEPTH);
  if (tooDeep !== undefined) {
    const { line, column } = lineAndColumn(text, tooDeep);
    throw new HttpError(
      400,
      "JSON_TOO_DEEP",
      `The request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep (line ${line}, column ${column}); no ${what} does.`,
      { position: tooDeep, line, column, maxDepth: MAX_JSON_DEPTH },
    );
  }
  const broken = loneSurrogatePath(parsed, "$");
  if (broken !== undefined) {
    throw new HttpError(
      400,
      "INVALID_TEXT",
      `The request body holds text that is not whole Unicode characters at ${broken} (a lone UTF-16 surrogate, such as \\ud800); no ${what} does.`,
      { path: broken },
    );
  }
  return parsed;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Where a parsed body holds a lone UTF-16 surrogate (only a `\ud800` escape can put one there), in
 * a key or a text value. Such text cannot go on into a URL (`encodeURIComponent` throws) nor be
 * stored as UTF-8 unchanged, so it is refused at the door. Recursion is safe: the depth is checked first.
 */
function loneSurrogatePath(value: unknown, path: string): string | undefined {
  if (typeof value === "string") return LONE_SURROGATE.test(value) ? path : undefined;
  if (typeof value !== "object" || value === null) return undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = loneSurrogatePath(item, `${path}[${index}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const at = `${path}[${JSON.stringify(key)}]`;
    if (LONE_SURROGATE.test(key)) return at;
    const found = loneSurrogatePath(item, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The offset V8 reports ("... at position 12"); without one ("Unexpected end of JSON input",
 * some token errors) the first offending character is found by shrinking the text until its
 * prefix is a viable JSON start — viability is monotonic, so a binary search is enough.
 */
function errorPosition(reason: string, text: string): number {
  const reported = /at position (\d+)/.exec(reason)?.[1];
  if (reported !== undefined) return Number(reported);
  let viable = 0;
  let broken = text.length;
  while (broken - viable > 1) {
    const middle = Math.floor((viable + broken) / 2);
    if (isViablePrefix(text.slice(0, middle))) viable = middle;
    else broken = middle;
  }
  return broken - 1;
}
