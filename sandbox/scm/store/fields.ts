/**
 * How SCM field values are stored. Finance and operations never returns null for a field: an
 * unset string is `""`, a number `0`, a date `1900-01-01T00:00:00Z`, an enum its first value. The
 * emulator stores and returns the same, and treats those values as "empty" in its rules.
 */
import type { ScmEntityDefinition, ScmFieldDefinition } from "@fsi/core";
import type { ColumnKind } from "../../odata";

export type StoredValue = string | number;
export type StoredRow = Record<string, StoredValue>;

/** F&O's "no date" (dateNull()). */
export const EMPTY_DATE = "1900-01-01T00:00:00Z";

export function emptyValue(field: ScmFieldDefinition): StoredValue {
  switch (field.type) {
    case "String":
      return "";
    case "Int":
    case "Real":
      return 0;
    case "Enum":
      return field.values[0] ?? "";
    case "DateTime":
      return EMPTY_DATE;
  }
}

/**
 * Empty as a mandatory-field check sees it: `""`, `0`, no date. Enums are never empty (their first
 * value is a real choice, e.g. warehouse type Default).
 */
export function isEmptyValue(field: ScmFieldDefinition, value: StoredValue | undefined): boolean {
  if (value === undefined) return true;
  switch (field.type) {
    case "String":
      return typeof value === "string" && value.trim() === "";
    case "Int":
    case "Real":
      return value === 0;
    case "Enum":
      return false;
    case "DateTime":
      return value === EMPTY_DATE;
  }
}

export function columnKind(field: ScmFieldDefinition): ColumnKind {
  switch (field.type) {
    case "Int":
    case "Real":
      return "number";
    case "DateTime":
      return "datetime";
    case "String":
    case "Enum":
      return "string";
  }
}

export function emptyRow(entity: ScmEntityDefinition): StoredRow {
  return Object.fromEntries(Object.entries(entity.fields).map(([name, field]) => [name, emptyValue(field)]));
}

/** Dates are stored as F&O writes them: ISO 8601 UTC to the second (`2024-05-01T08:00:00Z`). */
export function formatScmDate(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
