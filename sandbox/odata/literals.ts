/**
 * OData literal tokens → typed SQL parameter values. String literals arrive with their quotes and
 * doubled inner quotes (`'it''s'`); they only ever become bound parameters, never SQL text.
 */
import { ODataQueryError } from "./errors";
import { type Token, TokenType, isRecord, isToken, valueOf } from "./grammar";
import type { ColumnKind, SqlValue } from "./types";

export interface TypedLiteral {
  readonly kind: ColumnKind | "null";
  readonly value: SqlValue;
}

const numericTypes = new Set([
  "Edm.Byte",
  "Edm.SByte",
  "Edm.Int16",
  "Edm.Int32",
  "Edm.Int64",
  "Edm.Decimal",
  "Edm.Double",
  "Edm.Single",
]);

export function decodeStringLiteral(raw: string): string {
  return raw.slice(1, -1).replace(/''/g, "'");
}

export function typedLiteral(token: Token, option: string): TypedLiteral {
  if (token.type === TokenType.Enum) return { kind: "string", value: enumMember(token, option) };
  const edmType = valueOf(token);
  const raw = token.raw;
  if (edmType === null || raw === "null") return { kind: "null", value: null };
  switch (edmType) {
    case "Edm.String":
      return { kind: "string", value: decodeStringLiteral(raw) };
    case "Edm.Boolean":
      return { kind: "boolean", value: raw.toLowerCase() === "true" ? 1 : 0 };
    case "Edm.Guid":
      return { kind: "guid", value: raw.toLowerCase() };
    case "Edm.DateTimeOffset":
    case "Edm.Date": {
      const instant = new Date(edmType === "Edm.Date" ? `${raw}T00:00:00Z` : raw);
      if (Number.isNaN(instant.getTime())) {
        throw new ODataQueryError("typeMismatch", `'${raw}' is not a valid date and time.`, {
          option,
          position: token.position,
        });
      }
      return { kind: "datetime", value: instant.toISOString() };
    }
    default:
      break;
  }
  if (typeof edmType === "string" && numericTypes.has(edmType)) {
    const value = Number(raw);
    if (!Number.isFinite(value)) {
      throw new ODataQueryError("typeMismatch", `'${raw}' is not a finite number.`, {
        option,
        position: token.position,
      });
    }
    return { kind: "number", value };
  }
  throw new ODataQueryError(
    "unsupportedExpression",
    `Literals of type ${typeof edmType === "string" ? edmType : token.type} ('${raw}') are not supported.`,
    { option, position: token.position },
  );
}

/** `Microsoft.Dynamics.DataEntities.InventLocationType'Quarantine'` → `Quarantine` (F&O enum filters). */
function enumMember(token: Token, option: string): string {
  const value = valueOf(token);
  const enumValue = isRecord(value) ? value.value : undefined;
  const members = isToken(enumValue) ? valueOf(enumValue) : undefined;
  const list = isRecord(members) && Array.isArray(members.values) ? (members.values as unknown[]) : [];
  const first = list[0];
  const firstValue = isToken(first) ? valueOf(first) : undefined;
  if (list.length !== 1 || !isRecord(firstValue) || typeof firstValue.name !== "string") {
    throw new ODataQueryError("unsupportedExpression", `Enum literal '${token.raw}' must name exactly one member.`, {
      option,
      position: token.position,
    });
  }
  return firstValue.name;
}
