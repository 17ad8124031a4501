/**
 * Dataverse in bulk, for the initial sync: every row of a table read a page at a time
 * (`Prefer: odata.maxpagesize`, following `@odata.nextLink` — Learn, "Page results"); writes sent
 * as the bulk messages CreateMultiple / UpdateMultiple (PA `developer/data-platform/bulk-operations.md`:
 * one request and one transaction for many rows of a table, all rolled back on any error), or as
 * `$batch` change sets, each committed or rolled back as a whole and naming the request that failed
 * (Learn, "Execute batch operations using the Web API").
 *
 * Our own steps: every write carries `MSCRM.BypassBusinessLogicExecution: CustomSync,CustomAsync`
 * when `bypassCustomLogic` is set (PA `developer/data-platform/bypass-custom-business-logic.md`;
 * the caller needs `prvBypassCustomBusinessLogic`), so no custom step runs for it — ours would only
 * drop each write as an echo. Every write URL also carries the echo `tag`, which Dataverse copies
 * into the plug-in context's SharedVariables: without the bypass, the live sync step recognises
 * these writes by it and leaves them alone.
 *
 * Parallel requests: Dataverse recommends a degree of parallelism in the `x-ms-dop-hint` header of
 * its responses (PA `developer/data-platform/send-parallel-requests.md`); `parallelism` is the last
 * one seen, capped by `maxParallelism`.
 *
 * Plain `fetch` rather than dataverse-ify (which the plug-ins use for single rows): a bulk run
 * needs what dataverse-ify hides — the `Retry-After` of a 429, and which request of a failed change
 * set failed (its `Content-ID`), so that row alone is reported and the rest are sent again.
 */
import { randomUUID } from "node:crypto";
import { type DataverseRecord, fromWebApiRow, toWebApiBody } from "@fsi/core/dataverse/record";
import type { TableDefinition } from "@fsi/core/dataverse/schema";
import type { FoundRow } from "../../services/dataverse-client";
import { type RetryPolicy, type ThrottleStats, defaultRetryPolicy, sendWithRetry } from "./http-retry";

export interface DataverseBulkConfig {
  /** The organization URL. */
  readonly url: string;
  readonly accessToken: () => Promise<string>;
  /** Copied into SharedVariables["tag"] of the plug-ins each write triggers. */
  readonly tag: string;
  readonly apiVersion?: string;
  /** Rows per page read; default 5,000 (Dataverse's largest page). */
  readonly pageSize?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Send writes with `MSCRM.BypassBusinessLogicExecution: CustomSync,CustomAsync` (see the header). */
  readonly bypassCustomLogic?: boolean;
  /** At most this many requests at once, whatever `x-ms-dop-hint` says; default 8. */
  readonly maxParallelism?: number;
}

/** The optional parameter that bypasses custom synchronous and asynchronous logic, as a Web API header. */
export const BYPASS_HEADER = { name: "MSCRM.BypassBusinessLogicExecution", value: "CustomSync,CustomAsync" } as const;

/** A bulk message's outcome: on a standard table every row is written, or none (no row is named). */
export type BulkOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly status: number; readonly message: string };

export type DataverseWrite =
  | { readonly kind: "create"; readonly table: TableDefinition; readonly record: Readonly<DataverseRecord> }
  | {
      readonly kind: "update";
      readonly table: TableDefinition;
      readonly id: string;
      readonly record: Readonly<DataverseRecord>;
      readonly ifMatch?: string;
    };

export type ChangeSetOutcome =
  | { readonly ok: true }
  /** `index`: the write that failed (the change set rolled back), or -1 when the whole request was refused. */
  | { readonly ok: false; readonly index: number; readonly status: number; readonly message: string };

/** Dataverse refused a read (not a row's write): the run cannot go on. */
export class DataverseBulkError extends Error {
  override readonly name = "DataverseBulkError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface ODataPage {
  readonly value?: unknown;
  readonly "@odata.nextLink"?: unknown;
}

export class DataverseBulkClient {
  readonly throttling: ThrottleStats = { throttled: 0, waitedMs: 0 };
  private readonly apiRoot: string;
  private readonly retry: RetryPolicy;
  private dopHint = 1;

  constructor(private readonly config: DataverseBulkConfig) {
    this.apiRoot = `${config.url.replace(/\/+$/, "")}/api/data/v${config.apiVersion ?? "9.2"}/`;
    this.retry = { ...defaultRetryPolicy, ...config.retry };
  }

