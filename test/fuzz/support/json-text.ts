/**
 * JSON documents as a small tree rendered to text by hand, so a generator can put in what
 * `JSON.stringify` never writes but a hostile client can: an own `__proto__` key, the same key
 * twice, `1e999` (which `JSON.parse` reads as Infinity), a 40-digit integer, nesting thousands of
 * levels deep.
 */

export type JsonNode =
  /** Already-rendered JSON text: a literal, or a whole subtree such as a deep nest. */
  | { readonly raw: string }
  | { readonly array: readonly JsonNode[] }
  | { readonly object: readonly (readonly [string, JsonNode])[] };

export const raw = (text: string): JsonNode => ({ raw: text });

export function renderJson(node: JsonNode): string {
  if ("raw" in node) return node.raw;
  if ("array" in node) return `[${node.array.map(renderJson).join(",")}]`;
  return `{${node.object.map(([key, value]) => `${JSON.stringify(key)}:${renderJson(value)}`).join(",")}}`;
}

/** A parsed JSON value as a tree (object keys in insertion order). */
export function jsonNodeOf(value: unknown): JsonNode {
  if (Array.isArray(value)) return { array: value.map(jsonNodeOf) };
  if (typeof value === "object" && value !== null)
    return { object: Object.entries(value).map(([key, item]) => [key, jsonNodeOf(item)] as const) };
  return raw(jsonText(value));
}

/** `JSON.stringify`, with `null` for what it cannot write (`undefined` at the top level). */
export function jsonText(value: unknown): string {
  return value === undefined ? "null" : JSON.stringify(value);
}

/** Every node of a tree with the path of keys and indexes that leads to it (the root first). */
export function nodePaths(node: JsonNode, path: readonly (string | number)[] = []): (readonly (string | number)[])[] {
  const here = [path];
  if ("array" in node) return [...here, ...node.array.flatMap((item, index) => nodePaths(item, [...path, index]))];
  if ("object" in node) return [...here, ...node.object.flatMap(([key, item]) => nodePaths(item, [...path, key]))];
  return here;
}

/**
 * A copy of `node` with the node at `path` replaced by what `edit` returns (`undefined` removes
 * it from its parent). Object steps are matched by key, the first entry with that key.
 */
export function editAt(
  node: JsonNode,
  path: readonly (string | number)[],
  edit: (target: JsonNode) => JsonNode | undefined,
): JsonNode | undefined {
  const [step, ...rest] = path;
  if (step === undefined) return edit(node);
  if ("array" in node && typeof step === "number") {
    const items = node.array.flatMap((item, index) => {
      if (index !== step) return [item];
      const edited = editAt(item, rest, edit);
      return edited === undefined ? [] : [edited];
    });
    return { array: items };
  }
  if ("object" in node) {
    const at = node.object.findIndex(([key]) => key === String(step));
    const entries = node.object.flatMap(([key, item], index): (readonly [string, JsonNode])[] => {
      if (index !== at) return [[key, item]];
      const edited = editAt(item, rest, edit);
      return edited === undefined ? [] : [[key, edited]];
    });
    return { object: entries };
  }
  return node;
}
