/**
 * A typed client for SCM (finance and operations): OData data entities under `/data/<Collection>`
 * addressed by their composite key (`Warehouses(dataAreaId='usmf',WarehouseId='11')`), `$batch`
 * changesets, paged collection reads across companies, the inventory document services
 * (`core/scm/inventory-services.ts`: post an inventory journal, create a sales order) and the
 * optional validation custom service. Every call:
 * - carries a bearer token from the one token provider of the SCM resource (`accessToken`: cached
 *   and refreshed by its owner; called per request, so a refreshed token is picked up);
 * - has a timeout (a synchronous Dataverse step waits at most 60 s for the whole plug-in);
 * - is retried once on 502/503/504, like Dataverse retries a webhook (a gateway hiccup), and once
 *   on 429 after the `Retry-After` SCM asks for, when that wait fits `maxRetryAfterMs` (UO
 *   `data-entities/priority-based-throttling.md`).
 * Failures are typed: `ScmUnavailableError` (no usable answer) and `ScmRejectedError` (SCM
 * refused the data, with its field errors read from the infolog, core/scm/odata-errors.ts).
 */
import {
  type BatchRequest,
  type BatchResponse,
  formatBatchRequest,
  parseBatchResponse,
} from "@fsi/core/scm/odata-batch";
import { parseScmErrorBody } from "@fsi/core/scm/odata-errors";
import type { ScmEntityDefinition, ScmKey, ScmRow } from "@fsi/core/scm/schema";
import {
  SCM_VALIDATION_SERVICE_PATH,
  type ScmValidationRequest,
  type ScmValidationResponse,
  scmValidationResponseSchema,
} from "@fsi/core/scm/validation-service";
import type { ScmFieldError } from "@fsi/core/maps/scm-errors";
import {
  SCM_CREATE_SALES_ORDER_PATH,
  SCM_POST_INVENTORY_JOURNAL_PATH,
  type CreateSalesOrderRequest,
  type CreateSalesOrderResponse,
  type PostInventoryJournalRequest,
  type PostInventoryJournalResponse,
  createSalesOrderResponseSchema,
  postInventoryJournalResponseSchema,
  scmDocumentFaultSchema,
} from "@fsi/core/scm/inventory-services";
import type { z } from "zod";
import { retryAfterMs } from "../http-kit/retry-after";

export interface ScmClientConfig {
  /** The environment URL: `https://contoso.operations.dynamics.com`, or the sandbox's `<origin>/scm`. */
  readonly url: string;
  /** The SCM user the integration's token belongs to; named when SCM refuses it (401, 403). */
  readonly integrationUser: string;
  /** Per attempt; default 15 s. */
  readonly timeoutMs?: number;
  /**
   * The token provider of the SCM resource (Entra ID client credentials in production: one
   * provider per resource, caching and refreshing its token); none in the sandbox.
   */
  readonly accessToken?: () => Promise<string>;
  /** Pause before the single retry; default 250 ms. */
  readonly retryDelayMs?: number;
  /** Longest `Retry-After` of a 429 worth waiting for before the single retry; default 5 s. */
  readonly maxRetryAfterMs?: number;
}

/** A read of a collection across companies (`pages`, `page`). */
export interface ScmQuery {
  readonly filter?: string;
  readonly orderBy?: string;
  readonly select?: readonly string[];
  /** At most this many rows (one page). */
  readonly top?: number;
  /** Ask for `@odata.count` on the first page. */
  readonly count?: boolean;
}

export interface ScmPage {
  readonly rows: ScmRow[];
  /** The total, when asked for. */
  readonly count?: number;
}

/** What a changeset validation found: SCM's own errors for the write, none when SCM would accept it. */
export interface ChangesetValidation {
  readonly errors: readonly ScmFieldError[];
}

