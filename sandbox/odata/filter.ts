/**
 * `$filter` → a parameterised SQL condition. The expression is parsed by `@odata/parser`; this
 * file walks the syntax tree. Literals only ever become `?` parameters, so no filter text reaches
 * the SQL.
 *
 * Semantics follow OData v4 (part 2, §5.1.1): `eq`/`ne` with null compare for (in)equality with
 * null (SQL `IS`/`IS NOT`), other comparisons with null are false; strings compare
 * case-insensitively, like the SQL Server collations behind Dataverse and finance and operations.
 */
import { ODataQueryError } from "./errors";
import { type Token, TokenType, isRecord, isToken, parseFilterExpression, valueOf } from "./grammar";
import { decodeStringLiteral, typedLiteral } from "./literals";
import {
  type ColumnKind,
  type ColumnResolver,
  type FilterFunction,
  type ODataQueryOptions,
  type SqlFragment,
  type SqlValue,
  allFilterFunctions,
} from "./types";

const OPTION = "$filter";

const comparisonOperators: Partial<Record<TokenType, { odata: string; sql: string }>> = {
  [TokenType.EqualsExpression]: { odata: "eq", sql: "IS" },
  [TokenType.NotEqualsExpression]: { odata: "ne", sql: "IS NOT" },
  [TokenType.GreaterThanExpression]: { odata: "gt", sql: ">" },
  [TokenType.GreaterOrEqualsExpression]: { odata: "ge", sql: ">=" },
  [TokenType.LesserThanExpression]: { odata: "lt", sql: "<" },
  [TokenType.LesserOrEqualsExpression]: { odata: "le", sql: "<=" },
};

const unsupportedOperators: Partial<Record<TokenType, string>> = {
  [TokenType.AddExpression]: "add",
  [TokenType.SubExpression]: "sub",
  [TokenType.MulExpression]: "mul",
  [TokenType.DivExpression]: "div",
  [TokenType.ModExpression]: "mod",
  [TokenType.HasExpression]: "has",
  [TokenType.NegateExpression]: "negation",
  [TokenType.AnyExpression]: "any",
  [TokenType.AllExpression]: "all",
  [TokenType.IsOfExpression]: "isof",
  [TokenType.CastExpression]: "cast",
};

const memberWrappers = new Set<TokenType>([
  TokenType.CommonExpression,
  TokenType.FirstMemberExpression,
  TokenType.MemberExpression,
  TokenType.PropertyPathExpression,
]);

interface Operand extends SqlFragment {
  readonly kind: ColumnKind | "null";
  /** The property name when the operand is a property. */
  readonly property?: string;
}

export function compileFilter(text: string, resolve: ColumnResolver, options: ODataQueryOptions = {}): SqlFragment {
  if (text.trim() === "") {
    throw new ODataQueryError("syntax", "Syntax error in $filter at position 0: the filter is empty.", {
      option: OPTION,
      position: 0,
    });
  }
  const ast = parseFilterExpression(text);
  return new FilterCompiler(resolve, options.functions ?? allFilterFunctions).condition(ast);
}

class FilterCompiler {
  constructor(
    private readonly resolve: ColumnResolver,
    private readonly functions: readonly FilterFunction[],
  ) {}

  condition(token: Token): SqlFragment {
    const operator = comparisonOperators[token.type];
    if (operator !== undefined) return this.comparison(token, operator);
    switch (token.type) {
      case TokenType.AndExpression:
      case TokenType.OrExpression: {
        const { left, right } = this.sides(token);
        const l = this.condition(left);
        const r = this.condition(right);
        const joiner = token.type === TokenType.AndExpression ? "AND" : "OR";
        return { sql: `(${l.sql} ${joiner} ${r.sql})`, params: [...l.params, ...r.params] };
      }
      case TokenType.NotExpression: {
        const inner = this.condition(this.child(token));
        return { sql: `(NOT ${inner.sql})`, params: inner.params };
      }
      case TokenType.BoolParenExpression:
      case TokenType.ParenExpression:
        return this.condition(this.child(token));
      case TokenType.MethodCallExpression:
        return this.functionCall(token);
      case TokenType.Literal: {
        const literal = typedLiteral(token, OPTION);
        if (literal.kind !== "boolean") throw this.notACondition(token);
        return { sql: literal.value === 1 ? "1" : "0", params: [] };
      }
      default:
        break;
    }
    if (memberWrappers.has(token.type)) {
      const operand = this.operand(token);
      if (operand.kind !== "boolean") throw this.notACondition(token);
      return { sql: `(${operand.sql} = 1)`, params: operand.params };
    }
    throw this.unsupported(token);
  }

  private comparison(token: Token, operator: { odata: string; sql: string }): SqlFragment {
    const { left, right } = this.sides(token);
    const l = this.operand(left);
    const r = this.operand(right);
    if (l.kind !== "null" && r.kind !== "null" && l.kind !== r.kind) {
      throw new ODataQueryError(
        "typeMismatch",
        `Cannot compare ${describe(l, left)} with ${describe(r, right)} using '${operator.odata}'.`,
        { option: OPTION, position: token.position, ...(l.property === undefined ? {} : { property: l.property }) },
      );
    }
    const kind = l.kind === "null" ? r.kind : l.kind;
    const params = [...l.params, ...r.params];
    if (kind === "datetime") {
      return { sql: `(julianday(${l.sql}) ${operator.sql} julianday(${r.sql}))`, params };
    }
    const collate = kind === "string" || kind === "guid" ? " COLLATE NOCASE" : "";
    return { sql: `(${l.sql} ${operator.sql} ${r.sql}${collate})`, params };
  }

