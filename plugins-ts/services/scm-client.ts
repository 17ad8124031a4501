/**
 * A typed client for SCM (finance and operations): OData data entities under `/data/<Collection>`
 * addressed by their composite key (`Warehouses(dataAreaId='usmf',WarehouseId='11')`), and the
 * validation custom service. Every call:
 * - names the integration user in `x-fsi-user`, so SCM's business events carry it as
 *   `InitiatingUser` and the inbound handler can drop the echo of our own writes;
 * - has a timeout (a synchronous Dataverse step waits at most 60 s for the whole plug-in);
 * - is retried once on 502/503/504, like Dataverse retries a webhook (a gateway hiccup).
 * Failures are typed: `ScmUnavailableError` (no usable answer) and `ScmRejectedError` (SCM
 * refused the data, with its field errors).
 */
import { SCM_INITIATING_USER_HEADER } from "../../core/scm/business-events";
import type { ScmEntityDefinition, ScmKey, ScmRow } from "../../core/scm/schema";
import {
  SCM_VALIDATION_SERVICE_PATH,
  type ScmValidationRequest,
  type ScmValidationResponse,
  scmValidationResponseSchema,
} from "../../core/scm/validation-service";
import type { ScmFieldError } from "../../core/maps/scm-errors";

export interface ScmClientConfig {
  /** The environment URL: `https://contoso.operations.dynamics.com`, or the sandbox's `<origin>/scm`. */
  readonly url: string;
  /** The SCM user the integration writes as (`x-fsi-user`). */
  readonly integrationUser: string;
  /** Per attempt; default 15 s. */
  readonly timeoutMs?: number;
  /** A bearer token for SCM (Entra ID in production); none in the sandbox. */
  readonly accessToken?: () => Promise<string>;
  /** Pause before the single retry; default 250 ms. */
  readonly retryDelayMs?: number;
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
  ) {
    super(message);
  }
}

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
    const reply = await this.send("GET", `${this.base}/data/${entity.collection}?cross-company=true&$filter=${encodeURIComponent(filter)}&$top=${top}`);
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

  /** Asks SCM's validation service; answers every rule violation at once, writes nothing. */
  async validate(request: ScmValidationRequest["_request"]): Promise<ScmValidationResponse> {
    const reply = await this.send("POST", `${this.base}${SCM_VALIDATION_SERVICE_PATH}`, { _request: request });
    this.expectSuccess(reply, "validate");
    const parsed = scmValidationResponseSchema.safeParse(reply.body);
    if (!parsed.success) {
      throw new ScmUnavailableError(`SCM's validation service answered a body that is not a validation result: ${parsed.error.message}`, reply.status);
    }
    return parsed.data;
  }

  private rowUrl(entity: ScmEntityDefinition, key: ScmKey): string {
    // Reading or writing another company's row by key needs cross-company=true in F&O OData.
    return `${this.base}/data/${entity.collection}(${keySegment(entity, key)})?cross-company=true`;
  }

  private expectSuccess(reply: Reply, what: string): void {
    if (reply.status >= 200 && reply.status < 300) return;
    const message = errorMessage(reply.body) ?? `HTTP ${reply.status}`;
    if (reply.status >= 500 || reply.status === 429) {
      throw new ScmUnavailableError(`SCM could not ${what}: ${message}`, reply.status);
    }
    throw new ScmRejectedError(`SCM refused to ${what}: ${message}`, reply.status, fieldErrors(reply.body));
  }

  /** `writesData`: the request changes a row (so an unanswered one may have been applied). */
  private async send(method: string, url: string, body?: unknown, writesData = false): Promise<Reply> {
    const first = await this.attempt(method, url, body, writesData);
    if (!RETRIED_STATUSES.has(first.status)) return first;
    await new Promise((resolve) => setTimeout(resolve, this.config.retryDelayMs ?? 250));
    return this.attempt(method, url, body, writesData);
  }

  private async attempt(method: string, url: string, body: unknown, writesData: boolean): Promise<Reply> {
    const headers: Record<string, string> = { accept: "application/json", [SCM_INITIATING_USER_HEADER]: this.config.integrationUser };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (this.config.accessToken !== undefined) headers.authorization = `Bearer ${await this.config.accessToken()}`;
    const timeoutMs = this.config.timeoutMs ?? 15_000;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const reason = error instanceof Error && error.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : describe(error);
      throw new ScmUnavailableError(`SCM could not be reached (${method} ${url}): ${reason}`, 0, writesData && !refusedConnection(error));
    }
    const text = await response.text().catch(() => "");
    return { status: response.status, body: parseBody(text) };
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
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** F&O OData errors: `{ "error": { "code", "message", "innererror": { "message" } } }`. */
function errorMessage(body: unknown): string | undefined {
  const error = asRecord(asRecord(body)?.error);
  const inner = asRecord(error?.innererror);
  const message = typeof inner?.message === "string" ? inner.message : error?.message;
  return typeof message === "string" ? message : typeof body === "string" && body !== "" ? body.slice(0, 500) : undefined;
}

/** Field errors from an error body's `details` (or `innererror.details`): `[{ field?, code, message }]`. */
function fieldErrors(body: unknown): ScmFieldError[] {
  const error = asRecord(asRecord(body)?.error);
  const details = error?.details ?? asRecord(error?.innererror)?.details;
  if (!Array.isArray(details)) return [];
  return details.flatMap((detail): ScmFieldError[] => {
    const item = asRecord(detail);
    if (item === undefined || typeof item.message !== "string") return [];
    const field = typeof item.field === "string" ? item.field : typeof item.target === "string" ? item.target : undefined;
    const code = typeof item.code === "string" ? item.code : "invalidValue";
    return [field === undefined ? { code, message: item.message } : { field, code, message: item.message }];
  });
}
