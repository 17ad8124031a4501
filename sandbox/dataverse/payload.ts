/**
 * Reads a create/update body into column values: plain properties by logical name, lookups through
 * `<navigation property>@odata.bind`, instance annotations ignored (clients send back what they
 * read), `@odata.type` checked.
 */
import { type ColumnDefinition, type TableDefinition, tableColumn } from "@fsi/core";
import { HttpError, parseJson } from "../http";
import { DataverseError, ErrorCode, invalidPayload } from "./errors";
import { isGuid, normalizeGuid } from "./keys";
import { normalizeDateTime, type AttributeValue, type LookupValue, type Row } from "./storage/values";

/** Resolves an `@odata.bind` URL to a row of one of `targets`, or throws the Dataverse error. */
export type ReferenceResolver = (url: string, targets: readonly string[], navigationProperty: string) => LookupValue;

/**
 * Parses a JSON body that must be an object. dataverse-ify's Node client stringifies bodies it has
 * already stringified, so a body that is a JSON string holding an object is read as that object.
 */
export function parseObjectBody(text: string, entitySetName: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = parseJson(text);
    if (typeof parsed === "string" && parsed.trimStart().startsWith("{")) parsed = parseJson(parsed);
  } catch (error) {
    if (error instanceof HttpError) throw invalidPayload(entitySetName, error.message);
    throw error;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw invalidPayload(entitySetName, "The request body must be a JSON object.");
  }
  return parsed as Record<string, unknown>;
}

export function readRowPayload(table: TableDefinition, body: Record<string, unknown>, resolve: ReferenceResolver): Row {
  const row: Row = {};
  const navigation = new Map<string, string>();
  for (const [name, column] of Object.entries(table.columns)) {
    if (column.type === "lookup") navigation.set(column.navigationProperty, name);
  }
  for (const [property, value] of Object.entries(body)) {
    if (property === "@odata.type") {
      checkODataType(table, value);
    } else if (property.endsWith("@odata.bind")) {
      const navigationProperty = property.slice(0, -"@odata.bind".length);
      const columnName = navigation.get(navigationProperty);
      const column = columnName === undefined ? undefined : table.columns[columnName];
      if (columnName === undefined || column?.type !== "lookup") {
        throw invalidPayload(
          table.entitySetName,
          `An undeclared property '${navigationProperty}' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values.`,
        );
      }
      if (value === null) {
        row[columnName] = null;
      } else if (typeof value === "string") {
        row[columnName] = resolve(value, column.targets, navigationProperty);
      } else {
        throw new DataverseError(
          400,
          ErrorCode.InvalidBindUrl,
          `Invalid url value '${JSON.stringify(value)}' for lookup property '${navigationProperty}'.`,
        );
      }
    } else if (property.includes("@")) {
      // Instance annotations (FormattedValue, lookuplogicalname, ...) carry no data to write.
    } else {
      const column = tableColumn(table, property);
      if (column === undefined || column.type === "lookup") {
        if (navigation.has(property)) {
          throw invalidPayload(
            table.entitySetName,
            `Deep insert through '${property}' is not supported by the emulator; bind an existing row with '${property}@odata.bind'.`,
          );
        }
        throw invalidPayload(
          table.entitySetName,
          `Invalid property '${property}' was found in entity 'Microsoft.Dynamics.CRM.${table.logicalName}'. The property '${property}' does not exist on type 'Microsoft.Dynamics.CRM.${table.logicalName}'. Make sure to only use property names that are defined by the type.`,
        );
      }
      row[property] = convertValue(table, property, column, value);
    }
  }
  return row;
}

function checkODataType(table: TableDefinition, value: unknown): void {
  const expected = `Microsoft.Dynamics.CRM.${table.logicalName}`;
  if (value !== expected && value !== `#${expected}`) {
    throw invalidPayload(
      table.entitySetName,
      `A type named '${typeof value === "string" ? value : JSON.stringify(value)}' could not be resolved by the model; the body of a '${table.entitySetName}' request must be of type '${expected}'.`,
    );
  }
}

const edmTypes: Record<ColumnDefinition["type"], string> = {
  uniqueidentifier: "Edm.Guid",
  string: "Edm.String",
  memo: "Edm.String",
  integer: "Edm.Int32",
  decimal: "Edm.Decimal",
  double: "Edm.Double",
  money: "Edm.Decimal",
  boolean: "Edm.Boolean",
  datetime: "Edm.DateTimeOffset",
  choice: "Edm.Int32",
  state: "Edm.Int32",
  status: "Edm.Int32",
  lookup: "Edm.Guid",
};

function convertValue(table: TableDefinition, name: string, column: ColumnDefinition, value: unknown): AttributeValue {
  if (value === null) return null;
  const mismatch = (): DataverseError =>
    invalidPayload(
      table.entitySetName,
      `Cannot convert the literal '${typeof value === "string" ? value : JSON.stringify(value)}' to the expected type '${edmTypes[column.type]}' of property '${name}'.`,
    );
  switch (column.type) {
    case "string":
    case "memo":
      if (typeof value !== "string") throw mismatch();
      return value;
    case "uniqueidentifier":
      if (typeof value !== "string" || !isGuid(value.replace(/^\{|\}$/g, ""))) throw mismatch();
      return normalizeGuid(value);
    case "integer":
    case "choice":
    case "state":
    case "status":
      if (typeof value !== "number" || !Number.isInteger(value)) throw mismatch();
      return value;
    case "decimal":
    case "double":
    case "money": {
      const number =
        typeof value === "string" && column.type !== "double" && value.trim() !== "" ? Number(value) : value;
      if (typeof number !== "number" || !Number.isFinite(number)) throw mismatch();
      const factor = 10 ** column.precision;
      return Math.round(number * factor) / factor;
    }
    case "boolean":
      if (typeof value !== "boolean") throw mismatch();
      return value;
    case "datetime": {
      if (typeof value !== "string") throw mismatch();
      const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
      const parsed = new Date(dateOnly ? `${value}T00:00:00Z` : value);
      if (Number.isNaN(parsed.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value)) throw mismatch();
      return column.behavior === "DateOnly" ? parsed.toISOString().slice(0, 10) : normalizeDateTime(parsed);
    }
    case "lookup":
      throw mismatch();
  }
}
