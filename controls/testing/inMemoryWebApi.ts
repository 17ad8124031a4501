/**
 * The one in-memory Dataverse for unit tests: `context.webAPI` in the controls' tests, the
 * screenshot page and the benchmark, and `Xrm.WebApi` in the form scripts' tests
 * (forms/__tests__/xrm-web-api.ts). It answers the way Dataverse does where the callers can tell: `$select` projection
 * (plus the primary id and the selected columns' annotations), `$filter` with the offline-safe
 * operators only (anything else throws, see offlineFilter.ts), `$orderby`, `$top`, pages of at most
 * 5000 rows with a `nextLink`, a 404-like error for a missing row, creates, updates and deletes, and
the `RetrieveEnvironmentVariableValue` function. Every request is recorded
 * with the size of the JSON the server would have sent.
 */
import type { RetrieveMultipleResult, WebApiEntity, WebApiReader } from "../shared/services/webApi";
import { compileOfflineFilter } from "./offlineFilter";

export interface RecordedRequest {
  readonly operation:
    | "retrieveMultipleRecords"
    | "retrieveRecord"
    | "createRecord"
    | "updateRecord"
    | "deleteRecord"
    | "RetrieveEnvironmentVariableValue";
  readonly table: string;
  readonly options: string;
  readonly rows: number;
  /** Length of the response body as Dataverse would serialize it. */
  readonly bytes: number;
}

/** Dataverse's page size limit: a request for more gets this many and a nextLink. */
export const serverPageLimit = 5000;

interface ParsedOptions {
  readonly select: readonly string[] | null;
  readonly filter: string | null;
  readonly orderBy: readonly { column: string; descending: boolean }[];
  readonly top: number | null;
  readonly skip: number;
}

function parseOptions(options: string | undefined): ParsedOptions {
  const query = new Map<string, string>();
  for (const part of (options ?? "").replace(/^\?/, "").split("&")) {
    if (part === "") continue;
    const equals = part.indexOf("=");
    const name = equals < 0 ? part : part.slice(0, equals);
    // A server decodes the query string before it parses OData: literals arrive percent-encoded.
    query.set(name, decodeURIComponent(equals < 0 ? "" : part.slice(equals + 1)));
  }
  const known = new Set(["$select", "$filter", "$orderby", "$top", "$skiptoken"]);
  for (const name of query.keys()) {
    if (!known.has(name)) {
      throw new Error(`Query option not supported here: ${name}`);
    }
  }
  const select = query.get("$select");
  const top = query.get("$top");
  return {
    select: select ? select.split(",").map((column) => column.trim()) : null,
    filter: query.get("$filter") ?? null,
    orderBy: (query.get("$orderby") ?? "")
      .split(",")
      .filter((term) => term.trim() !== "")
      .map((term) => {
        const [column = "", direction] = term.trim().split(/\s+/);
        return { column, descending: direction === "desc" };
      }),
    top: top === undefined ? null : Number(top),
    skip: Number(query.get("$skiptoken") ?? 0),
  };
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase().localeCompare(b.toLowerCase());
  return Number(a) - Number(b);
}

export class WebApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export class InMemoryWebApi implements WebApiReader {
  readonly requests: RecordedRequest[] = [];
  private readonly tables = new Map<string, WebApiEntity[]>();
  private readonly columns = new Map<string, Set<string>>();
  private readonly failing = new Map<string, Error>();
  private created = 0;

  constructor(tables: Readonly<Record<string, readonly WebApiEntity[]>> = {}) {
    for (const [table, rows] of Object.entries(tables)) {
      this.setRows(table, rows);
    }
  }

  /** Replaces a table's rows. */
  setRows(table: string, rows: readonly WebApiEntity[]): void {
    this.tables.set(table, [...rows]);
    // The table's columns: every name any of its rows carries (annotations aside).
    const columns = new Set([`${table}id`]);
    for (const row of rows) {
      for (const name of Object.keys(row)) {
        columns.add(name.split("@")[0] ?? name);
      }
    }
    this.columns.set(table, columns);
  }

