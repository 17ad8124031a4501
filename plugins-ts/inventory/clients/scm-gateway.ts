/**
 * SCM as the inventory flows use it: the shared `ScmClient` (services/) for rows by key, plus what
 * it does not offer — paged collection reads (`$filter`, `cross-company=true`, `@odata.nextLink`)
 * and the inventory document services (`core/scm/inventory-services.ts`). Same conventions as the
 * shared client: `x-fsi-user` names the integration user, a timeout per attempt, one retry on
 * 502/503/504, and its typed failures (`ScmUnavailableError`, `ScmRejectedError` with SCM's
 * field errors; a document's `field` is a path into the request, `lines[1].Quantity`).
 */
import { SCM_INITIATING_USER_HEADER } from "../../../core/scm/integration-user";
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
} from "../../../core/scm/inventory-services";
import type { ScmEntityDefinition, ScmKey, ScmRow } from "../../../core/scm/schema";
import type { z } from "zod";
import { ScmClient, type ScmClientConfig, ScmRejectedError, ScmUnavailableError } from "../../services/scm-client";

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

const RETRIED = new Set([502, 503, 504]);

export class ScmGateway {
  readonly client: ScmClient;
  private readonly base: string;

  constructor(private readonly config: ScmClientConfig) {
    this.client = new ScmClient(config);
    this.base = config.url.replace(/\/+$/, "");
  }

  getRow(entity: ScmEntityDefinition, key: ScmKey): Promise<ScmRow | undefined> {
    return this.client.getRow(entity, key);
  }

  /** The first page of a query across companies (with `top`, exactly the rows asked for). */
  async page(entity: ScmEntityDefinition, query: ScmQuery = {}): Promise<ScmPage> {
    for await (const page of this.pages(entity, query)) return page;
    return { rows: [] };
  }

  /** Every page of a collection across companies. */
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
      const body = reply.body as { value?: ScmRow[]; "@odata.count"?: number; "@odata.nextLink"?: string };
      yield {
        rows: body.value ?? [],
        ...(typeof body["@odata.count"] === "number" ? { count: body["@odata.count"] } : {}),
      };
      next = body["@odata.nextLink"];
    }
  }

  /** Posts an inventory journal (movement or transfer); idempotent on `externalReference`. */
  postInventoryJournal(request: PostInventoryJournalRequest): Promise<PostInventoryJournalResponse> {
    return this.callService(
      SCM_POST_INVENTORY_JOURNAL_PATH,
      request,
      postInventoryJournalResponseSchema,
      "post the inventory journal",
    );
  }

  /** Creates a sales order; idempotent on `externalReference`. */
  createSalesOrder(request: CreateSalesOrderRequest): Promise<CreateSalesOrderResponse> {
    return this.callService(
      SCM_CREATE_SALES_ORDER_PATH,
      request,
      createSalesOrderResponseSchema,
      "create the sales order",
    );
  }

  private async callService<T>(path: string, request: unknown, schema: z.ZodType<T>, what: string): Promise<T> {
    const reply = await this.send("POST", `${this.base}${path}`, { _request: request });
    this.expectSuccess(reply, what);
    const parsed = schema.safeParse(reply.body);
    if (!parsed.success)
      throw new ScmUnavailableError(
        `SCM answered ${what} with a body that is not the service's reply: ${parsed.error.message}`,
        reply.status,
      );
    return parsed.data;
  }

  private expectSuccess(reply: { status: number; body: unknown }, what: string): void {
    if (reply.status >= 200 && reply.status < 300) return;
    const fault = scmDocumentFaultSchema.safeParse(reply.body);
    const odata = (reply.body as { error?: { message?: unknown } } | undefined)?.error?.message;
    const message = fault.success ? fault.data.Message : typeof odata === "string" ? odata : `HTTP ${reply.status}`;
    if (reply.status >= 500 || reply.status === 429)
      throw new ScmUnavailableError(`SCM could not ${what}: ${message}`, reply.status);
    const fieldErrors = fault.success ? (fault.data.Info?.errors ?? []) : [];
    throw new ScmRejectedError(`SCM refused to ${what}: ${message}`, reply.status, fieldErrors);
  }

  private async send(method: string, url: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const first = await this.attempt(method, url, body);
    if (!RETRIED.has(first.status)) return first;
    await new Promise((resolve) => setTimeout(resolve, this.config.retryDelayMs ?? 250));
    return this.attempt(method, url, body);
  }

  private async attempt(method: string, url: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = {
      accept: "application/json",
      [SCM_INITIATING_USER_HEADER]: this.config.integrationUser,
    };
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
      const reason =
        error instanceof Error && error.name === "TimeoutError"
          ? `no answer within ${timeoutMs} ms`
          : error instanceof Error
            ? error.message
            : String(error);
      throw new ScmUnavailableError(`SCM could not be reached (${method} ${url}): ${reason}`, 0);
    }
    const text = await response.text().catch(() => "");
    let parsed: unknown = text;
    try {
      parsed = text === "" ? undefined : (JSON.parse(text) as unknown);
    } catch {
      // Not JSON (a proxy's page): kept as text for the message.
    }
    return { status: response.status, body: parsed };
  }
}
