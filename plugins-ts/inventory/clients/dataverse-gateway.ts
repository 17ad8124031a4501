/**
 * Dataverse as the inventory flows use it: the shared `DataverseClient` (services/) for single-row
 * reads and writes, plus what that client does not offer — paged queries, rows read by many keys
 * at once, and the bulk operation messages CreateMultiple / UpdateMultiple. All go through one
 * `ScopedNodeWebApiRequest`, so tokens, correlation ids (joining a synchronous step's transaction)
 * and the echo `tag` work the same for every call.
 */
import { randomUUID } from "node:crypto";
import { WebApiBase } from "dataverse-ify/lib/webapi/WebApiBase";
import { type DataverseRecord, fromWebApiRow, toWebApiBody } from "../../../core/dataverse/record";
import type { TableDefinition } from "../../../core/dataverse/schema";
import { DataverseClient, type DataverseClientConfig } from "../../services/dataverse-client";
import {
  type DataverseCallScope,
  DataverseRequestError,
  ScopedNodeWebApiRequest,
} from "../../services/dataverse-request";

/** A row of a query: its id and the requested columns. */
export interface QueriedRow {
  readonly id: string;
  readonly record: DataverseRecord;
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

function rowsOf(table: TableDefinition, body: ODataPage): QueriedRow[] {
  return (body.value ?? []).map((row) => {
    const id = row[table.primaryIdAttribute];
    if (typeof id !== "string")
      throw new DataverseRequestError(
        200,
        "MISSING_ID",
        `Dataverse returned a ${table.logicalName} row without ${table.primaryIdAttribute}.`,
      );
    return { id, record: fromWebApiRow(table, row) };
  });
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

export class DataverseGateway {
  readonly client: DataverseClient;

  private constructor(
    private readonly config: DataverseClientConfig,
    private readonly request: ScopedNodeWebApiRequest,
    private readonly scope: DataverseCallScope,
    client: DataverseClient,
  ) {
    this.client = client;
  }

  static create(config: DataverseClientConfig, scope: DataverseCallScope = {}): DataverseGateway {
    const request = new ScopedNodeWebApiRequest(config.url, config.apiVersion ?? "9.2", config.accessToken);
    const client = new DataverseClient(config, scope, { request, api: new WebApiBase(request) });
    return new DataverseGateway(config, request, scope, client);
  }

  /** The same gateway whose calls carry a correlation id and/or the echo tag. */
  scoped(scope: DataverseCallScope): DataverseGateway {
    const merged = { ...this.scope, ...scope };
    return new DataverseGateway(this.config, this.request, merged, this.client.scoped(scope));
  }

  /** Every page of a query, one page at a time (`@odata.nextLink` followed). */
  async *pages(
    table: TableDefinition,
    columns: readonly string[],
    options: QueryOptions = {},
  ): AsyncGenerator<QueriedRow[]> {
    let next: string | undefined = this.queryUrl(table, columns, options);
    const headers = { accept: "application/json", "odata-version": "4.0", prefer: preferPage(options.pageSize) };
    while (next !== undefined) {
      const url: string = next;
      const response = await this.request.scope.run(this.scope, () => this.request.send("GET", url, headers));
      const body = JSON.parse(response.body ?? "{}") as ODataPage;
      yield rowsOf(table, body);
      next = body["@odata.nextLink"];
    }
  }

  private get apiRoot(): string {
    return `${this.config.url.replace(/\/+$/, "")}/api/data/v${this.config.apiVersion ?? "9.2"}/`;
  }

  private queryUrl(table: TableDefinition, columns: readonly string[], options: QueryOptions): string {
    const select = [table.primaryIdAttribute, ...columns.filter((column) => column !== table.primaryIdAttribute)].map(
      (column) => webApiProperty(table, column),
    );
    const query = new URLSearchParams({ $select: select.join(",") });
    if (options.filter !== undefined) query.set("$filter", options.filter);
    if (options.orderBy !== undefined) query.set("$orderby", options.orderBy);
    if (options.top !== undefined) query.set("$top", String(options.top));
    return `${this.apiRoot}${table.entitySetName}?${query.toString().replaceAll("+", "%20")}`;
  }

  /**
   * GET requests in one `$batch`: each answer's rows, in order. A part Dataverse refused fails the
   * whole read with its error; a part with more rows than one page is read on with its next link.
   */
  private async batchGet(table: TableDefinition, urls: readonly string[]): Promise<QueriedRow[][]> {
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
    const response = await this.request.scope.run(this.scope, () =>
      this.request.send("POST", `${this.apiRoot}$batch`, headers, lines.join("\r\n")),
    );
    const parts = batchResponseParts(response.body ?? "");
    if (parts.length !== urls.length)
      throw new DataverseRequestError(
        response.status,
        "BATCH_RESPONSE",
        `Dataverse answered ${parts.length} of the ${urls.length} reads of a $batch.`,
      );
    const pages: QueriedRow[][] = [];
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
        for await (const page of this.pagesFrom(table, next)) rows.push(...page);
      }
      pages.push(rows);
    }
    return pages;
  }

