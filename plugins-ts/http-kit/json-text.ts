/**
 * Facts about a JSON text that a 400 needs: how deeply it nests, where it first goes wrong, and
 * that place as a line and column. Shared by every JSON reader of the host and of the sandbox's
 * emulators (they say the same things about a body, each in its own platform's error shape).
 */

/**
 * How deeply a JSON body may nest. Code that walks a parsed document recursively (a schema, an
 * error message's `JSON.stringify`) exhausts the stack on a body of a few KB of `[`; such a body
 * is refused first. A RemoteExecutionContext with its eight parent contexts stays under 30 levels;
 * 100 is also OData's default `MaxNestingDepth` (Microsoft.OData.Core, `ODataMessageQuotas`).
 */
export const MAX_JSON_DEPTH = 100;

/**
 * The offset of the first `[` or `{` nested deeper than `limit` in a JSON text (brackets inside
 * strings do not count), or undefined. A linear scan, so it is safe on any input.
 */
export function jsonNestingBeyond(text: string, limit: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 92)
        index += 1; // a backslash escapes the next character
      else if (char === 34) inString = false;
    } else if (char === 34) {
      inString = true;
    } else if (char === 91 || char === 123) {
      depth += 1;
      if (depth > limit) return index;
    } else if (char === 93 || char === 125) {
      depth -= 1;
    }
  }
  return undefined;
}

/**
 * Where a JSON text first goes wrong. V8's `JSON.parse` messages carry a position only for some
 * errors ("Unexpected token '}', ... is not valid JSON" has none), so we find it ourselves: a
 * prefix of the text is *viable* when it parses or fails only at its very end (it could still
 * become valid JSON); viability is monotonic, so a binary search over prefix lengths finds the
 * first offending character in O(log n) parses.
 */
export function locateJsonError(text: string): number {
  let viable = 0;
  let broken = text.length;
  if (isViablePrefix(text)) return text.length;
  while (broken - viable > 1) {
    const middle = Math.floor((viable + broken) / 2);
    if (isViablePrefix(text.slice(0, middle))) viable = middle;
    else broken = middle;
  }
  return broken - 1;
}

/** A prefix that parses, or fails only at its very end (it could still become valid JSON). */
export function isViablePrefix(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (error) {
    const message = error instanceof Error ? error.message : "";
    if (message.startsWith("Unexpected end of JSON input")) return true;
    const position = /at position (\d+)/.exec(message)?.[1];
    return position !== undefined && Number(position) >= prefix.length;
  }
}

/** 1-based line and column of an offset, for messages people read. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset && index < text.length; index += 1) {
    if (text.charCodeAt(index) === 10) {
      line += 1;
      lineStart = index + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
