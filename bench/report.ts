/**
 * Turns benchmark rows (flat records, or records with one level of nested ratios) into printable
 * tables, so every bench prints the same way alone and under `npm run bench`.
 */
export type Cell = string | number | boolean | null;
/** Any flat row object; interfaces (no index signature) are accepted. */
export type BenchRow = object;

/** `{ ratioToBaseline: { bytes: 0.01 } }` becomes `{ "ratioToBaseline.bytes": 0.01 }`. */
export function flattenRow(row: BenchRow): Record<string, Cell> {
  const flat: Record<string, Cell> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value !== null && typeof value === "object") {
      for (const [inner, innerValue] of Object.entries(value as Record<string, unknown>)) {
        flat[`${key}.${inner}`] = toCell(innerValue);
      }
    } else {
      flat[key] = toCell(value);
    }
  }
  return flat;
}

function toCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  return JSON.stringify(value);
}

/** A Markdown table (readable in a terminal and pasteable into a README). */
export function markdownTable(rows: readonly BenchRow[]): string {
  const flat = rows.map(flattenRow);
  const columns = [...new Set(flat.flatMap((row) => Object.keys(row)))];
  const text = (cell: Cell | undefined) => (cell === null || cell === undefined ? "" : String(cell));
  const lines = [
    `| ${columns.join(" | ")} |`,
    `| ${columns.map(() => "---").join(" | ")} |`,
    ...flat.map((row) => `| ${columns.map((column) => text(row[column])).join(" | ")} |`),
  ];
  return lines.join("\n");
}
