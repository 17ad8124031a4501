/**
 * Builders for OData query options that stay offline-safe: on the Field Service mobile app offline,
 * `contains()` and other functions, and FetchXML, are not supported; eq/ne/gt/ge/lt/le with and/or
 * are (docs/design.md §4). Every filter our controls send is built from these, so that rule holds by
 * construction (and `__tests__` parse each filter to check it).
 */

export type ComparisonOperator = "eq" | "ne" | "gt" | "ge" | "lt" | "le";

const guidPattern = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

/** A GUID literal (unquoted in OData 4). Throws on anything else, so no input reaches a URL unchecked. */
export function guidLiteral(id: string): string {
  const match = guidPattern.exec(id.trim());
  if (!match?.[1]) {
    throw new Error(`Not a GUID: ${id}`);
  }
  return match[1].toLowerCase();
}

export function isGuid(value: string): boolean {
  return guidPattern.test(value.trim());
}

/**
 * A string literal: quotes doubled (OData), then percent-encoded so `&`, `#`, `+` and `%` typed by a
 * user cannot break the query string.
 */
export function stringLiteral(value: string): string {
  return `'${encodeURIComponent(value.replace(/'/g, "''"))}'`;
}

/** A number literal; refuses NaN and infinities, which OData would not parse. */
export function numberLiteral(value: number): string {
  if (!Number.isFinite(value)) {
    throw new Error(`Not a finite number: ${value}`);
  }
  return String(value);
}

export function compare(column: string, operator: ComparisonOperator, literal: string): string {
  return `${column} ${operator} ${literal}`;
}

/** Joins clauses with `and`, each in parentheses when it contains an `or`. Empty clauses are dropped. */
export function allOf(...clauses: readonly (string | null | undefined)[]): string {
  const present = clauses.filter((clause): clause is string => typeof clause === "string" && clause !== "");
  return present.map((clause) => (present.length > 1 && / or /.test(clause) ? `(${clause})` : clause)).join(" and ");
}

/** Joins clauses with `or`, parenthesising any `and` inside so precedence never surprises. */
export function anyOf(clauses: readonly string[]): string {
  return clauses.map((clause) => (clauses.length > 1 && / and /.test(clause) ? `(${clause})` : clause)).join(" or ");
}

export interface QueryOptions {
  readonly select: readonly string[];
  readonly filter?: string;
  readonly orderBy?: readonly string[];
  readonly top?: number;
}

/** The `options` string of `retrieveMultipleRecords` (`?$select=...&$filter=...`). */
export function queryString(options: QueryOptions): string {
  const parts = [`$select=${options.select.join(",")}`];
  if (options.filter) {
    parts.push(`$filter=${options.filter}`);
  }
  if (options.orderBy && options.orderBy.length > 0) {
    parts.push(`$orderby=${options.orderBy.join(",")}`);
  }
  if (options.top !== undefined) {
    parts.push(`$top=${options.top}`);
  }
  return `?${parts.join("&")}`;
}
