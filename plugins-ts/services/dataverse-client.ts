/**
 * The Dataverse client plug-ins use: dataverse-ify's Web API implementation (`WebApiBase`, the Node
 * twin of `Xrm.WebApi`) with our request implementation (`dataverse-request.ts`), speaking in
 * core's Dataverse-shape records. Rows are addressed by id or by alternate key; an upsert is a
 * PATCH on the alternate key, which Dataverse creates when no row has that key (Learn: "Use Upsert
 * to Create or Update a record"). Paged queries, reads by many keys and the bulk messages are in
 * `dataverse-queries.ts`, over the same request implementation.
 */
import { WebApiBase } from "dataverse-ify/lib/webapi/WebApiBase";
import {
  type DataverseRecord,
  type DataverseValue,
  fromWebApiRow,
  isEntityReference,
  toWebApiBody,
} from "@fsi/core/dataverse/record";
import type { TableDefinition } from "@fsi/core/dataverse/schema";
import { type DataverseCallScope, DataverseRequestError, ScopedNodeWebApiRequest } from "./dataverse-request";
import {
  type FoundRow,
  type QueryOptions,
  type QueryTarget,
  createMultiple,
  findByLookupPairs,
  foundRow,
  odataString,
  pagesFrom,
  queryUrl,
  updateMultiple,
  webApiProperty,
  withIsoDates,
} from "./dataverse-queries";

export type { FoundRow, QueryOptions } from "./dataverse-queries";
export { odataString, webApiProperty } from "./dataverse-queries";

export interface DataverseClientConfig {
  /** The organization URL (`https://contoso.crm.dynamics.com`, or the sandbox origin). */
  readonly url: string;
  /** A bearer token for the integration's application user; called before every request. */
  readonly accessToken: () => Promise<string>;
  readonly apiVersion?: string;
}

/** Column values that identify a row: scalars, or a lookup given as a reference (compared by id). */
export type KeyValues = Readonly<
  Record<string, string | number | boolean | { readonly id: string; readonly logicalName: string }>
>;

/** OData literal of a key or filter value (strings quoted, quotes doubled). */
function literal(value: string | number | boolean): string {
  return typeof value === "string" ? odataString(value) : String(value);
}

/** `name=value` pairs; a lookup's id is a GUID literal, which OData writes unquoted. */
function keyParts(table: TableDefinition, key: KeyValues): string[] {
  return Object.entries(key).map(
    ([column, value]) => `${webApiProperty(table, column)}=${typeof value === "object" ? value.id : literal(value)}`,
  );
}

function filterOf(table: TableDefinition, key: KeyValues): string {
  return keyParts(table, key)
    .map((part) => part.replace("=", " eq "))
    .join(" and ");
}

function selectOf(table: TableDefinition, columns: readonly string[]): string {
  const names = [table.primaryIdAttribute, ...columns.filter((column) => column !== table.primaryIdAttribute)];
  return names.map((column) => webApiProperty(table, column)).join(",");
}

/** The shared part of every scoped view: one request implementation and one dataverse-ify client. */
interface Connection {
  readonly request: ScopedNodeWebApiRequest;
  readonly api: WebApiBase;
}

export class DataverseClient {
  private readonly connection: Connection;

  constructor(
    private readonly config: DataverseClientConfig,
    private readonly callScope: DataverseCallScope = {},
    connection?: Connection,
  ) {
    if (connection !== undefined) {
      this.connection = connection;
    } else {
      const request = new ScopedNodeWebApiRequest(config.url, config.apiVersion ?? "9.2", config.accessToken);
      this.connection = { request, api: new WebApiBase(request) };
    }
  }

  private get api(): WebApiBase {
    return this.connection.api;
  }

  /** The degree of parallelism Dataverse last recommended (`x-ms-dop-hint`), once it answered. */
  get recommendedParallelism(): number | undefined {
    return this.connection.request.recommendedParallelism;
  }

  /** The same client whose calls carry a correlation id and/or a SharedVariables tag. */
  scoped(scope: DataverseCallScope): DataverseClient {
    return new DataverseClient(this.config, { ...this.callScope, ...scope }, this.connection);
  }

  private call<T>(work: () => Promise<T>): Promise<T> {
    return this.connection.request.scope.run(this.callScope, work);
  }

  private get queryTarget(): QueryTarget {
    const apiRoot = `${this.config.url.replace(/\/+$/, "")}/api/data/v${this.config.apiVersion ?? "9.2"}/`;
    return { request: this.connection.request, scope: this.callScope, apiRoot };
  }

  /** Every page of a query, one page at a time (`@odata.nextLink` followed). */
  pages(table: TableDefinition, columns: readonly string[], options: QueryOptions = {}): AsyncGenerator<FoundRow[]> {
    const target = this.queryTarget;
    return pagesFrom(target, table, queryUrl(target, table, columns, options), options.pageSize);
  }

