/**
 * A template's Field Service-side filter: OData `$filter` text over a table's columns, parsed with
 * `@odata/parser` (the grammar the emulators use), checked against the table definition, and
 * evaluated on records in memory. FS → SCM flows also send the same text to Dataverse as `$filter`,
 * so it is written as the Web API takes it: lookups as `_<column>_value` with an unquoted GUID.
 *
 * Supported: `eq ne gt ge lt le`, `and or not`, parentheses, string / number / boolean / null /
 * GUID / date-time literals. Text compares case-insensitively, as Dataverse's collation does; a
 * comparison other than `eq`/`ne` with an empty value is false, as in SQL.
 */
import { defaultParser } from "@odata/parser";
import type { DataverseRecord, DataverseValue } from "@fsi/core/dataverse/record";
import { type ColumnDefinition, type TableDefinition, tableColumn } from "@fsi/core/dataverse/schema";

export class RecordFilterError extends Error {
  override readonly name = "RecordFilterError";
  readonly code = "INVALID_FILTER";
}

export interface RecordFilter {
  /** The filter as written (also valid Web API `$filter` text). */
  readonly text: string;
  matches(record: Readonly<DataverseRecord>): boolean;
}

interface Token {
  readonly type: string;
  readonly value: unknown;
  readonly raw: string;
  readonly position?: number;
}

type Kind = "string" | "number" | "boolean" | "guid" | "datetime";
type Scalar = string | number | boolean | null;

type Operand =
  | { readonly kind: "column"; readonly column: string; readonly type: Kind }
  | { readonly kind: "literal"; readonly type: Kind | "null"; readonly value: Scalar };

type Predicate = (record: Readonly<DataverseRecord>) => boolean;

const comparisons: Readonly<Record<string, "eq" | "ne" | "gt" | "ge" | "lt" | "le">> = {
  EqualsExpression: "eq",
  NotEqualsExpression: "ne",
  GreaterThanExpression: "gt",
  GreaterOrEqualsExpression: "ge",
  LesserThanExpression: "lt",
  LesserOrEqualsExpression: "le",
};

const memberWrappers = new Set(["FirstMemberExpression", "MemberExpression", "PropertyPathExpression"]);
const numericLiterals = new Set([
  "Edm.Byte",
  "Edm.SByte",
  "Edm.Int16",
  "Edm.Int32",
  "Edm.Int64",
  "Edm.Decimal",
  "Edm.Double",
  "Edm.Single",
]);

function isToken(value: unknown): value is Token {
  return typeof value === "object" && value !== null && "type" in value && "raw" in value;
}

function childOf(token: Token): Token {
  if (!isToken(token.value)) throw new RecordFilterError(`unexpected filter syntax near '${token.raw}'`);
  return token.value;
}

function sides(token: Token): [Token, Token] {
  const value = token.value as { left?: unknown; right?: unknown } | null;
  if (!isToken(value?.left) || !isToken(value.right))
    throw new RecordFilterError(`unexpected filter syntax near '${token.raw}'`);
  return [value.left, value.right];
}

function kindOf(column: ColumnDefinition): Kind {
  switch (column.type) {
    case "string":
    case "memo":
      return "string";
    case "boolean":
      return "boolean";
    case "uniqueidentifier":
    case "lookup":
      return "guid";
    case "datetime":
      return "datetime";
    default:
      return "number";
  }
}

function describeKind(kind: Kind | "null"): string {
  return {
    string: "text",
    number: "a number",
    boolean: "true or false",
    guid: "a GUID",
    datetime: "a date and time",
    null: "null",
  }[kind];
}

/** Parses and checks `text` against `table`; throws `RecordFilterError` saying what is wrong. */
export function compileRecordFilter(text: string, table: TableDefinition): RecordFilter {
  let ast: unknown;
  try {
    ast = defaultParser.filter(text);
  } catch (error) {
    throw new RecordFilterError(
      `not a valid OData filter (${error instanceof Error ? error.message : String(error)}): ${text}`,
    );
  }
  if (!isToken(ast)) throw new RecordFilterError(`not a valid OData filter: ${text}`);
  const predicate = compile(ast, table);
  return { text, matches: predicate };
}

