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

function isViablePrefix(prefix: string): boolean {
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
