/**
 * Reads through the Web API: collections with `$select`, `$filter`, `$orderby`, `$top`, `$count`,
 * `$expand` and server-driven paging (`Prefer: odata.maxpagesize`, `@odata.nextLink` with a skip
 * token), and single rows. `$filter`/`$orderby`/`$select` are compiled to parameterised SQL by
 * `sandbox/odata` (which parses them with `@odata/parser`).
 */
import type { TableDefinition } from "@fsi/core";
import {
  compileQuery,
  isODataQueryError,
  selectStatement,
  type ColumnKind,
  type ColumnResolver,
  type CompiledQuery,
  type FilterFunction,
} from "../odata";
import { DataverseError, badQuery, notSupportedOffline, unknownProperty } from "./errors";
import { parseExpand, type ExpandItem } from "./expand";
import { fetchXmlQuery } from "./fetchxml";
import type { Connection, DataverseStore } from "./storage/store";
import {
  isLookupValue,
  physicalColumns,
  quoteIdentifier,
  rowFromSql,
  type LookupValue,
  type Row,
} from "./storage/values";
import { wantsAnnotation } from "./prefer";
import { FORMATTED_VALUE, propertyOf, readableColumns, serializeRow, type JsonObject } from "./serialize";

/** Dataverse returns at most 5000 rows per page, and counts up to 5000 (Learn, "Query data using the Web API"). */
export const DEFAULT_PAGE_SIZE = 5000;
const COUNT_LIMIT = 5000;

export interface ReadContext {
  readonly store: DataverseStore;
  readonly db: Connection;
  /** `http://host/api/data/v9.2/` */
  readonly baseUrl: string;
  readonly annotations: readonly string[];
  /** The mobile offline store's limits (`x-fsi-client-state: offline`). */
  readonly offline: boolean;
}

const kinds: Record<string, ColumnKind> = {
  string: "string",
  memo: "string",
  uniqueidentifier: "guid",
  lookup: "guid",
  integer: "number",
  decimal: "number",
  double: "number",
  money: "number",
  choice: "number",
  state: "number",
  status: "number",
  boolean: "boolean",
  datetime: "datetime",
};

export function columnResolver(table: TableDefinition): ColumnResolver {
  const properties = new Map<string, { sqlExpression: string; kind: ColumnKind }>();
  for (const [name, column] of Object.entries(table.columns)) {
    if (column.secret) continue;
    const property = propertyOf(table, name);
    properties.set(property, { sqlExpression: quoteIdentifier(property), kind: kinds[column.type] ?? "string" });
  }
  return (name) => properties.get(name);
}

/** Maps a `$select`ed property back to its column (`_x_value` → `x`). */
function columnOfProperty(table: TableDefinition, property: string): string {
  const match = /^_(.+)_value$/.exec(property);
  if (match?.[1] !== undefined && table.columns[match[1]]?.type === "lookup") return match[1];
  return property;
}

function compile(
  table: TableDefinition,
  params: URLSearchParams,
  context: ReadContext,
  passThrough: string[],
): CompiledQuery {
  if (params.has("fetchXml")) {
    // Reached only where FetchXML cannot be combined (a single row); retrieveMultiple translates it.
    throw badQuery(
      "fetchXml applies to an entity set, alone: it cannot be combined with other query options or a key.",
    );
  }
  if (params.has("$apply")) {
    if (context.offline)
      throw notSupportedOffline("$apply (aggregation) is not available in the mobile offline store.");
    throw new DataverseError(501, "0x80060888", "$apply is not implemented by the Dataverse emulator.");
  }
  if (params.has("$skip"))
    throw badQuery("The query parameter $skip is not supported; use paging with Prefer: odata.maxpagesize.");
  const functions: FilterFunction[] = context.offline
    ? ["startswith", "endswith"]
    : ["contains", "startswith", "endswith"];
  try {
    return compileQuery(params, columnResolver(table), { functions, passThrough });
  } catch (error) {
    if (!isODataQueryError(error)) throw error;
    if (error.kind === "unknownProperty" && error.info.property !== undefined) {
      throw unknownProperty(table.logicalName, error.info.property);
    }
    if (error.kind === "unsupportedFunction" && context.offline && error.info.functionName === "contains") {
      throw notSupportedOffline(
        "The mobile offline store does not support 'contains' in $filter; use eq, ne, gt, ge, lt, le with and/or.",
      );
    }
    throw badQuery(error.message);
  }
}

function selectedColumns(table: TableDefinition, query: CompiledQuery): string[] {
  if (query.select === undefined) return readableColumns(table);
  const columns = query.select.map((property) => columnOfProperty(table, property));
  return columns.includes(table.primaryIdAttribute) ? columns : [...columns, table.primaryIdAttribute];
}

