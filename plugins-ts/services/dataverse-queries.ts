/**
 * What `DataverseClient` reads and writes beyond single rows: paged queries, rows read by many keys
 * at once in `$batch`, and the bulk operation messages CreateMultiple / UpdateMultiple. Each goes
 * through the client's one `ScopedNodeWebApiRequest` and call scope, so tokens, correlation ids
 * (joining a synchronous step's transaction) and the echo `tag` work as for every other call.
 */
import { randomUUID } from "node:crypto";
import { type DataverseRecord, fromWebApiRow, toWebApiBody } from "@fsi/core/dataverse/record";
import type { TableDefinition } from "@fsi/core/dataverse/schema";
import { type DataverseCallScope, DataverseRequestError, type ScopedNodeWebApiRequest } from "./dataverse-request";

/** Where a query goes: the client's request implementation, its call scope and the Web API root. */
export interface QueryTarget {
  readonly request: ScopedNodeWebApiRequest;
  readonly scope: DataverseCallScope;
  /** `<org>/api/data/v9.2/` */
  readonly apiRoot: string;
}

/** A row found by a query: its id and the requested columns. */
export interface FoundRow {
  readonly id: string;
  readonly record: DataverseRecord;
  /** The version read (`@odata.etag`), for a write that must not overwrite a newer one. */
  readonly etag?: string;
}

/** A Web API row as a `FoundRow` (a row without its id is Dataverse's fault, and an error). */
export function foundRow(table: TableDefinition, row: Readonly<Record<string, unknown>>): FoundRow {
  const id = row[table.primaryIdAttribute];
  if (typeof id !== "string")
    throw new DataverseRequestError(
      200,
      "MISSING_ID",
      `Dataverse returned a ${table.logicalName} row without ${table.primaryIdAttribute}.`,
    );
  const etag = row["@odata.etag"];
  return { id, record: fromWebApiRow(table, withIsoDates(row)), ...(typeof etag === "string" ? { etag } : {}) };
}

/** Restores ISO strings where dataverse-ify's reviver made `Date`s (core's records keep ISO text). */
export function withIsoDates(row: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([name, value]) => [name, value instanceof Date ? value.toISOString() : value]),
  );
}

export interface QueryOptions {
  /** OData `$filter` in Web API terms (lookups as `_<column>_value`). */
  readonly filter?: string;
  readonly orderBy?: string;
  /** Rows per page (`Prefer: odata.maxpagesize`); default 5000, Dataverse's maximum. */
  readonly pageSize?: number;
  /** At most this many rows in all (`$top`). */
  readonly top?: number;
}

/**
 * Second-lookup values per keyed query: short `$filter`s (a URL stays far below the Web API's and
 * Node's limits, and an OData parser's cost grows faster than the filter's length).
 */
const KEYS_PER_QUERY = 20;
/** Requests in one `$batch` (Dataverse takes up to 1,000). */
const QUERIES_PER_BATCH = 100;

interface ODataPage {
  readonly value?: Record<string, unknown>[];
  readonly "@odata.nextLink"?: string;
}

function preferPage(pageSize: number | undefined): string {
  return `odata.maxpagesize=${pageSize ?? 5000},odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname"`;
}

function rowsOf(table: TableDefinition, body: ODataPage): FoundRow[] {
  return (body.value ?? []).map((row) => foundRow(table, row));
}

/** The parts of a multipart `$batch` answer, in order: status and body (change sets' parts included). */
function batchResponseParts(text: string): { readonly status: number; readonly body: string }[] {
  const parts: { status: number; body: string }[] = [];
  for (const chunk of text.replace(/\r\n/g, "\n").split(/^--[^\n]+$/m)) {
    const status = /^HTTP\/1\.1 (\d{3})/m.exec(chunk);
    if (status?.[1] === undefined) continue;
    const rest = chunk.slice(status.index);
    const bodyStart = rest.indexOf("\n\n");
    parts.push({ status: Number(status[1]), body: bodyStart < 0 ? "" : rest.slice(bodyStart + 2).trim() });
  }
  return parts;
}

