/**
 * Which values a column or field accepts, and which column and field types may be paired without a
 * value map. Used by the template checks to refuse a value map entry or default that one side
 * could never store.
 */
import type { ColumnDefinition } from "../dataverse/schema";
import type { ScmFieldDefinition } from "../scm/schema";

export type TemplateScalar = string | number | boolean;

export function dataverseAccepts(column: ColumnDefinition, value: TemplateScalar): boolean {
  switch (column.type) {
    case "string":
    case "memo":
      return typeof value === "string" && value.length <= column.maxLength;
    case "uniqueidentifier":
    case "datetime":
      return typeof value === "string";
    case "integer":
      return Number.isInteger(value) && within(value as number, column.min, column.max);
    case "decimal":
    case "double":
    case "money":
      return typeof value === "number" && Number.isFinite(value) && within(value, column.min, column.max);
    case "boolean":
      return typeof value === "boolean";
    case "choice":
    case "state":
    case "status":
      return column.options.some((option) => option.value === value);
    case "lookup":
      return false;
  }
}

export function scmAccepts(field: ScmFieldDefinition, value: TemplateScalar): boolean {
  switch (field.type) {
    case "String":
      return typeof value === "string" && value.length <= field.maxLength;
    case "Int":
      return Number.isInteger(value);
    case "Real":
      return typeof value === "number" && Number.isFinite(value);
    case "Enum":
      return typeof value === "string" && field.values.includes(value);
    case "DateTime":
      return typeof value === "string" && !Number.isNaN(Date.parse(value));
  }
}

function within(value: number, min: number | undefined, max: number | undefined): boolean {
  return (min === undefined || value >= min) && (max === undefined || value <= max);
}

/** Dataverse column types each SCM field type carries unchanged (no value map). */
const compatibleTypes: Record<ScmFieldDefinition["type"], readonly ColumnDefinition["type"][]> = {
  String: ["string", "memo", "uniqueidentifier"],
  Int: ["integer", "choice"],
  Real: ["decimal", "double", "money", "integer"],
  // Enum symbols and NoYes need a value map: Dataverse stores choices as numbers, yes/no as booleans.
  Enum: [],
  DateTime: ["datetime"],
};

export function typesCompatible(column: ColumnDefinition, field: ScmFieldDefinition): boolean {
  return compatibleTypes[field.type].includes(column.type);
}

/** "choice with options 1 (A), 2 (B)" or "string(100)": how a message describes a column. */
export function describeColumn(column: ColumnDefinition): string {
  switch (column.type) {
    case "string":
    case "memo":
      return `${column.type}(${column.maxLength})`;
    case "choice":
    case "state":
    case "status":
      return `${column.type} with options ${column.options.map((o) => `${o.value} (${o.label})`).join(", ")}`;
    case "lookup":
      return `lookup to ${column.targets.join(", ")}`;
    case "integer":
    case "decimal":
    case "double":
    case "money":
      return column.min !== undefined || column.max !== undefined
        ? `${column.type} in ${column.min ?? "-∞"}..${column.max ?? "∞"}`
        : column.type;
    default:
      return column.type;
  }
}

export function describeField(field: ScmFieldDefinition): string {
  switch (field.type) {
    case "String":
      return `String(${field.maxLength})`;
    case "Enum":
      return `Enum ${field.enumName} (${field.values.join(", ")})`;
    default:
      return field.type;
  }
}