  /** Makes every request for `table` fail with `error` (offline profile without it, no privilege). */
  failRequestsFor(table: string, error: Error): void {
    this.failing.set(table, error);
  }

  restore(table: string): void {
    this.failing.delete(table);
  }

  requestsFor(table: string): RecordedRequest[] {
    return this.requests.filter((request) => request.table === table);
  }

  retrieveMultipleRecords(table: string, options?: string, maxPageSize?: number): Promise<RetrieveMultipleResult> {
    return Promise.resolve().then(() => {
      this.throwIfFailing(table);
      const parsed = parseOptions(options);
      this.checkSelect(table, parsed.select);
      const predicate = parsed.filter ? compileOfflineFilter(parsed.filter) : () => true;
      let rows = (this.tables.get(table) ?? []).filter((row) => predicate(row));
      if (parsed.orderBy.length > 0) {
        rows = [...rows].sort((a, b) => {
          for (const { column, descending } of parsed.orderBy) {
            const difference = compareValues(a[column], b[column]);
            if (difference !== 0) return descending ? -difference : difference;
          }
          return 0;
        });
      }
      if (parsed.top !== null) {
        rows = rows.slice(0, parsed.top);
      }
      const pageSize = Math.min(maxPageSize ?? serverPageLimit, serverPageLimit);
      const page = rows.slice(parsed.skip, parsed.skip + pageSize).map(this.projection(table, parsed.select));
      const more = parsed.skip + pageSize < rows.length;
      const nextLink = more
        ? `${options?.replace(/&?\$skiptoken=\d+/, "") ?? "?"}&$skiptoken=${parsed.skip + pageSize}`
        : undefined;
      const body = {
        "@odata.context": `$metadata#${table}`,
        value: page,
        ...(nextLink ? { "@odata.nextLink": nextLink } : {}),
      };
      this.requests.push({
        operation: "retrieveMultipleRecords",
        table,
        options: options ?? "",
        rows: page.length,
        bytes: JSON.stringify(body).length,
      });
      return nextLink ? { entities: page, nextLink } : { entities: page };
    });
  }

  retrieveRecord(table: string, id: string, options?: string): Promise<WebApiEntity> {
    return Promise.resolve().then(() => {
      this.throwIfFailing(table);
      const parsed = parseOptions(options);
      this.checkSelect(table, parsed.select);
      const row = this.existing(table, id);
      const projected = this.projection(table, parsed.select)(row);
      this.requests.push({
        operation: "retrieveRecord",
        table,
        options: options ?? "",
        rows: 1,
        bytes: JSON.stringify(projected).length,
      });
      return projected;
    });
  }

  /**
   * The `RetrieveEnvironmentVariableValue` function (PA `data-platform/webapi/reference/retrieveenvironmentvariablevalue.md`):
   * the variable's current value row, else its definition's default; an unknown schema name is an
   * error. Form scripts call it through `Xrm.WebApi.online.execute`; `context.webAPI` cannot.
   */
  retrieveEnvironmentVariableValue(schemaName: string): Promise<string> {
    return Promise.resolve().then(() => {
      this.throwIfFailing("environmentvariabledefinition");
      const definition = (this.tables.get("environmentvariabledefinition") ?? []).find(
        (row) => row.schemaname === schemaName,
      );
      if (definition === undefined) {
        throw new WebApiError(`Environment variable definition ${schemaName} not found.`, 404);
      }
      const id = String(definition.environmentvariabledefinitionid).toLowerCase();
      const current = (this.tables.get("environmentvariablevalue") ?? []).find(
        (row) => String(row._environmentvariabledefinitionid_value).toLowerCase() === id,
      );
      const value = current === undefined ? definition.defaultvalue : current.value;
      const text = typeof value === "string" ? value : "";
      this.record("RetrieveEnvironmentVariableValue", "environmentvariabledefinition", schemaName, 1, text.length);
      return text;
    });
  }