  private functionCall(token: Token): SqlFragment {
    const call = valueOf(token);
    const name = isRecord(call) && typeof call.method === "string" ? call.method : token.raw;
    if (!(allFilterFunctions as readonly string[]).includes(name) || !this.functions.includes(name as FilterFunction)) {
      const supported = this.functions.length === 0 ? "none" : this.functions.join(", ");
      throw new ODataQueryError(
        "unsupportedFunction",
        `The function '${name}' is not supported in $filter here (supported: ${supported}).`,
        { option: OPTION, position: token.position, functionName: name },
      );
    }
    const parameters = isRecord(call) && Array.isArray(call.parameters) ? (call.parameters as unknown[]) : [];
    const [subjectToken, searchToken] = parameters;
    if (parameters.length !== 2 || !isToken(subjectToken) || !isToken(searchToken)) {
      throw new ODataQueryError("syntax", `The function '${name}' takes two arguments.`, {
        option: OPTION,
        position: token.position,
        functionName: name,
      });
    }
    const subject = this.operand(subjectToken);
    if (subject.property === undefined || (subject.kind !== "string" && subject.kind !== "guid")) {
      throw new ODataQueryError("typeMismatch", `The first argument of '${name}' must be a text property.`, {
        option: OPTION,
        position: subjectToken.position,
        functionName: name,
      });
    }
    if (searchToken.type !== TokenType.Literal || valueOf(searchToken) !== "Edm.String") {
      throw new ODataQueryError("typeMismatch", `The second argument of '${name}' must be a string literal.`, {
        option: OPTION,
        position: searchToken.position,
        functionName: name,
      });
    }
    const escaped = escapeLike(decodeStringLiteral(searchToken.raw));
    const pattern = name === "contains" ? `%${escaped}%` : name === "startswith" ? `${escaped}%` : `%${escaped}`;
    return { sql: `(${subject.sql} LIKE ? ESCAPE '\\')`, params: [...subject.params, pattern] };
  }

  private operand(token: Token): Operand {
    if (token.type === TokenType.Literal || token.type === TokenType.Enum) {
      const literal = typedLiteral(token, OPTION);
      return { kind: literal.kind, sql: "?", params: [literal.value] as SqlValue[] };
    }
    if (token.type === TokenType.ParenExpression) return this.operand(this.child(token));
    if (memberWrappers.has(token.type) || token.type === TokenType.ODataIdentifier) {
      const property = propertyName(token);
      const column = this.resolve(property);
      if (column === undefined) {
        throw new ODataQueryError("unknownProperty", `Could not find a property named '${property}'.`, {
          option: OPTION,
          position: token.position,
          property,
        });
      }
      return { kind: column.kind, sql: column.sqlExpression, params: [], property };
    }
    if (token.type === TokenType.MethodCallExpression) {
      const call = valueOf(token);
      const name = isRecord(call) && typeof call.method === "string" ? call.method : token.raw;
      throw new ODataQueryError(
        "unsupportedFunction",
        `The function '${name}' cannot be used as a value here; only contains, startswith and endswith are supported, as conditions.`,
        { option: OPTION, position: token.position, functionName: name },
      );
    }
    throw this.unsupported(token);
  }

  private sides(token: Token): { left: Token; right: Token } {
    const value = valueOf(token);
    if (isRecord(value) && isToken(value.left) && isToken(value.right)) return { left: value.left, right: value.right };
    throw this.unsupported(token);
  }

  private child(token: Token): Token {
    const value = valueOf(token);
    if (isToken(value)) return value;
    throw this.unsupported(token);
  }

  private notACondition(token: Token): ODataQueryError {
    return new ODataQueryError("typeMismatch", `'${token.raw}' is not a true/false condition.`, {
      option: OPTION,
      position: token.position,
    });
  }

  private unsupported(token: Token): ODataQueryError {
    const operator = unsupportedOperators[token.type];
    const what =
      operator === undefined ? `The expression '${token.raw}'` : `The operator '${operator}' (in '${token.raw}')`;
    return new ODataQueryError("unsupportedExpression", `${what} is not supported in $filter.`, {
      option: OPTION,
      position: token.position,
    });
  }
}

/** The property a member expression names; navigation paths (`a/b`) are refused. */
export function propertyName(token: Token, option = OPTION): string {
  let current: Token = token;
  for (;;) {
    const value = valueOf(current);
    if (current.type === TokenType.ODataIdentifier && isRecord(value) && typeof value.name === "string")
      return value.name;
    if (isRecord(value) && "current" in value) {
      throw new ODataQueryError("unsupportedExpression", `Property paths such as '${token.raw}' are not supported.`, {
        option,
        position: token.position,
      });
    }
    if (!memberWrappers.has(current.type) || !isToken(value)) {
      throw new ODataQueryError("unsupportedExpression", `'${token.raw}' is not a property name.`, {
        option,
        position: token.position,
      });
    }
    current = value;
  }
}

function describe(operand: Operand, token: Token): string {
  const kind = operand.kind === "null" ? "null" : `a ${operand.kind}`;
  return operand.property === undefined ? `${kind} value ${token.raw}` : `'${operand.property}' (${kind})`;
}

/** LIKE treats `%` and `_` as wildcards; a search for them must match them literally. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
