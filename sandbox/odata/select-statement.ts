/**
 * A compiled query → the SQL for a page of rows and for `$count`. The caller supplies the table,
 * the select list and its own conditions (company scope, state); they are ANDed with `$filter`.
 */
import type { CompiledQuery, SqlFragment, SqlValue } from "./types";

export interface SelectStatementInput {
  /** Table (or view) SQL, already quoted: `"Warehouses"`. */
  readonly from: string;
  /** Select list SQL, e.g. `*`. */
  readonly columns: string;
  readonly query: CompiledQuery;
  /** Conditions the emulator adds, ANDed with the filter. */
  readonly conditions?: readonly SqlFragment[];
  /** SQL expressions appended to ORDER BY so pages are stable (the key columns). */
  readonly tieBreakers?: readonly string[];
  /** Row limit to use instead of `$top` (e.g. page size + 1 to detect a next page). */
  readonly limit?: number;
}

export interface SelectStatement {
  readonly rows: SqlFragment;
  /** `SELECT COUNT(*) AS count ...` over the same conditions, ignoring `$top`/`$skip` (OData semantics). */
  readonly count: SqlFragment;
}

export function selectStatement(input: SelectStatementInput): SelectStatement {
  const conditions = [...(input.conditions ?? []), ...(input.query.where === undefined ? [] : [input.query.where])];
  const where =
    conditions.length === 0 ? "" : ` WHERE ${conditions.map((condition) => `(${condition.sql})`).join(" AND ")}`;
  const whereParams = conditions.flatMap((condition) => condition.params);
  const orderTerms = [
    ...input.query.orderBy.map(
      (item) =>
        `${item.sqlExpression}${item.kind === "string" || item.kind === "guid" ? " COLLATE NOCASE" : ""} ${item.direction === "desc" ? "DESC" : "ASC"}`,
    ),
    ...(input.tieBreakers ?? []),
  ];
  const orderBy = orderTerms.length === 0 ? "" : ` ORDER BY ${orderTerms.join(", ")}`;
  const limit = input.limit ?? input.query.top;
  const params: SqlValue[] = [...whereParams, limit ?? -1, input.query.skip ?? 0];
  return {
    rows: { sql: `SELECT ${input.columns} FROM ${input.from}${where}${orderBy} LIMIT ? OFFSET ?`, params },
    count: { sql: `SELECT COUNT(*) AS count FROM ${input.from}${where}`, params: whereParams },
  };
}

/** Quotes a SQL identifier (table or column name) for SQLite. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
