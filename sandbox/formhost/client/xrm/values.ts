/// <reference types="xrm" />
/**
 * Column values as the client API holds them, and their conversion to and from the Web API:
 * lookups as `[{ id: "{GUID}", name, entityType }]`, date columns as `Date`, choices as numbers.
 * The Web API side goes through core's `fromWebApiRow`/`toWebApiBody`, the same code every other
 * part uses, so the form host writes exactly what a model-driven app would.
 */
import { choiceLabel } from "../platform-strings";
import {
  fromWebApiRow,
  isEntityReference,
  type DataverseRecord,
  type DataverseValue,
} from "@fsi/core/dataverse/record";
import type { ColumnDefinition, TableDefinition } from "@fsi/core/dataverse/schema";

export type AttributeValue = string | number | boolean | Date | Xrm.LookupValue[];

/** A GUID the way the client API returns ids: upper-case in braces. */
export function bracedId(id: string): string {
  return `{${id.replace(/[{}]/g, "").toUpperCase()}}`;
}

/** A GUID the way the Web API and PCF take it: bare, lower-case. */
export function bareGuid(id: string): string {
  return id.replace(/[{}]/g, "").toLowerCase();
}

/** The client API's attribute type of a column. */
export function attributeTypeOf(column: ColumnDefinition): Xrm.Attributes.AttributeType {
  switch (column.type) {
    case "string":
    case "uniqueidentifier":
      return "string";
    case "memo":
      return "memo";
    case "integer":
      return "integer";
    case "decimal":
      return "decimal";
    case "double":
      return "double";
    case "money":
      return "money";
    case "boolean":
      return "boolean";
    case "datetime":
      return "datetime";
    case "choice":
    case "state":
    case "status":
      return "optionset";
    case "lookup":
      return "lookup";
  }
}

/** One Web API value (from `fromWebApiRow`) → the client API's value. */
export function toAttributeValue(column: ColumnDefinition, value: DataverseValue | undefined): AttributeValue | null {
  if (value === undefined || value === null) return null;
  if (isEntityReference(value))
    return [{ id: bracedId(value.id), name: value.name ?? "", entityType: value.logicalName }];
  if (column.type === "datetime" && typeof value === "string") {
    return new Date(column.behavior === "DateOnly" && value.length === 10 ? `${value}T00:00:00` : value);
  }
  return value;
}

function twoDigits(value: number): string {
  return String(value).padStart(2, "0");
}

/** The client API's value → the Web API's (`DataverseValue`), for a create or update body. */
export function toDataverseValue(column: ColumnDefinition, value: AttributeValue | null): DataverseValue {
  if (value === null) return null;
  if (Array.isArray(value)) {
    const first = value[0];
    return first === undefined
      ? null
      : {
          id: bareGuid(first.id),
          logicalName: first.entityType,
          ...(first.name === undefined ? {} : { name: first.name }),
        };
  }
  if (value instanceof Date) {
    // A date-only column is the calendar date the user picked, not shifted to UTC.
    return column.type === "datetime" && column.behavior === "DateOnly"
      ? `${value.getFullYear()}-${twoDigits(value.getMonth() + 1)}-${twoDigits(value.getDate())}`
      : value.toISOString();
  }
  return value;
}

export function sameAttributeValue(a: AttributeValue | null, b: AttributeValue | null): boolean {
  if (a === null || b === null) return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => {
      const other = b[index];
      return other !== undefined && bareGuid(item.id) === bareGuid(other.id) && item.entityType === other.entityType;
    });
  }
  if (a instanceof Date || b instanceof Date)
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  return a === b;
}

/** A retrieved Web API row → client API values by column. */
export function attributeValuesOf(
  table: TableDefinition,
  row: Readonly<Record<string, unknown>>,
): Map<string, AttributeValue | null> {
  const record: DataverseRecord = fromWebApiRow(table, row);
  const values = new Map<string, AttributeValue | null>();
  for (const [name, column] of Object.entries(table.columns)) {
    if (name in record) values.set(name, toAttributeValue(column, record[name]));
  }
  return values;
}

/** The label a user reads for a value (choice labels, lookup names, Yes/No, numbers, dates). */
export function formattedValue(column: ColumnDefinition, value: AttributeValue | null, locale: string): string {
  if (value === null) return "";
  if (Array.isArray(value)) return value.map((item) => item.name ?? "").join("; ");
  if (value instanceof Date) {
    return column.type === "datetime" && column.behavior === "DateOnly"
      ? value.toLocaleDateString(locale)
      : value.toLocaleString(locale, { dateStyle: "short", timeStyle: "short" });
  }
  switch (column.type) {
    case "choice":
    case "state":
    case "status": {
      const option = column.options.find((candidate) => candidate.value === value);
      return option === undefined ? String(value) : choiceLabel(column, option);
    }
    case "boolean":
      return value === true ? "Yes" : "No";
    case "decimal":
    case "double":
    case "money":
      return typeof value === "number"
        ? value.toLocaleString(locale, {
            minimumFractionDigits: column.precision,
            maximumFractionDigits: column.precision,
          })
        : String(value);
    default:
      return String(value);
  }
}