function compile(token: Token, table: TableDefinition): Predicate {
  switch (token.type) {
    case "BoolParenExpression":
    case "ParenExpression":
      return compile(childOf(token), table);
    case "AndExpression": {
      const [left, right] = sides(token).map((side) => compile(side, table)) as [Predicate, Predicate];
      return (record) => left(record) && right(record);
    }
    case "OrExpression": {
      const [left, right] = sides(token).map((side) => compile(side, table)) as [Predicate, Predicate];
      return (record) => left(record) || right(record);
    }
    case "NotExpression": {
      const inner = compile(childOf(token), table);
      return (record) => !inner(record);
    }
    default:
      break;
  }
  const operator = comparisons[token.type];
  if (operator === undefined) {
    throw new RecordFilterError(
      `'${token.raw}' is not supported; use eq, ne, gt, ge, lt, le, and, or, not and parentheses`,
    );
  }
  const [leftToken, rightToken] = sides(token);
  const left = operand(leftToken, table);
  const right = operand(rightToken, table);
  if (left.kind === "literal" && right.kind === "literal")
    throw new RecordFilterError(`'${token.raw}' compares two values; one side must be a column`);
  const [column, literal, flipped] =
    left.kind === "column" ? [left, right, false] : [right as Extract<Operand, { kind: "column" }>, left, true];
  if (literal.kind === "column") {
    return (record) =>
      compare(
        valueOf(record, left as Extract<Operand, { kind: "column" }>),
        valueOf(record, column),
        operator,
        column.type,
      );
  }
  if (literal.type !== "null" && literal.type !== column.type) {
    throw new RecordFilterError(
      `'${token.raw}': ${column.column} holds ${describeKind(column.type)}, but ${String(literal.value)} is ${describeKind(literal.type)}`,
    );
  }
  if (literal.type === "null" && operator !== "eq" && operator !== "ne")
    throw new RecordFilterError(`'${token.raw}': null can only be compared with eq or ne`);
  const effective = flipped ? flip(operator) : operator;
  return (record) => compare(valueOf(record, column), literal.value, effective, column.type);
}

function operand(token: Token, table: TableDefinition): Operand {
  if (memberWrappers.has(token.type)) return operand(childOf(token), table);
  if (token.type === "ODataIdentifier") {
    const name = (token.value as { name?: unknown }).name;
    if (typeof name !== "string") throw new RecordFilterError(`unexpected filter syntax near '${token.raw}'`);
    const lookup = /^_(.+)_value$/.exec(name)?.[1];
    const column = tableColumn(table, lookup ?? name);
    if (column === undefined || (lookup !== undefined && column.type !== "lookup")) {
      throw new RecordFilterError(`unknown column ${name} of ${table.logicalName}`);
    }
    if (lookup === undefined && column.type === "lookup") {
      throw new RecordFilterError(`${name} is a lookup; filter on _${name}_value (the row's id), as the Web API does`);
    }
    return { kind: "column", column: lookup ?? name, type: kindOf(column) };
  }
  if (token.type === "Literal") return literalOf(token);
  throw new RecordFilterError(`'${token.raw}' is not supported in a filter; compare a column with a value`);
}

function literalOf(token: Token): Operand {
  const raw = token.raw;
  const edm = token.value;
  if (raw === "null" || edm === "null") return { kind: "literal", type: "null", value: null };
  if (edm === "Edm.String") return { kind: "literal", type: "string", value: raw.slice(1, -1).replaceAll("''", "'") };
  if (edm === "Edm.Boolean") return { kind: "literal", type: "boolean", value: raw.toLowerCase() === "true" };
  if (edm === "Edm.Guid") return { kind: "literal", type: "guid", value: raw.toLowerCase() };
  if (edm === "Edm.DateTimeOffset" || edm === "Edm.Date") {
    const time = Date.parse(edm === "Edm.Date" ? `${raw}T00:00:00Z` : raw);
    if (Number.isNaN(time)) throw new RecordFilterError(`'${raw}' is not a valid date and time`);
    return { kind: "literal", type: "datetime", value: new Date(time).toISOString() };
  }
  if (typeof edm === "string" && numericLiterals.has(edm))
    return { kind: "literal", type: "number", value: Number(raw) };
  throw new RecordFilterError(`the value ${raw} is not supported in a filter`);
}

function valueOf(record: Readonly<DataverseRecord>, column: { readonly column: string }): Scalar {
  const value: DataverseValue | undefined = record[column.column];
  if (value === undefined) return null;
  if (typeof value === "object" && value !== null) return value.id.toLowerCase();
  return value;
}

function flip(operator: "eq" | "ne" | "gt" | "ge" | "lt" | "le"): "eq" | "ne" | "gt" | "ge" | "lt" | "le" {
  return ({ eq: "eq", ne: "ne", gt: "lt", ge: "le", lt: "gt", le: "ge" } as const)[operator];
}

function normalized(value: Scalar, kind: Kind): string | number | boolean | null {
  if (value === null || value === "") return null;
  if (kind === "string" || kind === "guid") return String(value).toLowerCase();
  if (kind === "datetime") return Date.parse(String(value));
  return value;
}

function compare(
  actual: Scalar,
  expected: Scalar,
  operator: "eq" | "ne" | "gt" | "ge" | "lt" | "le",
  kind: Kind,
): boolean {
  const a = normalized(actual, kind);
  const b = normalized(expected, kind);
  if (operator === "eq") return a === b;
  if (operator === "ne") return a !== b;
  if (a === null || b === null) return false;
  switch (operator) {
    case "gt":
      return a > b;
    case "ge":
      return a >= b;
    case "lt":
      return a < b;
    case "le":
      return a <= b;
  }
}
