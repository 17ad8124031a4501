/**
 * How column values live in memory and in SQLite. In memory a row is keyed by column logical name;
 * a lookup is `{ id, logicalName }`. In SQLite a lookup takes two columns, `_<col>_value` (the id,
 * named as the Web API names the lookup property, so `$filter` names map straight to SQL) and
 * `_<col>_logicalname` (the target table).
 */
import type { ColumnDefinition, TableDefinition } from "@fsi/core";

export interface LookupValue {
  readonly id: string;
  readonly logicalName: string;
}

export type AttributeValue = string | number | boolean | LookupValue | null;

/** A row (or a set of changes) keyed by column logical name. */
export type Row = Record<string, AttributeValue>;

export type SqlValue = string | number | null;
export type SqlRow = Record<string, SqlValue>;

export function isLookupValue(value: AttributeValue | undefined): value is LookupValue {
  return typeof value === "object" && value !== null;
}

export function lookupIdColumn(column: string): string {
  return `_${column}_value`;
}

export function lookupTypeColumn(column: string): string {
  return `_${column}_logicalname`;
}

/** The SQLite columns that hold one Dataverse column, with their declared types. */
export function physicalColumns(name: string, column: ColumnDefinition): [string, string][] {
  switch (column.type) {
    case "lookup":
      return [
        [lookupIdColumn(name), "TEXT"],
        [lookupTypeColumn(name), "TEXT"],
      ];
    case "integer":
    case "choice":
    case "state":
    case "status":
    case "boolean":
      return [[name, "INTEGER"]];
    case "decimal":
    case "double":
    case "money":
      return [[name, "REAL"]];
    case "uniqueidentifier":
    case "string":
    case "memo":
    case "datetime":
      return [[name, "TEXT"]];
  }
}

/** Writes one column's value into a SQL row (both physical columns for a lookup). */
export function writeSqlValue(target: SqlRow, name: string, column: ColumnDefinition, value: AttributeValue): void {
  if (column.type === "lookup") {
    const lookup = isLookupValue(value) ? value : null;
    target[lookupIdColumn(name)] = lookup?.id ?? null;
    target[lookupTypeColumn(name)] = lookup?.logicalName ?? null;
    return;
  }
  if (value === null || isLookupValue(value)) {
    target[name] = null;
  } else if (typeof value === "boolean") {
    target[name] = value ? 1 : 0;
  } else {
    target[name] = value;
  }
}

export function readSqlValue(source: SqlRow, name: string, column: ColumnDefinition): AttributeValue {
  if (column.type === "lookup") {
    const id = source[lookupIdColumn(name)];
    const logicalName = source[lookupTypeColumn(name)];
    return typeof id === "string" && typeof logicalName === "string" ? { id, logicalName } : null;
  }
  const value = source[name];
  if (value === undefined || value === null) return null;
  if (column.type === "boolean") return value === 1;
  return value;
}

/** Converts a whole SQL row to an in-memory row (only the columns present in the SQL row). */
export function rowFromSql(table: TableDefinition, source: SqlRow): Row {
  const row: Row = {};
  for (const [name, column] of Object.entries(table.columns)) {
    const key = column.type === "lookup" ? lookupIdColumn(name) : name;
    if (key in source) row[name] = readSqlValue(source, name, column);
  }
  return row;
}

export function sqlFromRow(table: TableDefinition, row: Row): SqlRow {
  const target: SqlRow = {};
  for (const [name, value] of Object.entries(row)) {
    const column = table.columns[name];
    if (column !== undefined) writeSqlValue(target, name, column, value);
  }
  return target;
}

/** Quotes an SQL identifier (names come from table definitions, but quoting keeps SQLite keywords safe). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Dataverse returns date-times to the second, in UTC, with a `Z`. */
export function normalizeDateTime(value: Date): string {
  return value.toISOString().replace(/\.\d{3}Z$/, "Z");
}
