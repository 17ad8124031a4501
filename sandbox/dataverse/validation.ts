/**
 * The column rules a table definition states, enforced on every write: required columns, maximum
 * lengths, numeric ranges, choice values, platform-set (read-only) columns and create-only columns
 * (a row's company cannot change once saved).
 */
import type { ColumnDefinition, TableDefinition } from "@fsi/core";
import { invalidArgument, stringTooLong, valueOutOfRange } from "./errors";
import { isLookupValue, type AttributeValue, type Row } from "./storage/values";

export type WriteKind = "create" | "update";

export function validateChanges(table: TableDefinition, changes: Row, kind: WriteKind, current?: Row): void {
  for (const [name, value] of Object.entries(changes)) {
    const column = table.columns[name];
    if (column === undefined) continue;
    if (column.readOnly && !(kind === "create" && name === table.primaryIdAttribute)) {
      throw invalidArgument(
        `The column '${name}' of '${table.logicalName}' is set by the platform and cannot be written.`,
      );
    }
    if (kind === "update" && column.createOnly && current !== undefined && !sameValue(current[name] ?? null, value)) {
      throw invalidArgument(
        `The column '${name}' (${column.displayName}) of '${table.logicalName}' can be set only when the row is created; it cannot change afterwards.`,
      );
    }
    if (value === null) {
      if (kind === "update" && column.required) throw missingRequired(table, name, column);
      continue;
    }
    checkValue(table, name, column, value);
  }
  if (kind === "create") {
    for (const [name, column] of Object.entries(table.columns)) {
      if (!column.required || column.readOnly) continue;
      const value = changes[name];
      if (value === undefined || value === null) throw missingRequired(table, name, column);
    }
  }
}

function missingRequired(table: TableDefinition, name: string, column: ColumnDefinition) {
  return invalidArgument(
    `The column '${name}' (${column.displayName}) of '${table.logicalName}' is required and has no value.`,
  );
}

function checkValue(table: TableDefinition, name: string, column: ColumnDefinition, value: AttributeValue): void {
  switch (column.type) {
    case "string":
    case "memo":
      if (typeof value === "string" && value.length > column.maxLength)
        throw stringTooLong(table.logicalName, name, column.maxLength);
      return;
    case "integer":
    case "decimal":
    case "double":
    case "money":
      if (
        typeof value === "number" &&
        ((column.min !== undefined && value < column.min) || (column.max !== undefined && value > column.max))
      ) {
        throw valueOutOfRange(table.logicalName, name, value, column.min, column.max);
      }
      return;
    case "choice":
    case "state":
    case "status":
      if (typeof value === "number" && !column.options.some((option) => option.value === value)) {
        throw invalidArgument(
          `A validation error occurred. The value ${value} of '${name}' on record of type '${table.logicalName}' is outside the valid range. Accepted Values: ${column.options.map((option) => option.value).join(",")}`,
        );
      }
      return;
    case "lookup":
    case "boolean":
    case "datetime":
    case "uniqueidentifier":
      return;
  }
}

export function sameValue(a: AttributeValue, b: AttributeValue): boolean {
  if (isLookupValue(a) || isLookupValue(b)) {
    return isLookupValue(a) && isLookupValue(b) && a.id === b.id && a.logicalName === b.logicalName;
  }
  return a === b;
}