export class ScmUnavailableError extends Error {
  override readonly name = "ScmUnavailableError";
  readonly code = "SCM_UNAVAILABLE";
  constructor(
    message: string,
    /** The last HTTP status, or 0 when nothing answered. */
    readonly status: number,
    /**
     * A write that got no answer (timed out, or the connection dropped after it was sent): SCM may
     * have applied it all the same, so the caller cannot assume nothing changed.
     */
    readonly maybeApplied = false,
    /** A throttled request: how long SCM asked the caller to wait. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** A write of a changeset: a create, or an update by key. */
export type ScmWrite =
  | { readonly kind: "create"; readonly entity: ScmEntityDefinition; readonly row: Readonly<ScmRow> }
  | {
      readonly kind: "update";
      readonly entity: ScmEntityDefinition;
      readonly key: ScmKey;
      readonly changes: Readonly<ScmRow>;
    };

/** `index`: the write that failed (the changeset rolled back), or -1 when no part names it. */
export type ChangesetOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly index: number; readonly status: number; readonly message: string };

export class ScmRejectedError extends Error {
  override readonly name = "ScmRejectedError";
  readonly code = "SCM_REJECTED";
  constructor(
    message: string,
    readonly status: number,
    /** SCM's field-level errors, when it gave them. */
    readonly fieldErrors: readonly ScmFieldError[],
  ) {
    super(message);
  }
}

const RETRIED_STATUSES = new Set([502, 503, 504]);

/**
 * The changeset validation's closing request: the DELETE of a row that cannot exist (its key is
 * longer than any SCM key field allows), so it fails with 404 after SCM has run every check of the
 * write before it — and SCM rolls the whole changeset back. Ending a changeset with a request that
 * must fail to validate without writing is our inference from the changeset's all-or-nothing
 * semantics (UO `data-entities/odata.md`), not a documented feature.
 */
const SENTINEL_KEY_VALUE = "fsi-validation-rollback-sentinel-0000000000000000";
const WRITE_CONTENT_ID = "1";
const SENTINEL_CONTENT_ID = "2";

/** An OData key segment: `dataAreaId='usmf',WarehouseId='11'` (quotes doubled, as OData escapes them). */
export function keySegment(entity: ScmEntityDefinition, key: ScmKey): string {
  return entity.keys
    .map((field) => {
      const value = key[field];
      if (value === undefined) throw new Error(`${entity.collection} key ${field} is missing.`);
      return `${field}='${encodeURIComponent(value.replaceAll("'", "''"))}'`;
    })
    .join(",");
}

/** The key of a row: its key fields, in the entity's key order. */
export function keyOf(entity: ScmEntityDefinition, row: Readonly<ScmRow>): ScmKey | undefined {
  const key: Record<string, string> = {};
  for (const field of entity.keys) {
    const value = row[field];
    if (typeof value !== "string" || value === "") return undefined;
    key[field] = value;
  }
  return key;
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly contentType?: string;
  readonly retryAfterMs?: number;
}

export class ScmClient {
  private readonly base: string;

  constructor(private readonly config: ScmClientConfig) {
    this.base = config.url.replace(/\/+$/, "");
  }

  /** The row with this key, or undefined when SCM has none (404). */
  async getRow(entity: ScmEntityDefinition, key: ScmKey): Promise<ScmRow | undefined> {
    const reply = await this.send("GET", this.rowUrl(entity, key));
    if (reply.status === 404) return undefined;
    this.expectSuccess(reply, `read ${entity.collection}`);
    return reply.body as ScmRow;
  }

  /** The rows matching an OData `$filter` across companies, first page only (up to `top`). */
  async findRows(entity: ScmEntityDefinition, filter: string, top = 100): Promise<ScmRow[]> {
    const reply = await this.send(
      "GET",
      `${this.base}/data/${entity.collection}?cross-company=true&$filter=${encodeURIComponent(filter)}&$top=${top}`,
    );
    this.expectSuccess(reply, `read ${entity.collection}`);
    const value = asRecord(reply.body)?.value;
    return Array.isArray(value) ? (value as ScmRow[]) : [];
  }

  async createRow(entity: ScmEntityDefinition, row: Readonly<ScmRow>): Promise<void> {
    const reply = await this.send("POST", `${this.base}/data/${entity.collection}`, row, true);
    this.expectSuccess(reply, `create ${entity.collection}`);
  }

  async updateRow(entity: ScmEntityDefinition, key: ScmKey, changes: Readonly<ScmRow>): Promise<void> {
    const reply = await this.send("PATCH", this.rowUrl(entity, key), changes, true);
    this.expectSuccess(reply, `update ${entity.collection}`);
  }

