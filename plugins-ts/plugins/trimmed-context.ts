/**
 * Contexts Dataverse trimmed for size. Over 256 KB, Dataverse sends `x-ms-dynamics-msg-size-exceeded`
 * and removes InputParameters, PreEntityImages, PostEntityImages and ParentContext (Learn, "Use
 * WebHooks to create external handlers for server events"): a handler knows the table, the row's
 * id and the message, not the change. Calls back into Dataverse are requests of their own, outside
 * the step's transaction (Learn, "Scalable customization design: Database transactions"), so they
 * read the committed row: the row before the change, never the change itself.
 *
 * So a trimmed Create or Update is synced after its commit: the step queues a resync of the row
 * and answers at once; the replay copies the row to SCM once Dataverse shows the committed change
 * (a newer version, or the created row). A row that never changes within AFTER_COMMIT_WINDOW_MS
 * was rolled back, and nothing is sent. Such a change cannot be refused by SCM before it is saved
 * (an SCM refusal puts it on the catch-up list). A trimmed Delete reads the row it deletes, still
 * committed, and is synced as usual.
 */
import type { DataverseRecord } from "@fsi/core/dataverse/record";
import { isEntityReference } from "@fsi/core/dataverse/record";
import { tableByLogicalName } from "@fsi/core/dataverse/tables";
import { scmLookups } from "@fsi/core/maps/lookups";
import { toScmRow } from "@fsi/core/maps/to-scm";
import type { EntityMap } from "@fsi/core/maps/template-schema";
import type { PluginExecutionContext } from "../context/execution-context";
import { IntegrationError } from "../integration/errors";
import { resolveScmLookups } from "../integration/lookup-resolver";
import { mapRowKey } from "../integration/row-identity";
import { upsertScmRow, type ScmWriteOutcome } from "../integration/scm-writer";
import { keyOf } from "../services/scm-client";
import { mapColumns, mappedTable, scmEntityOf } from "./execution-row";
import type { PluginResult, PluginServices } from "./plugin";
import type { QueuedScmWrite } from "./sync-to-scm-plugin";

/**
 * How long a trimmed change may take to commit: a synchronous operation lasts at most as long as
 * its steps, each cut off by Dataverse's 60 s webhook timeout; two minutes covers the step that
 * queued the change and one more.
 */
export const AFTER_COMMIT_WINDOW_MS = 120_000;

export interface AfterCommit {
  /** The row's version before the change (Update); the change is committed once Dataverse shows a newer one. */
  readonly afterVersion?: number;
  /** When the change was queued (ISO). */
  readonly since: string;
}

/** The change has not been committed yet: replayed again later (not a refusal). */
export class ChangeNotCommittedError extends Error {
  override readonly name = "ChangeNotCommittedError";
}

/** The committed row the context is about, with every column the map reads. */
export async function committedRow(
  context: PluginExecutionContext,
  services: PluginServices,
): Promise<DataverseRecord | undefined> {
  const { map, table } = mappedTable(context, services);
  return services.dataverse.retrieve(table, context.primaryEntityId, [...mapColumns(map), "versionnumber"]);
}

/** Queues the row to be copied to SCM once Dataverse has committed the change. */
export async function queueSyncAfterCommit(
  context: PluginExecutionContext,
  services: PluginServices,
): Promise<PluginResult> {
  const { map } = mappedTable(context, services);
  const before = context.messageName === "Update" ? await committedRow(context, services) : undefined;
  const version = before?.versionnumber;
  const companyRef = before?.[map.company.dataverse];
  const company = isEntityReference(companyRef)
    ? await services.companies.codeOf(services.dataverse, companyRef.id)
    : undefined;
  const rowKey =
    (before === undefined || company === undefined ? undefined : mapRowKey(map, company, before)) ??
    `id:${context.primaryEntityId}`;
  const write: QueuedScmWrite = {
    collection: map.scmCollection,
    key: {},
    operation: "upsert",
    row: {},
    dataverseId: context.primaryEntityId,
    afterCommit: { ...(typeof version === "number" ? { afterVersion: version } : {}), since: new Date().toISOString() },
  };
  const reason =
    "the webhook context was trimmed for size (over 256 KB); the row is copied to SCM once Dataverse has committed it";
  const queued = await services.queue.enqueue({
    map: map.name,
    direction: "fs-to-scm",
    rowKey,
    operation: "upsert",
    payload: write,
    reason: "unavailable",
    error: reason,
    resync: true,
  });
  await services.ledger.record({
    map: map.name,
    rowKey,
    dataverseId: context.primaryEntityId,
    status: "pending",
    error: `Queued for SCM (${reason}).`,
  });
  services.log.warn("Context trimmed for size: the row is synced after its commit", {
    rowKey,
    sequence: queued.sequence,
  });
  return { outcome: "queued", message: `Queued as change ${queued.sequence}: ${reason}.` };
}

/** Copies the committed row to SCM; throws ChangeNotCommittedError while the change may still commit. */
export async function syncCommittedRow(
  map: EntityMap,
  write: QueuedScmWrite,
  services: Pick<PluginServices, "dataverse" | "scm" | "companies">,
  now: Date = new Date(),
): Promise<{ readonly outcome: ScmWriteOutcome; readonly dataverseId?: string }> {
  const after = write.afterCommit;
  const table = tableByLogicalName(map.dataverseTable);
  if (table === undefined)
    throw new IntegrationError("UNMAPPED_TABLE", `Map ${map.name} names an unknown table ${map.dataverseTable}.`);
  const row = await services.dataverse.retrieve(table, write.dataverseId, [...mapColumns(map), "versionnumber"]);
  const version = row?.versionnumber;
  const committed =
    row !== undefined &&
    (after?.afterVersion === undefined || (typeof version === "number" && version > after.afterVersion));
  if (!committed) {
    if (after !== undefined && now.getTime() - Date.parse(after.since) < AFTER_COMMIT_WINDOW_MS) {
      throw new ChangeNotCommittedError(
        `Dataverse has not committed the change to ${table.logicalName} ${write.dataverseId} yet.`,
      );
    }
    // Never committed within the window: the operation was rolled back, SCM keeps what it has.
    return { outcome: "absent" };
  }
  const companyRef = row[map.company.dataverse];
  const company = isEntityReference(companyRef)
    ? await services.companies.codeOf(services.dataverse, companyRef.id)
    : undefined;
  if (company === undefined)
    throw new IntegrationError(
      "INCOMPLETE_CONTEXT",
      `${table.displayName} ${write.dataverseId} names no company, so it has no SCM row.`,
    );
  const entity = scmEntityOf(map);
  const lookups = await resolveScmLookups(services.dataverse, scmLookups(map, row));
  const mapped = toScmRow(row, map, company, lookups.answers);
  const problems = [
    ...lookups.missing.map((query) => `${query.column}: the row it points to has no ${query.keyColumn}`),
    ...mapped.issues.map((issue) => issue.message),
  ];
  const key = keyOf(entity, mapped.row);
  if (problems.length > 0 || key === undefined) {
    throw new IntegrationError(
      "MAPPING_FAILED",
      `${table.displayName} cannot be copied to SCM: ${problems.join("; ") || "no complete key"}`,
    );
  }
  return { outcome: await upsertScmRow(services.scm, entity, key, mapped.row), dataverseId: write.dataverseId };
}