  /** Every row of the table with these columns (the primary id always), page by page. */
  async readAll(
    table: TableDefinition,
    columns: readonly string[],
    onPage?: (rowsSoFar: number) => void,
  ): Promise<FoundRow[]> {
    const select = [table.primaryIdAttribute, ...columns.filter((column) => column !== table.primaryIdAttribute)]
      .filter((column) => table.columns[column] !== undefined)
      .map((column) => (table.columns[column]?.type === "lookup" ? `_${column}_value` : column));
    let url: string | undefined = `${this.apiRoot}${table.entitySetName}?$select=${select.join(",")}`;
    const rows: FoundRow[] = [];
    while (url !== undefined) {
      const response = await this.send("GET", url, {
        accept: "application/json",
        // The lookup's table rides along, for lookups that may point to several tables.
        prefer: `odata.maxpagesize=${this.config.pageSize ?? 5000},odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname"`,
      });
      const text = await response.text();
      if (response.status !== 200)
        throw new DataverseBulkError(
          response.status,
          `Dataverse refused to read ${table.entitySetName}: ${errorMessage(text) ?? `HTTP ${response.status}`}`,
        );
      const page = JSON.parse(text) as ODataPage;
      if (!Array.isArray(page.value))
        throw new DataverseBulkError(
          response.status,
          `Dataverse answered a page of ${table.entitySetName} without a value array.`,
        );
      for (const row of page.value as Record<string, unknown>[]) {
        const id = row[table.primaryIdAttribute];
        if (typeof id === "string") rows.push({ id: id.toLowerCase(), record: fromWebApiRow(table, row) });
      }
      onPage?.(rows.length);
      const next = page["@odata.nextLink"];
      url = typeof next === "string" ? next : undefined;
    }
    return rows;
  }

  /** How many requests to keep in flight: Dataverse's last `x-ms-dop-hint`, capped. */
  get parallelism(): number {
    return Math.max(1, Math.min(this.dopHint, this.config.maxParallelism ?? 8));
  }

  /** CreateMultiple: the rows (each may carry its id) in one request and one transaction. */
  async createMultiple(table: TableDefinition, records: readonly Readonly<DataverseRecord>[]): Promise<BulkOutcome> {
    return this.bulk(
      table,
      "CreateMultiple",
      records.map((record) => toWebApiBody(table, record, "create")),
    );
  }

  /** UpdateMultiple: each row named by its id; every row must exist (no upsert). */
  async updateMultiple(
    table: TableDefinition,
    rows: readonly { readonly id: string; readonly record: Readonly<DataverseRecord> }[],
  ): Promise<BulkOutcome> {
    return this.bulk(
      table,
      "UpdateMultiple",
      rows.map((row) => ({ ...toWebApiBody(table, row.record, "update"), [table.primaryIdAttribute]: row.id })),
    );
  }

  private async bulk(
    table: TableDefinition,
    message: "CreateMultiple" | "UpdateMultiple",
    bodies: readonly Record<string, unknown>[],
  ): Promise<BulkOutcome> {
    if (bodies.length === 0) return { ok: true };
    // Learn: "You must set the @odata.type property for each item in the Targets parameter."
    const targets = bodies.map((body) => ({ "@odata.type": `Microsoft.Dynamics.CRM.${table.logicalName}`, ...body }));
    const response = await this.send(
      "POST",
      `${this.apiRoot}${table.entitySetName}/Microsoft.Dynamics.CRM.${message}?tag=${encodeURIComponent(this.config.tag)}`,
      { accept: "application/json", "content-type": "application/json; charset=utf-8", ...this.bypassHeaders() },
      JSON.stringify({ Targets: targets }),
    );
    const text = await response.text();
    if (response.status >= 200 && response.status < 300) return { ok: true };
    return { ok: false, status: response.status, message: errorMessage(text) ?? `HTTP ${response.status}` };
  }

  private bypassHeaders(): Record<string, string> {
    return this.config.bypassCustomLogic === true ? { [BYPASS_HEADER.name]: BYPASS_HEADER.value } : {};
  }

