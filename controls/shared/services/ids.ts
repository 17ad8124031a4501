/** GUIDs arrive with or without braces and in either case (lookups vs Web API rows). */
export function normalizeId(id: string): string {
  return id.replace(/[{}]/g, "").toLowerCase();
}

export function sameId(a: string, b: string): boolean {
  return normalizeId(a) === normalizeId(b);
}
