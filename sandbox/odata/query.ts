/**
 * The system query options of one request (`$filter`, `$orderby`, `$select`, `$top`, `$skip`,
 * `$count`) → a `CompiledQuery`. Options without `$` (`cross-company`, `company`) belong to the
 * emulator and are ignored here.
 */
import { ODataQueryError } from "./errors";
import { compileFilter, propertyName } from "./filter";
import {
  type Token,
  TokenType,
  isRecord,
  isToken,
  parseCount,
  parseOrderBy,
  parseSelect,
  parseSkip,
  parseTop,
  valueOf,
} from "./grammar";
import type { ColumnResolver, CompiledQuery, ODataQueryOptions, OrderByItem } from "./types";

export const supportedQueryOptions = ["$filter", "$orderby", "$select", "$top", "$skip", "$count"] as const;

export function compileQuery(
  params: URLSearchParams,
  resolve: ColumnResolver,
  options: ODataQueryOptions = {},
): CompiledQuery {
  const values = systemOptionValues(params, options);
  const filter = values.get("$filter");
  const orderBy = values.get("$orderby");
  const select = values.get("$select");
  const top = values.get("$top");
  const skip = values.get("$skip");
  const count = values.get("$count");
  const compiledTop = top === undefined ? undefined : nonNegativeInteger("$top", top, parseTop);
  if (compiledTop !== undefined && options.maxTop !== undefined && compiledTop > options.maxTop) {
    throw new ODataQueryError("invalidOptionValue", `$top must not exceed ${options.maxTop}; got ${compiledTop}.`, {
      option: "$top",
    });
  }
  return {
    where: filter === undefined ? undefined : compileFilter(filter, resolve, options),
    orderBy: orderBy === undefined ? [] : compileOrderBy(orderBy, resolve),
    select: select === undefined ? undefined : compileSelect(select, resolve),
    top: compiledTop,
    skip: skip === undefined ? undefined : nonNegativeInteger("$skip", skip, parseSkip),
    count: count === undefined ? false : compileCount(count),
  };
}

function systemOptionValues(params: URLSearchParams, options: ODataQueryOptions): Map<string, string> {
  const values = new Map<string, string>();
  const passThrough = new Set(options.passThrough ?? []);
  for (const [name, value] of params) {
    if (!name.startsWith("$") || passThrough.has(name)) continue;
    if (!(supportedQueryOptions as readonly string[]).includes(name)) {
      throw new ODataQueryError(
        "unsupportedOption",
        `The query option '${name}' is not supported (supported: ${[...supportedQueryOptions, ...passThrough].join(", ")}).`,
        { option: name },
      );
    }
    if (values.has(name)) {
      throw new ODataQueryError("invalidOptionValue", `The query option '${name}' is given more than once.`, {
        option: name,
      });
    }
    values.set(name, value);
  }
  return values;
}

function compileOrderBy(text: string, resolve: ColumnResolver): OrderByItem[] {
  const items = listItems(parseOrderBy(text));
  return items.map((item) => {
    const value = valueOf(item);
    if (!isRecord(value) || !isToken(value.expr)) throw unexpected("$orderby", item);
    const expression = value.expr;
    const property = propertyName(expression, "$orderby");
    const column = resolve(property);
    if (column === undefined) {
      throw new ODataQueryError("unknownProperty", `Could not find a property named '${property}'.`, {
        option: "$orderby",
        position: positionIn("$orderby=", expression),
        property,
      });
    }
    return {
      property,
      sqlExpression: column.sqlExpression,
      kind: column.kind,
      direction: value.direction === -1 ? "desc" : "asc",
    };
  });
}

function compileSelect(text: string, resolve: ColumnResolver): string[] | undefined {
  const names: string[] = [];
  for (const item of listItems(parseSelect(text))) {
    const path = valueOf(item);
    if (isRecord(path) && path.value === "*") return undefined;
    const property = isToken(path) ? valueOf(path) : undefined;
    const named = isToken(property) ? valueOf(property) : undefined;
    if (!isToken(path) || path.type !== TokenType.SelectPath || !isRecord(named) || typeof named.name !== "string") {
      throw new ODataQueryError("unsupportedExpression", `'${item.raw}' in $select is not a property name.`, {
        option: "$select",
        position: positionIn("$select=", item),
      });
    }
    if (resolve(named.name) === undefined) {
      throw new ODataQueryError("unknownProperty", `Could not find a property named '${named.name}'.`, {
        option: "$select",
        position: positionIn("$select=", item),
        property: named.name,
      });
    }
    if (!names.includes(named.name)) names.push(named.name);
  }
  return names;
}

function compileCount(text: string): boolean {
  const literal = valueOf(parseCount(text));
  return isToken(literal) && literal.raw === "true";
}

function nonNegativeInteger(option: string, text: string, parse: (text: string) => Token): number {
  const literal = valueOf(parse(text));
  const value = isToken(literal) ? Number(literal.raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ODataQueryError("invalidOptionValue", `${option} must be a non-negative integer; got '${text}'.`, {
      option,
    });
  }
  return value;
}

function listItems(token: Token): Token[] {
  const value = valueOf(token);
  const items = isRecord(value) && Array.isArray(value.items) ? (value.items as unknown[]) : [];
  return items.filter(isToken);
}

/** Grammar positions for `$orderby`/`$select` include the `$name=` prefix we parsed with. */
function positionIn(prefix: string, token: Token): number {
  return Math.max(0, token.position - prefix.length);
}

function unexpected(option: string, token: Token): ODataQueryError {
  return new ODataQueryError("unsupportedExpression", `'${token.raw}' in ${option} is not supported.`, { option });
}