  /** Deletes the row; true when it existed (a repeated delete is not an error). */
  async deleteRow(entity: ScmEntityDefinition, key: ScmKey): Promise<boolean> {
    const reply = await this.send("DELETE", this.rowUrl(entity, key), undefined, true);
    if (reply.status === 404) return false;
    this.expectSuccess(reply, `delete ${entity.collection}`);
    return true;
  }

  /**
   * Every row of the entity across companies (or of one company's), following `@odata.nextLink`
   * pages (F&O serves at most 10,000 rows a page).
   */
  async *listRows(entity: ScmEntityDefinition, company?: string): AsyncGenerator<ScmRow> {
    const filter =
      company === undefined ? "" : `&$filter=${encodeURIComponent(`dataAreaId eq '${company.replaceAll("'", "''")}'`)}`;
    let next: string | undefined = `${this.base}/data/${entity.collection}?cross-company=true${filter}`;
    while (next !== undefined) {
      const reply = await this.send("GET", next);
      this.expectSuccess(reply, `read ${entity.collection}`);
      const page = asRecord(reply.body);
      const rows = Array.isArray(page?.value) ? (page.value as ScmRow[]) : [];
      for (const row of rows) yield row;
      next = typeof page?.["@odata.nextLink"] === "string" ? page["@odata.nextLink"] : undefined;
    }
  }

  /** The first page of a query across companies (with `top`, exactly the rows asked for). */
  async page(entity: ScmEntityDefinition, query: ScmQuery = {}): Promise<ScmPage> {
    for await (const page of this.pages(entity, query)) return page;
    return { rows: [] };
  }

  /** Every page of a query across companies, `@odata.nextLink` followed. */
  async *pages(entity: ScmEntityDefinition, query: ScmQuery = {}): AsyncGenerator<ScmPage> {
    const params = new URLSearchParams({ "cross-company": "true" });
    if (query.filter !== undefined) params.set("$filter", query.filter);
    if (query.orderBy !== undefined) params.set("$orderby", query.orderBy);
    if (query.select !== undefined) params.set("$select", query.select.join(","));
    if (query.top !== undefined) params.set("$top", String(query.top));
    if (query.count === true) params.set("$count", "true");
    let next: string | undefined = `${this.base}/data/${entity.collection}?${params.toString().replaceAll("+", "%20")}`;
    while (next !== undefined) {
      const reply = await this.send("GET", next);
      this.expectSuccess(reply, `read ${entity.collection}`);
      const page = asRecord(reply.body);
      const count = page?.["@odata.count"];
      yield {
        rows: Array.isArray(page?.value) ? (page.value as ScmRow[]) : [],
        ...(typeof count === "number" ? { count } : {}),
      };
      next = typeof page?.["@odata.nextLink"] === "string" ? page["@odata.nextLink"] : undefined;
    }
  }

  /** Posts an inventory journal (movement or transfer); idempotent on `externalReference`. */
  postInventoryJournal(request: PostInventoryJournalRequest): Promise<PostInventoryJournalResponse> {
    return this.callDocumentService(
      SCM_POST_INVENTORY_JOURNAL_PATH,
      request,
      postInventoryJournalResponseSchema,
      "post the inventory journal",
    );
  }

  /** Creates a sales order; idempotent on `externalReference`. */
  createSalesOrder(request: CreateSalesOrderRequest): Promise<CreateSalesOrderResponse> {
    return this.callDocumentService(
      SCM_CREATE_SALES_ORDER_PATH,
      request,
      createSalesOrderResponseSchema,
      "create the sales order",
    );
  }