/** `msdyn_product` → `_msdyn_product_value`, as the Web API names a lookup's property. */
export function webApiProperty(table: TableDefinition, column: string): string {
  return table.columns[column]?.type === "lookup" ? `_${column}_value` : column;
}

/** An OData string literal (quotes doubled). */
export function odataString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function send(
  target: QueryTarget,
  method: "GET" | "POST",
  url: string,
  headers: Record<string, string>,
  body?: string,
): ReturnType<ScopedNodeWebApiRequest["send"]> {
  return target.request.scope.run(target.scope, () => target.request.send(method, url, headers, body));
}

export function queryUrl(
  target: QueryTarget,
  table: TableDefinition,
  columns: readonly string[],
  options: QueryOptions,
): string {
  const select = [table.primaryIdAttribute, ...columns.filter((column) => column !== table.primaryIdAttribute)].map(
    (column) => webApiProperty(table, column),
  );
  const query = new URLSearchParams({ $select: select.join(",") });
  if (options.filter !== undefined) query.set("$filter", options.filter);
  if (options.orderBy !== undefined) query.set("$orderby", options.orderBy);
  if (options.top !== undefined) query.set("$top", String(options.top));
  return `${target.apiRoot}${table.entitySetName}?${query.toString().replaceAll("+", "%20")}`;
}

/** Every page from `first` on, `@odata.nextLink` followed. */
export async function* pagesFrom(
  target: QueryTarget,
  table: TableDefinition,
  first: string,
  pageSize?: number,
): AsyncGenerator<FoundRow[]> {
  let next: string | undefined = first;
  const headers = { accept: "application/json", "odata-version": "4.0", prefer: preferPage(pageSize) };
  while (next !== undefined) {
    const response = await send(target, "GET", next, headers);
    const body = JSON.parse(response.body ?? "{}") as ODataPage;
    yield rowsOf(table, body);
    next = body["@odata.nextLink"];
  }
}

/**
 * GET requests in one `$batch`: each answer's rows, in order. A part Dataverse refused fails the
 * whole read with its error; a part with more rows than one page is read on with its next link.
 */
async function batchGet(target: QueryTarget, table: TableDefinition, urls: readonly string[]): Promise<FoundRow[][]> {
  const boundary = `batch_${randomUUID()}`;
  const lines: string[] = [];
  for (const url of urls) {
    lines.push(
      `--${boundary}`,
      "Content-Type: application/http",
      "Content-Transfer-Encoding: binary",
      "",
      `GET ${url} HTTP/1.1`,
      "Accept: application/json",
      `Prefer: ${preferPage(undefined)}`,
      "",
      "",
    );
  }
  lines.push(`--${boundary}--`, "");
  const headers = {
    accept: "application/json",
    "content-type": `multipart/mixed; boundary=${boundary}`,
    "odata-version": "4.0",
    "odata-maxversion": "4.0",
  };
  const response = await send(target, "POST", `${target.apiRoot}$batch`, headers, lines.join("\r\n"));
  const parts = batchResponseParts(response.body ?? "");
  if (parts.length !== urls.length)
    throw new DataverseRequestError(
      response.status,
      "BATCH_RESPONSE",
      `Dataverse answered ${parts.length} of the ${urls.length} reads of a $batch.`,
    );
  const pages: FoundRow[][] = [];
  for (const part of parts) {
    if (part.status !== 200) {
      const error = (JSON.parse(part.body || "{}") as { error?: { code?: string; message?: string } }).error;
      throw new DataverseRequestError(
        part.status,
        error?.code ?? `HTTP_${part.status}`,
        `Dataverse answered ${part.status} to a read in $batch: ${error?.message ?? ""}`,
      );
    }
    const body = JSON.parse(part.body) as ODataPage;
    const rows = rowsOf(table, body);
    const next = body["@odata.nextLink"];
    if (next !== undefined) {
      for await (const page of pagesFrom(target, table, next)) rows.push(...page);
    }
    pages.push(rows);
  }
  return pages;
}

