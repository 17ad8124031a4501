/**
 * Key segments of resource paths: `accounts(<guid>)`, `accounts(accountid=<guid>)`,
 * `accounts(accountnumber='ABC')`, and keys that include a lookup, which Dataverse addresses by
 * the lookup property: `msdyn_warehouses(msdyn_warehouseidentifier='11',_msdyn_company_value=<guid>)`
 * (Learn, "Use an alternate key to reference a record").
 */
import type { TableDefinition } from "@fsi/core";
import { badQuery, invalidKey } from "./errors";
import { lookupIdColumn, type SqlValue } from "./storage/values";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(text: string): boolean {
  return GUID.test(text);
}

export function normalizeGuid(text: string): string {
  return text.replace(/^\{|\}$/g, "").toLowerCase();
}

export type KeyLiteral = string | number | boolean | null;

export type KeySegment =
  | { readonly kind: "id"; readonly id: string }
  | { readonly kind: "named"; readonly values: ReadonlyMap<string, KeyLiteral> };

/** A resource path segment split into its name and the text inside its parentheses. */
export interface SegmentParts {
  readonly name: string;
  readonly key?: string;
}

export function splitSegment(segment: string): SegmentParts {
  const open = segment.indexOf("(");
  if (open === -1) return { name: segment };
  if (!segment.endsWith(")"))
    throw badQuery(`Bad Request - Error in query syntax: '${segment}' has no closing parenthesis.`);
  return { name: segment.slice(0, open), key: segment.slice(open + 1, -1) };
}

/** Parses the text between the parentheses of a key segment. */
export function parseKeySegment(text: string): KeySegment {
  const parts = splitTopLevel(text);
  const [only] = parts;
  if (parts.length === 1 && only !== undefined && !only.includes("=")) {
    const literal = parseLiteral(only.trim());
    if (typeof literal !== "string" || !isGuid(literal)) {
      throw badQuery(`Bad Request - Error in query syntax: '${text}' is not a GUID key.`);
    }
    return { kind: "id", id: normalizeGuid(literal) };
  }
  const values = new Map<string, KeyLiteral>();
  for (const part of parts) {
    const equals = part.indexOf("=");
    if (equals <= 0) throw badQuery(`Bad Request - Error in query syntax: key part '${part}' is not 'name=value'.`);
    const name = part.slice(0, equals).trim();
    if (values.has(name)) throw badQuery(`Bad Request - Error in query syntax: key property '${name}' is given twice.`);
    values.set(name, parseLiteral(part.slice(equals + 1).trim()));
  }
  return { kind: "named", values };
}

/** Splits on commas that are not inside a quoted string. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (char === "'") {
      if (quoted && text[i + 1] === "'") {
        current += "''";
        i++;
        continue;
      }
      quoted = !quoted;
    }
    if (char === "," && !quoted) {
      parts.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  if (quoted) throw badQuery(`Bad Request - Error in query syntax: unterminated string in '${text}'.`);
  parts.push(current);
  return parts;
}

function parseLiteral(text: string): KeyLiteral {
  if (text.startsWith("'")) {
    if (!text.endsWith("'") || text.length < 2)
      throw badQuery(`Bad Request - Error in query syntax: unterminated string ${text}.`);
    return text.slice(1, -1).replaceAll("''", "'");
  }
  if (text === "null") return null;
  if (text === "true" || text === "false") return text === "true";
  if (isGuid(text.replace(/^\{|\}$/g, ""))) return normalizeGuid(text);
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  throw badQuery(`Bad Request - Error in query syntax: '${text}' is not a literal.`);
}

/** What a key segment resolves to: the primary id, or physical column values of an alternate key. */
export type RowAddress =
  | { readonly kind: "id"; readonly id: string }
  | { readonly kind: "key"; readonly keyName: string; readonly columns: Readonly<Record<string, SqlValue>> };

export function resolveKey(table: TableDefinition, segment: KeySegment): RowAddress {
  if (segment.kind === "id") return segment;
  const names = [...segment.values.keys()];
  if (names.length === 1 && names[0] === table.primaryIdAttribute) {
    const value = segment.values.get(names[0]);
    if (typeof value !== "string" || !isGuid(value)) throw invalidKey(table.logicalName);
    return { kind: "id", id: normalizeGuid(value) };
  }
  for (const key of table.alternateKeys) {
    const physical = key.columns.map((column) =>
      table.columns[column]?.type === "lookup" ? lookupIdColumn(column) : column,
    );
    if (physical.length !== names.length || !physical.every((name) => segment.values.has(name))) continue;
    const columns: Record<string, SqlValue> = {};
    for (const name of physical) {
      const value = segment.values.get(name) ?? null;
      columns[name] = typeof value === "boolean" ? (value ? 1 : 0) : value;
    }
    return { kind: "key", keyName: key.name, columns };
  }
  throw invalidKey(table.logicalName);
}
