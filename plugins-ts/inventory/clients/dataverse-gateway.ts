/**
 * Dataverse as the inventory flows use it: the shared `DataverseClient` (services/) for single-row
 * reads and writes, plus paged queries, which that client does not offer. Both go through one
 * `ScopedNodeWebApiRequest`, so tokens, correlation ids (joining a synchronous step's transaction)
 * and the echo `tag` work the same for every call.
 */
import { WebApiBase } from "dataverse-ify/lib/webapi/WebApiBase";
import { type DataverseRecord, fromWebApiRow } from "../../../core/dataverse/record";
import type { TableDefinition } from "../../../core/dataverse/schema";
import { DataverseClient, type DataverseClientConfig } from "../../services/dataverse-client";
import { type DataverseCallScope, DataverseRequestError, ScopedNodeWebApiRequest } from "../../services/dataverse-request";

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
  async *pages(table: TableDefinition, columns: readonly string[], options: QueryOptions = {}): AsyncGenerator<QueriedRow[]> {
    const select = [table.primaryIdAttribute, ...columns.filter((column) => column !== table.primaryIdAttribute)].map((column) => webApiProperty(table, column));
    const query = new URLSearchParams({ $select: select.join(",") });
    if (options.filter !== undefined) query.set("$filter", options.filter);
    if (options.orderBy !== undefined) query.set("$orderby", options.orderBy);
    if (options.top !== undefined) query.set("$top", String(options.top));
    const base = this.config.url.replace(/\/+$/, "");
    let next: string | undefined = `${base}/api/data/v${this.config.apiVersion ?? "9.2"}/${table.entitySetName}?${query.toString().replaceAll("+", "%20")}`;
    const headers = { accept: "application/json", "odata-version": "4.0", prefer: `odata.maxpagesize=${options.pageSize ?? 5000},odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname"` };
    while (next !== undefined) {
      const url: string = next;
      const response = await this.request.scope.run(this.scope, () => this.request.send("GET", url, headers));
      const body = JSON.parse(response.body ?? "{}") as { value?: Record<string, unknown>[]; "@odata.nextLink"?: string };
      yield (body.value ?? []).map((row) => {
        const id = row[table.primaryIdAttribute];
        if (typeof id !== "string") throw new DataverseRequestError(200, "MISSING_ID", `Dataverse returned a ${table.logicalName} row without ${table.primaryIdAttribute}.`);
        return { id, record: fromWebApiRow(table, row) };
      });
      next = body["@odata.nextLink"];
    }
  }

  /** Every row of a query (use `pages` for large tables). */
  async all(table: TableDefinition, columns: readonly string[], options: QueryOptions = {}): Promise<QueriedRow[]> {
    const rows: QueriedRow[] = [];
    for await (const page of this.pages(table, columns, options)) rows.push(...page);
    return rows;
  }
}