  private async *pagesFrom(table: TableDefinition, first: string): AsyncGenerator<QueriedRow[]> {
    let next: string | undefined = first;
    const headers = { accept: "application/json", "odata-version": "4.0", prefer: preferPage(undefined) };
    while (next !== undefined) {
      const url: string = next;
      const response = await this.request.scope.run(this.scope, () => this.request.send("GET", url, headers));
      const body = JSON.parse(response.body ?? "{}") as ODataPage;
      yield rowsOf(table, body);
      next = body["@odata.nextLink"];
    }
  }

  /**
   * The rows whose two lookups are one of `pairs` (an alternate key of two lookups, such as product
   * inventory's warehouse + product). One query per value of the first lookup,
   * `_a_value eq A and (_b_value eq B1 or ...)` (a database serves each from the first lookup's
   * index; an `or` across several first values it would read the whole table for), all sent in
   * `$batch` requests (Learn, "Execute batch operations using the Web API": GET requests outside a
   * change set), so many keys cost one round trip.
   */
  async findByLookupPairs(
    table: TableDefinition,
    lookups: readonly [string, string],
    pairs: readonly (readonly [string, string])[],
    columns: readonly string[],
  ): Promise<QueriedRow[]> {
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
    const rows: QueriedRow[] = [];
    for (let start = 0; start < filters.length; start += QUERIES_PER_BATCH) {
      const urls = filters
        .slice(start, start + QUERIES_PER_BATCH)
        .map((filter) => this.queryUrl(table, columns, { filter }));
      for (const page of await this.batchGet(table, urls)) rows.push(...page);
    }
    return rows;
  }

  /**
   * CreateMultiple (Learn, "Use bulk operation messages"): the rows in one request and one
   * transaction — on a standard table one failure rolls them all back. Answers the new ids in
   * order. The table must support the message (its `sdkmessagefilter` exists).
   */
  async createMultiple(table: TableDefinition, records: readonly Readonly<DataverseRecord>[]): Promise<string[]> {
    const response = await this.bulk(
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
  async updateMultiple(
    table: TableDefinition,
    rows: readonly { readonly id: string; readonly record: Readonly<DataverseRecord> }[],
  ): Promise<void> {
    await this.bulk(
      table,
      "UpdateMultiple",
      rows.map((row) => ({ ...toWebApiBody(table, row.record, "update"), [table.primaryIdAttribute]: row.id })),
    );
  }

  private async bulk(
    table: TableDefinition,
    action: "CreateMultiple" | "UpdateMultiple",
    bodies: readonly Record<string, unknown>[],
  ): Promise<string> {
    // Every row names its type (Learn: "You must set the @odata.type property for each item in the Targets parameter").
    const targets = bodies.map((body) => ({ ...body, "@odata.type": `Microsoft.Dynamics.CRM.${table.logicalName}` }));
    const url = `${this.config.url.replace(/\/+$/, "")}/api/data/v${this.config.apiVersion ?? "9.2"}/${table.entitySetName}/Microsoft.Dynamics.CRM.${action}`;
    const headers = {
      accept: "application/json",
      "content-type": "application/json; charset=utf-8",
      "odata-version": "4.0",
      "odata-maxversion": "4.0",
    };
    const response = await this.request.scope.run(this.scope, () =>
      this.request.send("POST", url, headers, JSON.stringify({ Targets: targets })),
    );
    return response.body ?? "";
  }

  /** Every row of a query (use `pages` for large tables). */
  async all(table: TableDefinition, columns: readonly string[], options: QueryOptions = {}): Promise<QueriedRow[]> {
    const rows: QueriedRow[] = [];
    for await (const page of this.pages(table, columns, options)) rows.push(...page);
    return rows;
  }
}
