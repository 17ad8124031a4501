/**
 * dataverse-ify's Node request implementation (`NodeWebApiRequest`, node-fetch), adapted for a
 * server that calls Dataverse on behalf of several executions at once:
 * - a token provider is asked before every call (tokens expire; the provider caches);
 * - per-call headers come from an `AsyncLocalStorage` scope: `x-ms-correlation-request-id`, so a
 *   callback made while a synchronous step runs joins that step's transaction, and the `tag`
 *   query parameter Dataverse copies into the plug-in context's SharedVariables (Learn: "Add a
 *   shared variable to the plugin execution context");
 * - a 429 (service protection limits) is sent again after its `Retry-After` (a few times);
 * - a non-2xx reply becomes a `DataverseRequestError` with its status (dataverse-ify throws the
 *   bare `error` object and the status is lost);
 * - the body is sent once encoded: dataverse-ify 2.0.7's `sendWebApiRequest` passes an already
 *   stringified body without `skipStringify`, so `NodeWebApiRequest` would encode it twice;
 * - `EntityDefinitions(LogicalName='...')?$select=EntitySetName`, which dataverse-ify asks before
 *   a table's first CRUD call, is answered from core's table definitions (our metadata cache).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { NodeWebApiRequest } from "dataverse-ify/lib/webapi/node/NodeWebApiRequest";
import type { WebApiResponse } from "dataverse-ify/lib/webapi/WebApiRequest";
import { tableByLogicalName } from "@fsi/core/dataverse/tables";
import { retryAfterMs } from "../http-kit/retry-after";

export interface DataverseCallScope {
  readonly correlationId?: string;
  /** Copied by Dataverse into SharedVariables["tag"] of every plug-in the write triggers. */
  readonly tag?: string;
  /**
   * A PATCH that must not create: sent with `If-Match: *`, so a missing row answers 404 instead
   * of being upserted (Learn: "Use Upsert to Create or Update a record", prevent create).
   */
  readonly updateOnly?: boolean;
  /**
   * A PATCH applied only to the version read (optimistic concurrency): the row's `@odata.etag` as
   * `If-Match`, or `*` as `If-None-Match` for a row that must not exist yet. Either way Dataverse
   * answers 412 when another write got there first (Learn: "Perform conditional operations using
   * the Web API", Apply optimistic concurrency / Limit upsert operations).
   */
  readonly expected?: { readonly ifMatch: string } | { readonly ifNoneMatch: "*" };
}

/** A Dataverse reply that was not 2xx, or a call that got no reply. */
export class DataverseRequestError extends Error {
  override readonly name = "DataverseRequestError";
  constructor(
    /** HTTP status; 0 when Dataverse could not be reached. */
    readonly status: number,
    /** Dataverse's error code (`0x80040217`), or `UNREACHABLE`. */
    readonly code: string,
    message: string,
    /** A 429's `Retry-After` (Learn, "Service protection API limits"): when to send again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  get unreachable(): boolean {
    return this.status === 0 || this.status === 502 || this.status === 503 || this.status === 504;
  }
}

type Method = "POST" | "PATCH" | "PUT" | "GET" | "DELETE";

const ENTITY_SET_QUERY = /\/EntityDefinitions\(LogicalName=(?:'|%27)([a-z0-9_]+)(?:'|%27)\)\?\$select=EntitySetName$/;

export class ScopedNodeWebApiRequest extends NodeWebApiRequest {
  readonly scope = new AsyncLocalStorage<DataverseCallScope>();
  /**
   * The last `x-ms-dop-hint` Dataverse sent: the degree of parallelism it recommends for this
   * environment (Learn, "Send parallel requests", Optimum degree of parallelism).
   */
  recommendedParallelism: number | undefined;

  constructor(
    server: string,
    apiVersion: string,
    private readonly tokenProvider: () => Promise<string>,
  ) {
    super(server.replace(/\/+$/, ""), apiVersion);
  }

  override async send(
    method: Method,
    uri: string,
    headers: Record<string, string>,
    payload?: unknown,
    skipStringify?: boolean,
  ): Promise<WebApiResponse> {
    const known = ENTITY_SET_QUERY.exec(uri)?.[1];
    const table = known === undefined ? undefined : tableByLogicalName(known);
    if (table !== undefined) {
      const body = JSON.stringify({ EntitySetName: table.entitySetName });
      return {
        status: 200,
        statusText: "OK",
        ok: true,
        headers: { "content-type": "application/json" },
        body,
        data: {},
      };
    }
    const call = this.scope.getStore() ?? {};
    const scopedHeaders = {
      ...headers,
      ...(call.correlationId === undefined ? {} : { "x-ms-correlation-request-id": call.correlationId }),
      ...(call.updateOnly === true && method === "PATCH" ? { "if-match": "*" } : {}),
      ...(call.expected === undefined || method !== "PATCH"
        ? {}
        : "ifMatch" in call.expected
          ? { "if-match": call.expected.ifMatch }
          : { "if-none-match": call.expected.ifNoneMatch }),
    };
    const scopedUri =
      call.tag === undefined || method === "GET"
        ? uri
        : `${uri}${uri.includes("?") ? "&" : "?"}tag=${encodeURIComponent(call.tag)}`;
    for (let attempt = 1; ; attempt += 1) {
      this.setAccessToken(await this.tokenProvider());
      let response: WebApiResponse;
      try {
        response = await super.send(
          method,
          scopedUri,
          scopedHeaders,
          payload,
          skipStringify ?? typeof payload === "string",
        );
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new DataverseRequestError(
          0,
          "UNREACHABLE",
          `Dataverse could not be reached (${method} ${uri}): ${reason}`,
        );
      }
      const hint = Number(response.headers["x-ms-dop-hint"]);
      if (Number.isInteger(hint) && hint > 0) this.recommendedParallelism = hint;
      if (response.ok) return response;
      const error = errorOf(method, uri, response);
      // Service protection (Learn, "Service protection API limits"): send again after Retry-After.
      const wait = error.status === 429 ? (error.retryAfterSeconds ?? 1) : undefined;
      if (wait === undefined || wait > MAX_THROTTLE_WAIT_SECONDS || attempt >= MAX_THROTTLED_SENDS) throw error;
      await sleep(wait * 1000);
    }
  }
}

/**
 * A request Dataverse throttles (429) is sent again after its `Retry-After`, at most this many
 * times in all, and only when the wait is short: at most 30 s of waiting in all keeps a webhook
 * handler's callback inside the webhook's 60 s; a longer wait is the caller's to schedule (a batch
 * run stops and the next run goes on from its checkpoint).
 */
const MAX_THROTTLED_SENDS = 4;
const MAX_THROTTLE_WAIT_SECONDS = 10;

function errorOf(method: Method, uri: string, response: WebApiResponse): DataverseRequestError {
  let code = `HTTP_${response.status}`;
  let message = response.statusText;
  try {
    const parsed = JSON.parse(response.body ?? "") as { error?: { code?: unknown; message?: unknown } };
    if (typeof parsed.error?.code === "string" && parsed.error.code !== "") code = parsed.error.code;
    if (typeof parsed.error?.message === "string") message = parsed.error.message;
  } catch {
    // Not a Dataverse error body (a proxy's HTML page); the status line says enough.
  }
  const path = uri.replace(/^https?:\/\/[^/]+/, "");
  const retryAfter = retryAfterMs(response.headers["retry-after"]);
  return new DataverseRequestError(
    response.status,
    code,
    `Dataverse answered ${response.status} to ${method} ${path}: ${message}`,
    retryAfter === undefined ? undefined : retryAfter / 1000,
  );
}