  /** Every row of a query (use `pages` for large tables). */
  async all(table: TableDefinition, columns: readonly string[], options: QueryOptions = {}): Promise<FoundRow[]> {
    const rows: FoundRow[] = [];
    for await (const page of this.pages(table, columns, options)) rows.push(...page);
    return rows;
  }

  /** The rows whose two lookups are one of `pairs`, read in `$batch` requests (`dataverse-queries.ts`). */
  findByLookupPairs(
    table: TableDefinition,
    lookups: readonly [string, string],
    pairs: readonly (readonly [string, string])[],
    columns: readonly string[],
  ): Promise<FoundRow[]> {
    return findByLookupPairs(this.queryTarget, table, lookups, pairs, columns);
  }

  /** CreateMultiple: the rows in one request and one transaction; the new ids in order. */
  createMultiple(table: TableDefinition, records: readonly Readonly<DataverseRecord>[]): Promise<string[]> {
    return createMultiple(this.queryTarget, table, records);
  }

  /** UpdateMultiple: each row by its id, in one request and one transaction. */
  updateMultiple(
    table: TableDefinition,
    rows: readonly { readonly id: string; readonly record: Readonly<DataverseRecord> }[],
  ): Promise<void> {
    return updateMultiple(this.queryTarget, table, rows);
  }

  async retrieve(table: TableDefinition, id: string, columns: readonly string[]): Promise<DataverseRecord | undefined> {
    try {
      const row = await this.call(() =>
        this.api.retrieveRecord(table.logicalName, id, `?$select=${selectOf(table, columns)}`),
      );
      return fromWebApiRow(table, withIsoDates(row as Record<string, unknown>));
    } catch (error) {
      if (error instanceof DataverseRequestError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** The first row whose columns equal `key` (an alternate key's columns, typically). */
  async findByKey(table: TableDefinition, key: KeyValues, columns: readonly string[]): Promise<FoundRow | undefined> {
    const result = await this.call(() =>
      this.api.retrieveMultipleRecords(
        table.logicalName,
        `?$select=${selectOf(table, columns)}&$filter=${encodeURIComponent(filterOf(table, key))}&$top=1`,
      ),
    );
    const first = result.entities[0] as Record<string, unknown> | undefined;
    return first === undefined ? undefined : foundRow(table, first);
  }

  /** Every row whose columns equal `key` (up to the Web API's page of 5,000). */
  async findAll(table: TableDefinition, key: KeyValues, columns: readonly string[]): Promise<FoundRow[]> {
    const result = await this.call(() =>
      this.api.retrieveMultipleRecords(
        table.logicalName,
        `?$select=${selectOf(table, columns)}&$filter=${encodeURIComponent(filterOf(table, key))}`,
      ),
    );
    return (result.entities as Record<string, unknown>[]).map((row) => foundRow(table, row));
  }

  async create(table: TableDefinition, record: Readonly<DataverseRecord>): Promise<string> {
    const created = await this.call(() =>
      this.api.createRecord(table.logicalName, toWebApiBody(table, record, "create")),
    );
    return created.id;
  }

  /**
   * Updates an existing row. A PATCH by id is an upsert in Dataverse, so a row deleted meanwhile
   * would be re-created from the changed columns alone (or refused for a missing required column);
   * `If-Match: *` makes it a 404 the caller can handle instead.
   */
  async update(table: TableDefinition, id: string, record: Readonly<DataverseRecord>): Promise<void> {
    await this.connection.request.scope.run({ ...this.callScope, updateOnly: true }, () =>
      this.api.updateRecord(table.logicalName, id, toWebApiBody(table, record, "update")),
    );
  }

  /**
   * Creates or updates the row with this alternate key. Key columns are left out of the body: they
   * are in the URL, and a create-only key column (the company) may not be "changed" on update.
   */
  async upsertByKey(
    table: TableDefinition,
    key: KeyValues,
    record: Readonly<DataverseRecord>,
    expected?: DataverseCallScope["expected"],
  ): Promise<void> {
    const body = toWebApiBody(table, withoutKeys(record, key), "update");
    await this.connection.request.scope.run(
      expected === undefined ? this.callScope : { ...this.callScope, expected },
      () => this.api.updateRecord(table.logicalName, keyParts(table, key).join(","), body),
    );
  }

  async delete(table: TableDefinition, id: string): Promise<void> {
    await this.call(() => this.api.deleteRecord(table.logicalName, id));
  }
}

function withoutKeys(record: Readonly<DataverseRecord>, key: KeyValues): DataverseRecord {
  const rest: Record<string, DataverseValue> = {};
  for (const [column, value] of Object.entries(record)) {
    if (column in key) continue;
    rest[column] = isEntityReference(value) ? { id: value.id, logicalName: value.logicalName } : value;
  }
  return rest;
}