  /** Sends the writes as one change set: all are committed, or none and the failed one is named. */
  async changeSet(writes: readonly DataverseWrite[]): Promise<ChangeSetOutcome> {
    if (writes.length === 0) return { ok: true };
    const batch = `batch_${randomUUID()}`;
    const changeSet = `changeset_${randomUUID()}`;
    const lines: string[] = [`--${batch}`, `Content-Type: multipart/mixed; boundary=${changeSet}`, ""];
    writes.forEach((write, index) => {
      const path = write.kind === "create" ? write.table.entitySetName : `${write.table.entitySetName}(${write.id})`;
      const body = toWebApiBody(write.table, write.record, write.kind);
      lines.push(
        `--${changeSet}`,
        "Content-Type: application/http",
        "Content-Transfer-Encoding: binary",
        `Content-ID: ${index + 1}`,
        "",
        `${write.kind === "create" ? "POST" : "PATCH"} ${this.apiRoot}${path}?tag=${encodeURIComponent(this.config.tag)} HTTP/1.1`,
        "Content-Type: application/json; type=entry",
        // Each part carries the bypass: a part is a request of its own.
        ...Object.entries(this.bypassHeaders()).map(([name, value]) => `${name}: ${value}`),
        // An update must not create a row that was deleted meanwhile (PATCH alone would upsert).
        ...(write.kind === "update" ? [`If-Match: ${write.ifMatch ?? "*"}`] : []),
        "",
        JSON.stringify(body),
      );
    });
    lines.push(`--${changeSet}--`, `--${batch}--`, "");
    const response = await this.send(
      "POST",
      `${this.apiRoot}$batch`,
      { accept: "application/json", "content-type": `multipart/mixed; boundary=${batch}`, ...this.bypassHeaders() },
      lines.join("\r\n"),
    );
    const text = await response.text();
    if (response.status >= 200 && response.status < 300) {
      const failure = parseBatchResponse(text).find((part) => part.status >= 400);
      if (failure === undefined) return { ok: true };
      return {
        ok: false,
        index: failure.contentId === undefined ? -1 : failure.contentId - 1,
        status: failure.status,
        message: failure.message,
      };
    }
    const parts = /^multipart\/mixed/i.test(response.headers.get("content-type") ?? "") ? parseBatchResponse(text) : [];
    const failed = parts.find((part) => part.status >= 400);
    if (failed !== undefined)
      return {
        ok: false,
        index: failed.contentId === undefined ? -1 : failed.contentId - 1,
        status: failed.status,
        message: failed.message,
      };
    return { ok: false, index: -1, status: response.status, message: errorMessage(text) ?? `HTTP ${response.status}` };
  }

  private async send(method: string, url: string, headers: Record<string, string>, body?: string): Promise<Response> {
    const response = await sendWithRetry(
      async () =>
        fetch(url, {
          method,
          headers: {
            ...headers,
            authorization: `Bearer ${await this.config.accessToken()}`,
            "odata-version": "4.0",
            "odata-maxversion": "4.0",
          },
          body,
        }),
      `Dataverse ${method} ${url.replace(this.apiRoot, "")}`,
      this.retry,
      this.throttling,
      // Reads are safe to repeat; a `$batch` of writes is not (see http-retry.ts).
      { idempotent: method === "GET" },
    );
    const hint = Number(response.headers.get("x-ms-dop-hint"));
    if (Number.isInteger(hint) && hint > 0) this.dopHint = hint;
    return response;
  }
}

interface BatchPartResponse {
  readonly contentId: number | undefined;
  readonly status: number;
  readonly message: string;
}

/**
 * The responses of a multipart batch response, in order: each part's `Content-ID`, status and
 * error message (when it has one). Nested change set responses are read the same way.
 */
export function parseBatchResponse(text: string): BatchPartResponse[] {
  const parts: BatchPartResponse[] = [];
  const normalized = text.replace(/\r\n/g, "\n");
  for (const chunk of normalized.split(/^--[^\n]+$/m)) {
    const status = /^HTTP\/1\.1 (\d{3})/m.exec(chunk);
    if (status?.[1] === undefined) continue;
    const contentId = /^Content-ID:\s*(\d+)/im.exec(chunk.slice(0, status.index))?.[1];
    const afterStatus = chunk.slice(status.index);
    const bodyStart = afterStatus.indexOf("\n\n");
    const body = bodyStart < 0 ? "" : afterStatus.slice(bodyStart + 2).trim();
    const code = Number(status[1]);
    parts.push({
      contentId: contentId === undefined ? undefined : Number(contentId),
      status: code,
      message: code >= 400 ? (errorMessage(body) ?? "") : "",
    });
  }
  return parts;
}

/** `{ "error": { "message" } }`, Dataverse's error body. */
function errorMessage(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } };
    return typeof parsed.error?.message === "string" ? parsed.error.message : undefined;
  } catch {
    return text === "" ? undefined : text.slice(0, 500);
  }
}
