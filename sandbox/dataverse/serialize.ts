/**
 * A stored row → the Web API's JSON: lookups as `_<col>_value`, `@odata.etag` from the row version,
 * and, when `Prefer: odata.include-annotations` asks, the FormattedValue, lookuplogicalname and
 * associatednavigationproperty annotations placed before their property as Dataverse places them.
 */
import type { ColumnDefinition, TableDefinition } from "@fsi/core";
import { wantsAnnotation } from "./prefer";
import { isLookupValue, lookupIdColumn, type AttributeValue, type LookupValue, type Row } from "./storage/values";

export const FORMATTED_VALUE = "OData.Community.Display.V1.FormattedValue";
export const LOOKUP_LOGICAL_NAME = "Microsoft.Dynamics.CRM.lookuplogicalname";
export const ASSOCIATED_NAVIGATION_PROPERTY = "Microsoft.Dynamics.CRM.associatednavigationproperty";

export type JsonObject = Record<string, unknown>;

export interface SerializeOptions {
  /** Column logical names to write, in order. */
  readonly columns: readonly string[];
  readonly annotations: readonly string[];
  /** Primary name of a referenced row (the lookup's formatted value). */
  readonly nameOf: (reference: LookupValue) => string | undefined;
  /** Expanded single-valued navigation properties, by navigation property name. */
  readonly expanded?: Readonly<Record<string, JsonObject | null>>;
}

export function etagOf(row: Row): string | undefined {
  const version = row.versionnumber;
  return typeof version === "number" ? `W/"${version}"` : undefined;
}

/** Every column a read without `$select` returns (secret columns such as `authvalue` never are). */
export function readableColumns(table: TableDefinition): string[] {
  return Object.entries(table.columns)
    .filter(([, column]) => !column.secret)
    .map(([name]) => name);
}

/** The property name a column has in the Web API (`_x_value` for a lookup). */
export function propertyOf(table: TableDefinition, column: string): string {
  return table.columns[column]?.type === "lookup" ? lookupIdColumn(column) : column;
}

export function serializeRow(table: TableDefinition, row: Row, options: SerializeOptions): JsonObject {
  const json: JsonObject = {};
  const etag = etagOf(row);
  if (etag !== undefined) json["@odata.etag"] = etag;
  const wantsFormatted = wantsAnnotation(options.annotations, FORMATTED_VALUE);
  for (const name of options.columns) {
    const column = table.columns[name];
    if (column === undefined || column.secret) continue;
    const value = row[name] ?? null;
    if (column.type === "lookup") {
      const property = lookupIdColumn(name);
      if (isLookupValue(value)) {
        if (wantsFormatted) {
          const label = options.nameOf(value);
          if (label !== undefined) json[`${property}@${FORMATTED_VALUE}`] = label;
        }
        if (wantsAnnotation(options.annotations, ASSOCIATED_NAVIGATION_PROPERTY)) {
          json[`${property}@${ASSOCIATED_NAVIGATION_PROPERTY}`] = column.navigationProperty;
        }
        if (wantsAnnotation(options.annotations, LOOKUP_LOGICAL_NAME)) {
          json[`${property}@${LOOKUP_LOGICAL_NAME}`] = value.logicalName;
        }
      }
      json[property] = isLookupValue(value) ? value.id : null;
      continue;
    }
    // The row version is a BigInt in Dataverse, which has no formatted value.
    if (wantsFormatted && name !== "versionnumber") {
      const label = formatValue(column, value);
      if (label !== undefined) json[`${name}@${FORMATTED_VALUE}`] = label;
    }
    json[name] = value;
  }
  for (const [navigation, expanded] of Object.entries(options.expanded ?? {})) json[navigation] = expanded;
  return json;
}

const dateTimeFormat = new Intl.DateTimeFormat("en-US", {
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "numeric",
  minute: "2-digit",
  timeZone: "UTC",
});
const dateFormat = new Intl.DateTimeFormat("en-US", {
  year: "numeric",
  month: "numeric",
  day: "numeric",
  timeZone: "UTC",
});

/**
 * The label a user would see: choice labels, Yes/No, numbers with grouping and the column's
 * precision, dates in en-US (the sandbox user's locale; times in UTC).
 */
export function formatValue(column: ColumnDefinition, value: AttributeValue): string | undefined {
  if (value === null || isLookupValue(value)) return undefined;
  switch (column.type) {
    case "choice":
    case "state":
    case "status":
      return column.options.find((option) => option.value === value)?.label;
    case "boolean":
      return value === true ? "Yes" : "No";
    case "integer":
      return typeof value === "number" ? value.toLocaleString("en-US", { maximumFractionDigits: 0 }) : undefined;
    case "decimal":
    case "double":
    case "money":
      return typeof value === "number"
        ? value.toLocaleString("en-US", {
            minimumFractionDigits: column.precision,
            maximumFractionDigits: column.precision,
          })
        : undefined;
    case "datetime": {
      if (typeof value !== "string") return undefined;
      const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
      return column.behavior === "DateOnly" ? dateFormat.format(date) : dateTimeFormat.format(date).replace(",", "");
    }
    default:
      return undefined;
  }
}
