/**
 * How deeply a JSON body may nest. Code that walks a parsed document recursively (a schema, an
 * error message's `JSON.stringify`) exhausts the stack on a body of a few KB of `[`; such a body
 * is refused first. 100 levels is also OData's default `MaxNestingDepth` (Microsoft.OData.Core,
 * `ODataMessageQuotas`). The plug-in host has the same check (`plugins-ts/host/http/body.ts`);
 * this layer imports nothing of the product.
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
      if (char === 92) index += 1; // a backslash escapes the next character
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