  /** Creates a row; its id is the one given in `${table}id`, else a new one. */
  createRecord(table: string, data: Readonly<Record<string, unknown>>): Promise<ComponentFramework.LookupValue> {
    return Promise.resolve().then(() => {
      this.throwIfFailing(table);
      const key = `${table}id`;
      const given = data[key];
      const id = typeof given === "string" ? given : this.newId();
      if (this.find(table, id) !== undefined) {
        throw new WebApiError(`A record with matching key values already exists.`, 412);
      }
      this.setRows(table, [...(this.tables.get(table) ?? []), { ...data, [key]: id }]);
      this.record("createRecord", table, id, 1, JSON.stringify(data).length);
      return { entityType: table, id };
    });
  }

  updateRecord(
    table: string,
    id: string,
    data: Readonly<Record<string, unknown>>,
  ): Promise<ComponentFramework.LookupValue> {
    return Promise.resolve().then(() => {
      this.throwIfFailing(table);
      const row = this.existing(table, id);
      const rows = (this.tables.get(table) ?? []).map((candidate) =>
        candidate === row ? { ...row, ...data } : candidate,
      );
      this.setRows(table, rows);
      this.record("updateRecord", table, id, 1, JSON.stringify(data).length);
      return { entityType: table, id: String(row[`${table}id`]) };
    });
  }

  deleteRecord(table: string, id: string): Promise<ComponentFramework.LookupValue> {
    return Promise.resolve().then(() => {
      this.throwIfFailing(table);
      const row = this.existing(table, id);
      this.setRows(
        table,
        (this.tables.get(table) ?? []).filter((candidate) => candidate !== row),
      );
      this.record("deleteRecord", table, id, 1, 0);
      return { entityType: table, id: String(row[`${table}id`]) };
    });
  }

  /** Ids of created rows: deterministic, so tests can name them. */
  private newId(): string {
    this.created += 1;
    return `00000000-0000-4000-8000-${this.created.toString(16).padStart(12, "0")}`;
  }

  private find(table: string, id: string): WebApiEntity | undefined {
    const key = `${table}id`;
    const wanted = id.replace(/[{}]/g, "").toLowerCase();
    return (this.tables.get(table) ?? []).find((candidate) => String(candidate[key]).toLowerCase() === wanted);
  }

  /** The row, or the error Dataverse answers for a missing one (404). */
  private existing(table: string, id: string): WebApiEntity {
    const row = this.find(table, id);
    if (!row) {
      throw new WebApiError(`${table} With Id = ${id} Does Not Exist`, 404);
    }
    return row;
  }

  private record(
    operation: RecordedRequest["operation"],
    table: string,
    options: string,
    rows: number,
    bytes: number,
  ): void {
    this.requests.push({ operation, table, options, rows, bytes });
  }

  private throwIfFailing(table: string): void {
    const error = this.failing.get(table);
    if (error) {
      throw error;
    }
  }

  private checkSelect(table: string, select: readonly string[] | null): void {
    const known = this.columns.get(table);
    if (known === undefined || known.size <= 1) {
      return; // No rows to learn the columns from.
    }
    for (const column of select ?? []) {
      if (!known.has(column)) {
        throw new WebApiError(
          `Could not find a property named '${column}' on type 'Microsoft.Dynamics.CRM.${table}'.`,
          400,
        );
      }
    }
  }

  private projection(table: string, select: readonly string[] | null): (row: WebApiEntity) => WebApiEntity {
    if (select === null) {
      return (row) => ({ ...row });
    }
    const columns = new Set([...select, `${table}id`]);
    return (row) => this.project(columns, row);
  }

  private project(columns: ReadonlySet<string>, row: WebApiEntity): WebApiEntity {
    const projected: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(row)) {
      const column = name.split("@")[0] ?? name;
      if (columns.has(column)) {
        projected[name] = value;
      }
    }
    return projected;
  }
}
