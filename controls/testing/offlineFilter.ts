/**
 * Parses an OData `$filter` (with the OData parser the emulators use) and evaluates it against Web
 * API rows, accepting only what the Field Service mobile app evaluates offline: eq/ne/gt/ge/lt/le
 * joined by and/or, with parentheses (docs/design.md §4). Anything else — `contains()`, `not`, `in`,
 * lambda operators — throws, so a test or benchmark that runs a control's query through it also
 * proves the query is offline-safe.
 */
import { defaultParser } from "@odata/parser";

interface FilterNode {
  readonly type: string;
  readonly value: unknown;
  readonly raw: string;
}

export const offlineSafeNodeTypes: ReadonlySet<string> = new Set([
  "AndExpression",
  "OrExpression",
  "BoolParenExpression",
  "EqualsExpression",
  "NotEqualsExpression",
  "GreaterThanExpression",
  "GreaterOrEqualsExpression",
  "LesserThanExpression",
  "LesserOrEqualsExpression",
  "FirstMemberExpression",
  "MemberExpression",
  "PropertyPathExpression",
  "ODataIdentifier",
  "Literal",
]);

export class OfflineFilterError extends Error {
  override readonly name = "OfflineFilterError";
}

function isNode(value: unknown): value is FilterNode {
  return typeof value === "object" && value !== null && "type" in value && "raw" in value;
}

function asNode(value: unknown): FilterNode {
  if (!isNode(value)) {
    throw new OfflineFilterError("Unexpected filter shape");
  }
  if (!offlineSafeNodeTypes.has(value.type)) {
    throw new OfflineFilterError(`Not evaluated offline: ${value.type} in "${value.raw}"`);
  }
  return value;
}

/** Every node type in the parsed filter, for tests that check the operators a query uses. */
export function filterNodeTypes(filter: string): Set<string> {
  const types = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (typeof value !== "object" || value === null) {
      return;
    }
    if (isNode(value)) {
      types.add(value.type);
    }
    for (const child of Object.values(value as Record<string, unknown>)) {
      visit(child);
    }
  };
  visit(defaultParser.filter(filter));
  return types;
}

type Scalar = string | number | boolean | null;

const guidLike = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function literal(raw: string): Scalar {
  if (raw === "null") return null;
  if (raw === "true") return true;
  if (raw === "false") return false;
  if (raw.startsWith("'") && raw.endsWith("'")) return raw.slice(1, -1).replace(/''/g, "'");
  if (guidLike.test(raw)) return raw.toLowerCase();
  const number = Number(raw);
  if (Number.isFinite(number)) return number;
  throw new OfflineFilterError(`Literal not understood: ${raw}`);
}

function columnName(node: FilterNode): string {
  if (node.type === "ODataIdentifier") {
    return (node.value as { name: string }).name;
  }
  return columnName(asNode(node.value));
}

type Row = Readonly<Record<string, unknown>>;
type Operand = (row: Row) => Scalar;
type Predicate = (row: Row) => boolean;

function operand(node: FilterNode): Operand {
  if (node.type === "Literal") {
    const value = literal(node.raw);
    return () => value;
  }
  const column = columnName(node);
  return (row) => {
    const value = row[column];
    if (value === undefined || value === null) return null;
    if (typeof value === "string") return guidLike.test(value) ? value.toLowerCase() : value;
    if (typeof value === "number" || typeof value === "boolean") return value;
    throw new OfflineFilterError(`Column ${column} holds a value a filter cannot compare`);
  };
}

/** Dataverse compares text without regard to case (its SQL collation is case-insensitive). */
function order(a: Scalar, b: Scalar): number | null {
  if (a === null || b === null) return null;
  if (typeof a === "string" && typeof b === "string") {
    const left = a.toLowerCase();
    const right = b.toLowerCase();
    return left < right ? -1 : left > right ? 1 : 0;
  }
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  return null;
}

const comparisons: Readonly<Record<string, (difference: number) => boolean>> = {
  GreaterThanExpression: (d) => d > 0,
  GreaterOrEqualsExpression: (d) => d >= 0,
  LesserThanExpression: (d) => d < 0,
  LesserOrEqualsExpression: (d) => d <= 0,
};

/** Turns the parsed filter into nested closures once, so evaluating a row walks no syntax tree. */
function compile(node: FilterNode): Predicate {
  const sides = () => {
    const { left, right } = node.value as { left: unknown; right: unknown };
    return [asNode(left), asNode(right)] as const;
  };
  switch (node.type) {
    case "BoolParenExpression":
      return compile(asNode(node.value));
    case "AndExpression": {
      const [left, right] = sides().map(compile) as [Predicate, Predicate];
      return (row) => left(row) && right(row);
    }
    case "OrExpression": {
      const [left, right] = sides().map(compile) as [Predicate, Predicate];
      return (row) => left(row) || right(row);
    }
    case "EqualsExpression":
    case "NotEqualsExpression": {
      const [left, right] = sides().map(operand) as [Operand, Operand];
      const equal = (row: Row) => {
        const a = left(row);
        const b = right(row);
        return a === null || b === null ? a === b : order(a, b) === 0;
      };
      return node.type === "EqualsExpression" ? equal : (row) => !equal(row);
    }
    default: {
      const test = comparisons[node.type];
      if (!test) {
        throw new OfflineFilterError(`Not evaluated offline: ${node.type} in "${node.raw}"`);
      }
      const [left, right] = sides().map(operand) as [Operand, Operand];
      return (row) => {
        const difference = order(left(row), right(row));
        return difference !== null && test(difference);
      };
    }
  }
}

/** A predicate over rows; throws at once if the filter uses anything the offline store refuses. */
export function compileOfflineFilter(filter: string): (row: Row) => boolean {
  const root = asNode(defaultParser.filter(filter));
  for (const type of filterNodeTypes(filter)) {
    if (!offlineSafeNodeTypes.has(type)) {
      throw new OfflineFilterError(`Not evaluated offline: ${type} in "${filter}"`);
    }
  }
  return compile(root);
}
