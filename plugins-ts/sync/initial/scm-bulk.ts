/**
 * SCM in bulk, for the initial sync: every row of a data entity across companies
 * (`cross-company=true`), in key order, following `@odata.nextLink` (F&O pages at 10,000 rows).
 * Writes go through the plug-ins' `ScmClient` one row at a time (F&O OData has no change sets the
 * integration relies on), as the integration user, so SCM's business events for them are echoes.
 */
import type { ScmEntityDefinition, ScmRow } from "@fsi/core/scm/schema";
import { SCM_INITIATING_USER_HEADER } from "@fsi/core/scm/integration-user";
import type { ScmClientConfig } from "../../services/scm-client";
import { type RetryPolicy, type ThrottleStats, defaultRetryPolicy, sendWithRetry } from "./http-retry";

export class ScmBulkReadError extends Error {
  override readonly name = "ScmBulkReadError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class ScmBulkReader {
  readonly throttling: ThrottleStats = { throttled: 0, waitedMs: 0 };
  private readonly base: string;
  private readonly retry: RetryPolicy;

  constructor(
    private readonly config: ScmClientConfig,
    retry: Partial<RetryPolicy> = {},
  ) {
    this.base = config.url.replace(/\/+$/, "");
    this.retry = { ...defaultRetryPolicy, ...retry };
  }

  async readAll(entity: ScmEntityDefinition, onPage?: (rowsSoFar: number) => void): Promise<ScmRow[]> {
    const order = entity.keys.join(",");
    let url: string | undefined =
      `${this.base}/data/${entity.collection}?cross-company=true&$orderby=${encodeURIComponent(order)}`;
    const rows: ScmRow[] = [];
    while (url !== undefined) {
      const target: string = url;
      const response = await sendWithRetry(
        async () =>
          fetch(target, {
            headers: {
              accept: "application/json",
              [SCM_INITIATING_USER_HEADER]: this.config.integrationUser,
              ...(this.config.accessToken === undefined
                ? {}
                : { authorization: `Bearer ${await this.config.accessToken()}` }),
            },
          }),
        `SCM GET ${entity.collection}`,
        this.retry,
        this.throttling,
      );
      const text = await response.text();
      if (response.status !== 200)
        throw new ScmBulkReadError(
          response.status,
          `SCM refused to read ${entity.collection}: HTTP ${response.status} ${text.slice(0, 300)}`,
        );
      const page = JSON.parse(text) as { value?: unknown; "@odata.nextLink"?: unknown };
      if (!Array.isArray(page.value))
        throw new ScmBulkReadError(
          response.status,
          `SCM answered a page of ${entity.collection} without a value array.`,
        );
      for (const row of page.value as Record<string, unknown>[]) rows.push(scmRowOf(row));
      onPage?.(rows.length);
      const next = page["@odata.nextLink"];
      url = typeof next === "string" ? next : undefined;
    }
    return rows;
  }
}

/** The row's fields (OData annotations such as `@odata.etag` dropped). */
function scmRowOf(json: Readonly<Record<string, unknown>>): ScmRow {
  const row: ScmRow = {};
  for (const [field, value] of Object.entries(json)) {
    if (field.includes("@")) continue;
    if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean")
      row[field] = value;
  }
  return row;
}