/**
 * The rows whose two lookups are one of `pairs` (an alternate key of two lookups, such as product
 * inventory's warehouse + product). One query per value of the first lookup,
 * `_a_value eq A and (_b_value eq B1 or ...)` (a database serves each from the first lookup's
 * index; an `or` across several first values it would read the whole table for), all sent in
 * `$batch` requests (Learn, "Execute batch operations using the Web API": GET requests outside a
 * change set), so many keys cost one round trip.
 */
export async function findByLookupPairs(
  target: QueryTarget,
  table: TableDefinition,
  lookups: readonly [string, string],
  pairs: readonly (readonly [string, string])[],
  columns: readonly string[],
): Promise<FoundRow[]> {
  const [first, second] = [webApiProperty(table, lookups[0]), webApiProperty(table, lookups[1])];
  const byFirst = new Map<string, Set<string>>();
  for (const [a, b] of pairs) {
    const seconds = byFirst.get(a.toLowerCase()) ?? new Set<string>();
    seconds.add(b.toLowerCase());
    byFirst.set(a.toLowerCase(), seconds);
  }
  const filters: string[] = [];
  for (const [a, seconds] of byFirst) {
    const values = [...seconds];
    for (let start = 0; start < values.length; start += KEYS_PER_QUERY) {
      filters.push(
        `${first} eq ${a} and (${values
          .slice(start, start + KEYS_PER_QUERY)
          .map((b) => `${second} eq ${b}`)
          .join(" or ")})`,
      );
    }
  }
  const rows: FoundRow[] = [];
  for (let start = 0; start < filters.length; start += QUERIES_PER_BATCH) {
    const urls = filters
      .slice(start, start + QUERIES_PER_BATCH)
      .map((filter) => queryUrl(target, table, columns, { filter }));
    for (const page of await batchGet(target, table, urls)) rows.push(...page);
  }
  return rows;
}

/**
 * CreateMultiple (Learn, "Use bulk operation messages"): the rows in one request and one
 * transaction — on a standard table one failure rolls them all back. Answers the new ids in
 * order. The table must support the message (its `sdkmessagefilter` exists).
 */
export async function createMultiple(
  target: QueryTarget,
  table: TableDefinition,
  records: readonly Readonly<DataverseRecord>[],
): Promise<string[]> {
  const response = await bulk(
    target,
    table,
    "CreateMultiple",
    records.map((record) => toWebApiBody(table, record, "create")),
  );
  const answered = (JSON.parse(response || "{}") as { Ids?: unknown }).Ids;
  const ids: unknown[] = Array.isArray(answered) ? answered : [];
  const strings = ids.filter((id): id is string => typeof id === "string");
  if (strings.length !== records.length || ids.length !== records.length) {
    throw new DataverseRequestError(
      200,
      "MISSING_ID",
      `Dataverse answered CreateMultiple of ${records.length} ${table.logicalName} rows without their ids.`,
    );
  }
  return strings;
}

/** UpdateMultiple: each row by its id (which must exist), in one request and one transaction. */
export async function updateMultiple(
  target: QueryTarget,
  table: TableDefinition,
  rows: readonly { readonly id: string; readonly record: Readonly<DataverseRecord> }[],
): Promise<void> {
  await bulk(
    target,
    table,
    "UpdateMultiple",
    rows.map((row) => ({ ...toWebApiBody(table, row.record, "update"), [table.primaryIdAttribute]: row.id })),
  );
}

async function bulk(
  target: QueryTarget,
  table: TableDefinition,
  action: "CreateMultiple" | "UpdateMultiple",
  bodies: readonly Record<string, unknown>[],
): Promise<string> {
  // Every row names its type (Learn: "You must set the @odata.type property for each item in the Targets parameter").
  const targets = bodies.map((body) => ({ ...body, "@odata.type": `Microsoft.Dynamics.CRM.${table.logicalName}` }));
  const url = `${target.apiRoot}${table.entitySetName}/Microsoft.Dynamics.CRM.${action}`;
  const headers = {
    accept: "application/json",
    "content-type": "application/json; charset=utf-8",
    "odata-version": "4.0",
    "odata-maxversion": "4.0",
  };
  const response = await send(target, "POST", url, headers, JSON.stringify({ Targets: targets }));
  return response.body ?? "";
}
