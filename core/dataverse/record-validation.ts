/**
 * Checks a record's values against its table's column definitions: the checks Dataverse itself
 * makes before SCM's business rules are asked (type, length, range, choice options, required).
 */
import { ValidationIssueCode } from "../validation/codes";
import { isEntityReference, sameValue, type DataverseRecord, type DataverseValue } from "./record";
import { type ColumnDefinition, type TableDefinition, tableColumn } from "./schema";

export interface RecordIssue {
  readonly attribute: string;
  readonly code: ValidationIssueCode;
  readonly message: string;
}

export interface RecordValidationOptions {
  readonly operation: "create" | "update";
  /** The stored row, on update: lets the check refuse a change to a create-only column. */
  readonly preImage?: Readonly<DataverseRecord>;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** ISO 8601 as the Web API writes it: date, optional time with seconds, fraction and offset. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
/** Dataverse Whole Number is a 32-bit integer. */
const INT32 = { min: -2147483648, max: 2147483647 };

export function validateRecord(
  table: TableDefinition,
  record: Readonly<DataverseRecord>,
  options: RecordValidationOptions,
): RecordIssue[] {
  const issues: RecordIssue[] = [];
  for (const [name, value] of Object.entries(record)) {
    const column = tableColumn(table, name);
    if (column === undefined) {
      issues.push({ attribute: name, code: "unknownColumn", message: `${table.displayName} has no column ${name}.` });
      continue;
    }
    const label = `${column.displayName} (${name})`;
    const issue = writeIssue(table, name, column, value, options) ?? valueIssue(column, label, value);
    if (issue !== undefined) issues.push({ attribute: name, ...issue });
  }
  for (const [name, column] of Object.entries(table.columns)) {
    if (column.required !== true || column.readOnly === true) continue;
    const value = record[name];
    const missing = options.operation === "create" ? value === undefined || value === null : value === null;
    if (missing) {
      issues.push({
        attribute: name,
        code: ValidationIssueCode.required,
        message: `${column.displayName} (${name}) is required.`,
      });
    }
  }
  return issues;
}

type Issue = Omit<RecordIssue, "attribute">;

function writeIssue(
  table: TableDefinition,
  name: string,
  column: ColumnDefinition,
  value: DataverseValue,
  options: RecordValidationOptions,
): Issue | undefined {
  const label = `${column.displayName} (${name})`;
  const isPrimaryId = name === table.primaryIdAttribute;
  if (column.readOnly === true && !(isPrimaryId && options.operation === "create")) {
    return { code: "invalidValue", message: `${label} is set by the platform and cannot be written.` };
  }
  if (column.createOnly === true && options.operation === "update" && options.preImage !== undefined) {
    if (!sameValue(options.preImage[name], value)) {
      return { code: "invalidValue", message: `${label} can be set only when the row is created.` };
    }
  }
  return undefined;
}

function valueIssue(column: ColumnDefinition, label: string, value: DataverseValue): Issue | undefined {
  if (value === null) return undefined;
  const invalid = (expected: string): Issue => ({ code: "invalidValue", message: `${label} must be ${expected}.` });
  switch (column.type) {
    case "string":
    case "memo":
      if (typeof value !== "string") return invalid("text");
      return value.length > column.maxLength
        ? { code: "maxLength", message: `${label} is longer than ${column.maxLength} characters.` }
        : undefined;
    case "uniqueidentifier":
      return typeof value === "string" && GUID.test(value) ? undefined : invalid("a GUID");
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value)) return invalid("a whole number");
      return rangeIssue(label, value, column.min ?? INT32.min, column.max ?? INT32.max);
    case "decimal":
    case "double":
    case "money":
      if (typeof value !== "number" || !Number.isFinite(value)) return invalid("a number");
      return rangeIssue(label, value, column.min, column.max);
    case "boolean":
      return typeof value === "boolean" ? undefined : invalid("true or false");
    case "datetime": {
      const pattern = column.behavior === "DateOnly" ? DATE_ONLY : DATE_TIME;
      const valid = typeof value === "string" && pattern.test(value) && !Number.isNaN(Date.parse(value));
      return valid
        ? undefined
        : invalid(column.behavior === "DateOnly" ? "a date (YYYY-MM-DD)" : "an ISO 8601 date and time");
    }
    case "choice":
    case "state":
    case "status": {
      if (typeof value !== "number") return invalid("a choice value (number)");
      if (column.options.some((option) => option.value === value)) return undefined;
      const allowed = column.options.map((option) => `${option.value} (${option.label})`).join(", ");
      return { code: "allowedValues", message: `${label} cannot be ${value}; allowed values: ${allowed}.` };
    }
    case "lookup":
      if (!isEntityReference(value) || !GUID.test(value.id)) return invalid("a reference { id, logicalName }");
      return column.targets.includes(value.logicalName)
        ? undefined
        : invalid(`a reference to ${column.targets.join(" or ")}, not ${value.logicalName}`);
  }
}

function rangeIssue(label: string, value: number, min: number | undefined, max: number | undefined): Issue | undefined {
  if ((min === undefined || value >= min) && (max === undefined || value <= max)) return undefined;
  const bounds = [min === undefined ? undefined : `at least ${min}`, max === undefined ? undefined : `at most ${max}`];
  return {
    code: "range",
    message: `${label} must be ${bounds.filter((b) => b !== undefined).join(" and ")}; it is ${value}.`,
  };
}