export function retrieveMultiple(
  context: ReadContext,
  table: TableDefinition,
  params: URLSearchParams,
  maxPageSize: number | undefined,
): JsonObject {
  const fetchXml = params.get("fetchXml");
  if (fetchXml !== null) return retrieveByFetchXml(context, table, params, fetchXml);
  const query = compile(table, params, context, ["$expand", "$skiptoken"]);
  const expand = params.has("$expand") ? parseExpand(params.get("$expand") ?? "", table) : [];
  const columns = selectedColumns(table, query);
  const paged = query.top === undefined;
  const pageSize = paged ? (maxPageSize ?? DEFAULT_PAGE_SIZE) : query.top;
  const offset = paged ? parseSkipToken(params.get("$skiptoken")) : 0;
  const statement = selectStatement({
    from: quoteIdentifier(table.logicalName),
    columns: physicalSelectList(table, columns, expand),
    query: { ...query, skip: offset },
    tieBreakers: [quoteIdentifier(table.primaryIdAttribute)],
    limit: pageSize + 1,
  });
  const sqlRows = context.store.all(context.db, statement.rows.sql, statement.rows.params);
  const more = paged && sqlRows.length > pageSize;
  const rows = sqlRows.slice(0, pageSize).map((row) => rowFromSql(table, row));
  const result: JsonObject = {
    "@odata.context": `${context.baseUrl}$metadata#${table.entitySetName}${query.select === undefined ? "" : `(${query.select.join(",")})`}`,
  };
  if (query.count) {
    const counted = context.store.first(context.db, statement.count.sql, statement.count.params);
    result["@odata.count"] = Math.min(Number(counted?.count ?? 0), COUNT_LIMIT);
  }
  result.value = serializeRows(context, table, rows, columns, expand);
  if (more) {
    const nextOffset = offset + pageSize;
    const next = [...params].filter(([name]) => name !== "$skiptoken");
    next.push([
      "$skiptoken",
      `<cookie pagenumber="${Math.floor(nextOffset / pageSize) + 1}" offset="${nextOffset}" />`,
    ]);
    // Option names stay readable (`$select`, not `%24select`), as in Dataverse's links.
    result["@odata.nextLink"] =
      `${context.baseUrl}${table.entitySetName}?${next.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join("&")}`;
  }
  return result;
}

/**
 * `?fetchXml=`: the FetchXML translated into OData options (`fetchxml.ts`) and run like them. With
 * `<fetch count page>` the page is read and `@Microsoft.Dynamics.CRM.morerecords` says whether
 * another follows (Learn, "Page results using FetchXml").
 */
function retrieveByFetchXml(
  context: ReadContext,
  table: TableDefinition,
  params: URLSearchParams,
  fetchXml: string,
): JsonObject {
  if (context.offline) throw notSupportedOffline("FetchXML queries are not available in the mobile offline store.");
  const others = [...params.keys()].filter((name) => name !== "fetchXml");
  if (others.length > 0) throw badQuery(`fetchXml cannot be combined with other query options (${others.join(", ")}).`);
  const fetch = fetchXmlQuery(table, fetchXml);
  const query = compile(table, fetch.params, context, []);
  const columns = selectedColumns(table, query);
  const size = fetch.page?.size ?? query.top ?? DEFAULT_PAGE_SIZE;
  const offset = fetch.page === undefined ? 0 : (fetch.page.number - 1) * fetch.page.size;
  const statement = selectStatement({
    from: quoteIdentifier(table.logicalName),
    columns: physicalSelectList(table, columns, []),
    query: { ...query, top: undefined, skip: offset },
    tieBreakers: [quoteIdentifier(table.primaryIdAttribute)],
    limit: size + 1,
  });
  const sqlRows = context.store.all(context.db, statement.rows.sql, statement.rows.params);
  const rows = sqlRows.slice(0, size).map((row) => rowFromSql(table, row));
  const result: JsonObject = { "@odata.context": `${context.baseUrl}$metadata#${table.entitySetName}` };
  if (fetch.page !== undefined) result["@Microsoft.Dynamics.CRM.morerecords"] = sqlRows.length > size;
  result.value = serializeRows(context, table, rows, columns, []);
  return result;
}

export function retrieveSingle(
  context: ReadContext,
  table: TableDefinition,
  row: Row,
  params: URLSearchParams,
): JsonObject {
  for (const name of params.keys()) {
    if (name.startsWith("$") && name !== "$select" && name !== "$expand") {
      throw badQuery(`The query option '${name}' is not supported when retrieving a single row.`);
    }
  }
  const query = compile(table, params, context, ["$expand"]);
  const expand = params.has("$expand") ? parseExpand(params.get("$expand") ?? "", table) : [];
  const [json] = serializeRows(context, table, [row], selectedColumns(table, query), expand);
  return {
    "@odata.context": `${context.baseUrl}$metadata#${table.entitySetName}${query.select === undefined ? "" : `(${query.select.join(",")})`}/$entity`,
    ...json,
  };
}

/** The SQL columns a page needs: the selected columns, the row version, expanded lookups. */
function physicalSelectList(table: TableDefinition, columns: readonly string[], expand: readonly ExpandItem[]): string {
  const names = new Set([...columns, ...expand.map((item) => item.column), table.primaryIdAttribute, "versionnumber"]);
  const physical: string[] = [];
  for (const name of names) {
    const column = table.columns[name];
    if (column === undefined) continue;
    for (const [sqlName] of physicalColumns(name, column)) physical.push(quoteIdentifier(sqlName));
  }
  return physical.join(", ");
}