  /**
   * A document service call. A refusal comes as the service's fault (`Message`, and per line
   * `Info.errors` whose `field` is a path into the request, `lines[1].Quantity`); anything else is
   * read as an OData error.
   */
  private async callDocumentService<T>(path: string, request: unknown, schema: z.ZodType<T>, what: string): Promise<T> {
    const reply = await this.send("POST", `${this.base}${path}`, { _request: request }, true);
    const fault = scmDocumentFaultSchema.safeParse(reply.body);
    if (fault.success && (reply.status < 200 || reply.status >= 300)) {
      if (reply.status >= 500 || reply.status === 429)
        throw new ScmUnavailableError(
          `SCM could not ${what}: ${fault.data.Message}`,
          reply.status,
          false,
          reply.retryAfterMs,
        );
      throw new ScmRejectedError(
        `SCM refused to ${what}: ${fault.data.Message}`,
        reply.status,
        fault.data.Info?.errors ?? [],
      );
    }
    this.expectSuccess(reply, what);
    const parsed = schema.safeParse(reply.body);
    if (!parsed.success)
      throw new ScmUnavailableError(
        `SCM answered ${what} with a body that is not the service's reply: ${parsed.error.message}`,
        reply.status,
      );
    return parsed.data;
  }

  /**
   * SCM's own validation of a write, through standard OData only: a `$batch` changeset holding the
   * write (POST for a create, PATCH by key for an update) and then a request certain to fail, so
   * SCM runs its checks on the write (validateField, validateWrite) and rolls the whole changeset
   * back. Nothing is written. An update of a row SCM does not have yet is validated as its create.
   * Side effects SCM does not roll back (number sequences that are not continuous) are listed in
   * docs/design.md.
   */
  async validateInChangeset(
    entity: ScmEntityDefinition,
    operation: "create" | "update",
    key: ScmKey,
    row: Readonly<ScmRow>,
  ): Promise<ChangesetValidation> {
    const first = await this.changesetCheck(entity, operation, key, row);
    if (first.kind === "missing" && operation === "update") {
      const again = await this.changesetCheck(entity, "create", key, row);
      if (again.kind === "errors") return { errors: again.errors };
      if (again.kind === "missing")
        throw new ScmUnavailableError(
          `SCM answered 404 to the create of ${entity.collection}: the entity is not exposed.`,
          404,
        );
      return { errors: [] };
    }
    if (first.kind === "errors") return { errors: first.errors };
    if (first.kind === "missing")
      throw new ScmUnavailableError(
        `SCM answered 404 to the write of ${entity.collection}: the entity is not exposed.`,
        404,
      );
    return { errors: [] };
  }

  private async changesetCheck(
    entity: ScmEntityDefinition,
    operation: "create" | "update",
    key: ScmKey,
    row: Readonly<ScmRow>,
  ): Promise<{ kind: "accepted" } | { kind: "missing" } | { kind: "errors"; errors: ScmFieldError[] }> {
    const write: BatchRequest =
      operation === "create"
        ? { method: "POST", url: entity.collection, body: JSON.stringify(row), contentId: WRITE_CONTENT_ID }
        : {
            method: "PATCH",
            url: `${entity.collection}(${keySegment(entity, key)})`,
            body: JSON.stringify(withoutKey(entity, row)),
            contentId: WRITE_CONTENT_ID,
          };
    const sentinelKey = Object.fromEntries(
      entity.keys.map((field) => [field, field === "dataAreaId" ? (key[field] ?? "dat") : SENTINEL_KEY_VALUE]),
    );
    const sentinel: BatchRequest = {
      method: "DELETE",
      url: `${entity.collection}(${keySegment(entity, sentinelKey)})`,
      contentId: SENTINEL_CONTENT_ID,
    };
    const batch = formatBatchRequest([{ kind: "changeset", requests: [write, sentinel] }]);
    const reply = await this.send("POST", `${this.base}/data/$batch`, batch.body, false, {
      "content-type": batch.contentType,
      accept: "multipart/mixed",
    });
    this.expectSuccess(reply, `validate ${entity.collection} in a changeset`);
    const failed = this.failedPart(reply);
    if (failed === undefined) {
      // Both parts succeeded: SCM committed the write. It must never happen (the sentinel cannot exist).
      throw new ScmUnavailableError(
        `SCM committed a validation changeset of ${entity.collection}: its closing request did not fail. Check that no ${entity.collection} row has the key ${JSON.stringify(sentinelKey)}.`,
        200,
      );
    }
    if (
      failed.contentId === SENTINEL_CONTENT_ID ||
      (failed.contentId === undefined && failed.status === 404 && operation === "create")
    )
      return { kind: "accepted" };
    if (failed.status === 404) return { kind: "missing" };
    const body = parseBody(failed.body);
    if (failed.status >= 500 || failed.status === 429)
      throw new ScmUnavailableError(
        `SCM could not validate ${entity.collection}: ${errorMessage(body) ?? `HTTP ${failed.status}`}`,
        failed.status,
      );
    return { kind: "errors", errors: fieldErrors(body) };
  }

