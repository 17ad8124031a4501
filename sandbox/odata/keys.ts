/**
 * Key segments of resource paths: `Warehouses(dataAreaId='usmf',WarehouseId='11')`,
 * `accounts(00000000-0000-0000-0000-000000000001)`, `msdyn_warehouses(msdyn_name='North')`.
 * The predicate is parsed by `@odata/parser`'s key grammar (quotes inside a value are doubled:
 * `Name='it''s'`); only the entity set name before `(` is split off here.
 */
import * as Expressions from "@odata/parser/lib/expressions";
import { ODataQueryError } from "./errors";
import { type Token, TokenType, isRecord, isToken, valueOf } from "./grammar";
import { type TypedLiteral, typedLiteral } from "./literals";

const OPTION = "key";

export type KeyPredicate =
  /** `(value)`: the entity's single key, or its primary id. */
  | { readonly kind: "simple"; readonly value: TypedLiteral }
  /** `(name=value,...)`: named key properties, in the order given. */
  | { readonly kind: "compound"; readonly values: ReadonlyMap<string, TypedLiteral> };

export interface EntitySegment {
  /** Entity set name, e.g. `Warehouses`. */
  readonly name: string;
  /** The key predicate, when the segment addresses one entity. */
  readonly key?: KeyPredicate;
}

/** Splits a decoded path segment into entity set name and key predicate. */
export function parseEntitySegment(segment: string): EntitySegment {
  const open = segment.indexOf("(");
  const name = open === -1 ? segment : segment.slice(0, open);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new ODataQueryError("syntax", `'${segment}' is not an entity set name with an optional key in parentheses.`, {
      option: OPTION,
      position: 0,
    });
  }
  return open === -1 ? { name } : { name, key: parseKeyPredicate(segment.slice(open)) };
}

/** Parses `(...)` — the parentheses included. */
export function parseKeyPredicate(text: string): KeyPredicate {
  const codes = new Uint16Array(text.length);
  for (let index = 0; index < text.length; index += 1) codes[index] = text.charCodeAt(index);
  let token: Token | undefined;
  try {
    token = Expressions.keyPredicate(codes, 0) as Token | undefined;
  } catch {
    token = undefined;
  }
  if (token === undefined || token.next < codes.length) {
    throw new ODataQueryError(
      "syntax",
      `The key '${text}' is not valid: expected (value) or (Name='value',...) with quotes inside values doubled and no spaces.`,
      { option: OPTION, position: token?.next ?? 0 },
    );
  }
  const value = valueOf(token);
  if (token.type === TokenType.SimpleKey) {
    const literal = isRecord(value) && isToken(value.value) ? value.value : undefined;
    if (literal === undefined) throw unexpected(text);
    return { kind: "simple", value: typedLiteral(literal, OPTION) };
  }
  const values = new Map<string, TypedLiteral>();
  for (const pair of Array.isArray(value) ? (value as unknown[]) : []) {
    const pairValue = isToken(pair) ? valueOf(pair) : undefined;
    const alias = isRecord(pairValue) && isToken(pairValue.key) ? valueOf(pairValue.key) : undefined;
    const literal = isRecord(pairValue) && isToken(pairValue.value) ? pairValue.value : undefined;
    if (!isRecord(alias) || typeof alias.name !== "string" || literal === undefined) throw unexpected(text);
    if (values.has(alias.name)) {
      throw new ODataQueryError("invalidOptionValue", `The key property '${alias.name}' is given more than once.`, {
        option: OPTION,
        property: alias.name,
      });
    }
    values.set(alias.name, typedLiteral(literal, OPTION));
  }
  if (values.size === 0) throw unexpected(text);
  return { kind: "compound", values };
}

function unexpected(text: string): ODataQueryError {
  return new ODataQueryError("unsupportedExpression", `The key '${text}' is not supported.`, { option: OPTION });
}