function parseSkipToken(token: string | null): number {
  if (token === null) return 0;
  const match = /^<cookie pagenumber="\d+" offset="(\d+)" \/>$/.exec(token);
  const offset = Number(match?.[1]);
  // SQLite's OFFSET is a 64-bit integer: a cookie beyond a safe integer is not one this service issued.
  if (match?.[1] === undefined || !Number.isSafeInteger(offset))
    throw badQuery(`The $skiptoken '${token}' is not a paging cookie this service issued.`);
  return offset;
}

/** Serializes a page of rows, resolving lookup names and expanded rows with one query per target table. */
export function serializeRows(
  context: ReadContext,
  table: TableDefinition,
  rows: readonly Row[],
  columns: readonly string[],
  expand: readonly ExpandItem[],
): JsonObject[] {
  const names = lookupNames(context, table, rows, columns);
  const expandedRows = expand.map((item) => ({ item, byId: fetchRelated(context, item, rows) }));
  return rows.map((row) => {
    const expanded: Record<string, JsonObject | null> = {};
    for (const { item, byId } of expandedRows) {
      const reference = row[item.column];
      expanded[item.navigationProperty] = isLookupValue(reference) ? (byId.get(reference.id) ?? null) : null;
    }
    return serializeRow(table, row, {
      columns,
      annotations: context.annotations,
      nameOf: (reference) => names.get(`${reference.logicalName}:${reference.id}`),
      expanded,
    });
  });
}

function fetchRelated(context: ReadContext, item: ExpandItem, rows: readonly Row[]): Map<string, JsonObject> {
  const ids = new Set<string>();
  for (const row of rows) {
    const reference = row[item.column];
    if (isLookupValue(reference) && reference.logicalName === item.target.logicalName) ids.add(reference.id);
  }
  const related = selectByIds(context, item.target, [...ids]).map((sqlRow) => rowFromSql(item.target, sqlRow));
  let columns = readableColumns(item.target);
  if (item.select !== undefined) {
    const nested = compile(item.target, new URLSearchParams({ $select: item.select }), context, []);
    columns = selectedColumns(item.target, nested);
  }
  const serialized = serializeRows(context, item.target, related, columns, []);
  const byId = new Map<string, JsonObject>();
  related.forEach((row, index) => {
    const id = row[item.target.primaryIdAttribute];
    if (typeof id === "string") byId.set(id, serialized[index] ?? {});
  });
  return byId;
}

/** `logicalName:id` → primary name of every row the lookups in `columns` point at. */
function lookupNames(
  context: ReadContext,
  table: TableDefinition,
  rows: readonly Row[],
  columns: readonly string[],
): Map<string, string> {
  const wanted = new Map<string, Set<string>>();
  // A lookup's name is sent only as its FormattedValue annotation.
  if (!wantsAnnotation(context.annotations, FORMATTED_VALUE)) return new Map();
  for (const row of rows) {
    for (const name of columns) {
      if (table.columns[name]?.type !== "lookup") continue;
      const reference = row[name];
      if (!isLookupValue(reference)) continue;
      const ids = wanted.get(reference.logicalName) ?? new Set<string>();
      ids.add(reference.id);
      wanted.set(reference.logicalName, ids);
    }
  }
  const names = new Map<string, string>();
  for (const [logicalName, ids] of wanted) {
    const target = context.store.tables.find((candidate) => candidate.logicalName === logicalName);
    if (target === undefined) continue;
    for (const sqlRow of selectByIds(context, target, [...ids])) {
      const name = sqlRow[target.primaryNameAttribute];
      const id = sqlRow[target.primaryIdAttribute];
      if (typeof id === "string" && name !== null && name !== undefined)
        names.set(`${logicalName}:${id}`, String(name));
    }
  }
  return names;
}

function selectByIds(context: ReadContext, table: TableDefinition, ids: readonly string[]) {
  const found = [];
  for (let start = 0; start < ids.length; start += 500) {
    const chunk = ids.slice(start, start + 500);
    const sql = `SELECT * FROM ${quoteIdentifier(table.logicalName)} WHERE ${quoteIdentifier(table.primaryIdAttribute)} IN (${chunk.map(() => "?").join(", ")})`;
    found.push(...context.store.all(context.db, sql, chunk));
  }
  return found;
}

/** The primary name of one referenced row (for execution contexts and single lookups). */
export function referenceName(store: DataverseStore, db: Connection, reference: LookupValue): string | undefined {
  const target = store.tables.find((candidate) => candidate.logicalName === reference.logicalName);
  if (target === undefined) return undefined;
  const found = store.first(
    db,
    `SELECT ${quoteIdentifier(target.primaryNameAttribute)} AS name FROM ${quoteIdentifier(target.logicalName)} WHERE ${quoteIdentifier(target.primaryIdAttribute)} = ?`,
    [reference.id],
  );
  return found?.name === null || found?.name === undefined ? undefined : String(found.name);
}