  /**
   * Writes rows in one changeset of a `$batch`: SCM commits all of them or none (UO
   * `data-entities/odata.md`, "Run multiple requests in a single transaction"). A refusal names the
   * failing request (its index in `writes`, or -1 when no part says which); SCM not answering, or
   * failing (5xx, 429), throws ScmUnavailableError as a single write would.
   */
  async changeset(writes: readonly ScmWrite[]): Promise<ChangesetOutcome> {
    if (writes.length === 0) return { ok: true };
    const requests = writes.map(
      (write, index): BatchRequest =>
        write.kind === "create"
          ? {
              method: "POST",
              url: write.entity.collection,
              body: JSON.stringify(write.row),
              contentId: String(index + 1),
            }
          : {
              method: "PATCH",
              url: `${write.entity.collection}(${keySegment(write.entity, write.key)})?cross-company=true`,
              body: JSON.stringify(write.changes),
              contentId: String(index + 1),
            },
    );
    const batch = formatBatchRequest([{ kind: "changeset", requests }]);
    const reply = await this.send("POST", `${this.base}/data/$batch`, batch.body, true, {
      "content-type": batch.contentType,
      accept: "multipart/mixed",
    });
    this.expectSuccess(reply, `write ${writes.length} rows in a changeset`);
    const failed = this.failedPart(reply);
    if (failed === undefined) return { ok: true };
    const body = parseBody(failed.body);
    const message = errorMessage(body) ?? `HTTP ${failed.status}`;
    if (failed.status >= 500 || failed.status === 429)
      throw new ScmUnavailableError(`SCM could not write a changeset: ${message}`, failed.status);
    const named = failed.contentId === undefined ? -1 : Number(failed.contentId) - 1;
    const index = Number.isInteger(named) && named >= 0 && named < writes.length ? named : -1;
    const write = writes[index];
    return {
      ok: false,
      index,
      status: failed.status,
      message:
        write === undefined
          ? `SCM refused a changeset of ${writes.length} rows: ${message}`
          : `SCM refused to ${write.kind} ${write.entity.collection}: ${message}`,
    };
  }

  /** The failing response of the batch's one changeset; undefined when every part succeeded. */
  private failedPart(reply: Reply): BatchResponse | undefined {
    if (typeof reply.body !== "string")
      throw new ScmUnavailableError("SCM answered a $batch with a body that is not multipart.", reply.status);
    let items;
    try {
      items = parseBatchResponse(reply.contentType, reply.body);
    } catch (error) {
      throw new ScmUnavailableError(
        `SCM's $batch reply could not be read: ${error instanceof Error ? error.message : String(error)}`,
        reply.status,
      );
    }
    for (const item of items) {
      const responses = item.kind === "changeset" ? item.responses : [item.response];
      const failed = responses.find((response) => response.status >= 400);
      if (failed !== undefined) return failed;
    }
    return undefined;
  }

  /** Asks the optional validation custom service; answers every rule violation at once, writes nothing. */
  async validate(request: ScmValidationRequest["_request"]): Promise<ScmValidationResponse> {
    const reply = await this.send("POST", `${this.base}${SCM_VALIDATION_SERVICE_PATH}`, { _request: request });
    this.expectSuccess(reply, "validate");
    const parsed = scmValidationResponseSchema.safeParse(reply.body);
    if (!parsed.success) {
      throw new ScmUnavailableError(
        `SCM's validation service answered a body that is not a validation result: ${parsed.error.message}`,
        reply.status,
      );
    }
    return parsed.data;
  }

  private rowUrl(entity: ScmEntityDefinition, key: ScmKey): string {
    // Reading or writing another company's row by key needs cross-company=true in F&O OData.
    return `${this.base}/data/${entity.collection}(${keySegment(entity, key)})?cross-company=true`;
  }

