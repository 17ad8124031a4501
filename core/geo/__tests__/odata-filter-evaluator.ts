/**
 * Test helper: parses a `$filter` with the same OData parser the emulators use and evaluates it
 * for one row, accepting only the node types the offline-safe filter may contain.
 */
import { defaultParser } from "@odata/parser";

interface Node {
  readonly type: string;
  readonly value: unknown;
  readonly raw: string;
}

const isNode = (value: unknown): value is Node => typeof value === "object" && value !== null && "type" in value;

function child(value: unknown): Node {
  if (!isNode(value)) throw new Error("unexpected filter shape");
  return value;
}

function operands(node: Node): [Node, Node] {
  const { left, right } = node.value as { left: unknown; right: unknown };
  return [child(left), child(right)];
}

function operand(node: Node, row: Readonly<Record<string, number>>): number {
  if (node.type === "Literal") return Number(node.raw);
  if (
    node.type === "FirstMemberExpression" ||
    node.type === "MemberExpression" ||
    node.type === "PropertyPathExpression"
  ) {
    return operand(child(node.value), row);
  }
  if (node.type === "ODataIdentifier") {
    const { name } = node.value as { name: string };
    const value = row[name];
    if (value === undefined) throw new Error(`row has no ${name}`);
    return value;
  }
  throw new Error(`operator not allowed in an offline filter: ${node.type}`);
}

function evaluate(node: Node, row: Readonly<Record<string, number>>): boolean {
  switch (node.type) {
    case "BoolParenExpression":
      return evaluate(child(node.value), row);
    case "AndExpression": {
      const [left, right] = operands(node);
      return evaluate(left, row) && evaluate(right, row);
    }
    case "OrExpression": {
      const [left, right] = operands(node);
      return evaluate(left, row) || evaluate(right, row);
    }
    case "GreaterOrEqualsExpression": {
      const [left, right] = operands(node);
      return operand(left, row) >= operand(right, row);
    }
    case "LesserOrEqualsExpression": {
      const [left, right] = operands(node);
      return operand(left, row) <= operand(right, row);
    }
    default:
      throw new Error(`operator not allowed in an offline filter: ${node.type}`);
  }
}

/** Parses `filter` and returns a predicate over rows of numbers. Throws on anything but ge/le/and/or. */
export function compileOfflineFilter(filter: string): (row: Readonly<Record<string, number>>) => boolean {
  const ast = child(defaultParser.filter(filter));
  return (row) => evaluate(ast, row);
}