  private expectSuccess(reply: Reply, what: string): void {
    if (reply.status >= 200 && reply.status < 300) return;
    const refusedCaller = reply.status === 401 || reply.status === 403 ? ` (as ${this.config.integrationUser})` : "";
    const message = `${errorMessage(reply.body) ?? `HTTP ${reply.status}`}${refusedCaller}`;
    if (reply.status >= 500 || reply.status === 429) {
      throw new ScmUnavailableError(`SCM could not ${what}: ${message}`, reply.status, false, reply.retryAfterMs);
    }
    throw new ScmRejectedError(`SCM refused to ${what}: ${message}`, reply.status, fieldErrors(reply.body));
  }

  /** `writesData`: the request changes a row (so an unanswered one may have been applied). */
  private async send(
    method: string,
    url: string,
    body?: unknown,
    writesData = false,
    extraHeaders: Readonly<Record<string, string>> = {},
  ): Promise<Reply> {
    const first = await this.attempt(method, url, body, writesData, extraHeaders);
    if (first.status === 429) {
      const wait = first.retryAfterMs ?? 0;
      if (wait > (this.config.maxRetryAfterMs ?? 5_000)) return first;
      await new Promise((resolve) => setTimeout(resolve, wait));
      return this.attempt(method, url, body, writesData, extraHeaders);
    }
    if (!RETRIED_STATUSES.has(first.status)) return first;
    await new Promise((resolve) => setTimeout(resolve, this.config.retryDelayMs ?? 250));
    return this.attempt(method, url, body, writesData, extraHeaders);
  }

  private async attempt(
    method: string,
    url: string,
    body: unknown,
    writesData: boolean,
    extraHeaders: Readonly<Record<string, string>>,
  ): Promise<Reply> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    Object.assign(headers, extraHeaders);
    if (this.config.accessToken !== undefined) headers.authorization = `Bearer ${await this.config.accessToken()}`;
    const timeoutMs = this.config.timeoutMs ?? 15_000;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const reason =
        error instanceof Error && error.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : describe(error);
      throw new ScmUnavailableError(
        `SCM could not be reached (${method} ${url}): ${reason}`,
        0,
        writesData && !refusedConnection(error),
      );
    }
    const text = await response.text().catch(() => "");
    const contentType = response.headers.get("content-type") ?? undefined;
    const retryAfter = retryAfterMs(response.headers.get("retry-after"));
    return {
      status: response.status,
      body: contentType?.startsWith("multipart/") === true ? text : parseBody(text),
      ...(contentType === undefined ? {} : { contentType }),
      ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
    };
  }
}

/** The connection was refused: the request never reached SCM. */
function refusedConnection(error: unknown): boolean {
  const cause = error instanceof Error ? (error as Error & { cause?: unknown }).cause : undefined;
  return typeof cause === "object" && cause !== null && (cause as { code?: unknown }).code === "ECONNREFUSED";
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}

function parseBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** F&O OData errors: `{ "error": { "code", "message", "innererror": { "message" } } }`. */
function errorMessage(body: unknown): string | undefined {
  const error = asRecord(asRecord(body)?.error);
  const inner = asRecord(error?.innererror);
  const message = typeof inner?.message === "string" ? inner.message : error?.message;
  return typeof message === "string"
    ? message
    : typeof body === "string" && body !== ""
      ? body.slice(0, 500)
      : undefined;
}

/**
 * Field errors from F&O's infolog (core/scm/odata-errors.ts): each `Error:` entry, with the entity
 * field its `validateField failed` marker names; warnings and infos do not block, so they are left
 * out. SCM gives no rule codes, so every error is `invalidValue` with SCM's own message.
 */
function fieldErrors(body: unknown): ScmFieldError[] {
  return parseScmErrorBody(body)
    .filter((entry) => entry.level === "Error")
    .map((entry) =>
      entry.field === undefined
        ? { code: "invalidValue", message: entry.message }
        : { field: entry.field, code: "invalidValue", message: entry.message },
    );
}

/** A PATCH body carries no key fields: the key is in the URL. */
function withoutKey(entity: ScmEntityDefinition, row: Readonly<ScmRow>): ScmRow {
  return Object.fromEntries(Object.entries(row).filter(([field]) => !entity.keys.includes(field)));
}
