/**
 * Carries out a batch's writes, in bulk:
 * - SCM rows as one `$batch` changeset (UO `data-entities/odata.md`: all committed or none, the
 *   failing request named by its Content-ID);
 * - Dataverse creates as CreateMultiple, updates that need no version check as UpdateMultiple (PA
 *   `developer/data-platform/bulk-operations.md`), and the rest — updates under `If-Match`, and
 *   the rows of a bulk message Dataverse refused — as `$batch` change sets. On a standard table a
 *   refused bulk message rolls every row back and names none, so its rows go again as change sets,
 *   which name the failed request (Learn recommends exactly this fall-back: "use ... Web API
 *   `$batch` to allow the set of operations to fall back if the bulk operation fails").
 * When a changeset fails, its failed row is reported and the others are sent again. After a few
 * failures in one batch the rest go one per changeset, so a batch full of bad rows costs one
 * request per row rather than one per row per failure.
 *
 * A refused row is the row's error. Anything else — SCM or Dataverse not answering, a 5xx, or a
 * missing privilege (403: the caller's roles, not the row, are at fault, and every later row would
 * fail the same way) — stops the run: the checkpoint lets the next run carry on.
 */
import type { ScmEntityDefinition, ScmKey, ScmRow } from "@fsi/core/scm/schema";
import { type ChangesetOutcome, type ScmClient, ScmRejectedError, type ScmWrite } from "../../services/scm-client";
import type { TableDefinition } from "@fsi/core/dataverse/schema";
import { type DataverseBulkClient, DataverseBulkError, type DataverseWrite } from "./dataverse-bulk";

export type WriteOp =
  | { readonly system: "scm"; readonly kind: "create"; readonly entity: ScmEntityDefinition; readonly row: ScmRow }
  | {
      readonly system: "scm";
      readonly kind: "update";
      readonly entity: ScmEntityDefinition;
      readonly key: ScmKey;
      readonly changes: ScmRow;
    }
  | { readonly system: "fs"; readonly write: DataverseWrite };

/** A write and what to do with its result (`error` undefined: it was applied). */
export interface PlannedWrite {
  readonly op: WriteOp;
  settle(error: string | undefined): void;
}

const ONE_BY_ONE_AFTER_FAILURES = 5;

export async function executeWrites(
  writes: readonly PlannedWrite[],
  clients: { readonly scm: ScmClient; readonly dataverse: DataverseBulkClient },
): Promise<void> {
  const scm = writes.filter((write) => write.op.system === "scm");
  await settleInChunks(scm, async (chunk) => {
    try {
      return await clients.scm.changeset(chunk.map((write) => scmWriteOf(write.op)));
    } catch (error) {
      // A changeset of one row refused as a whole request (not as a part) is still that row's error.
      if (error instanceof ScmRejectedError && chunk.length === 1 && error.status !== 403)
        return { ok: false, index: 0, status: error.status, message: error.message };
      throw error;
    }
  });
  await applyDataverseWrites(
    writes.filter((write) => write.op.system === "fs"),
    clients.dataverse,
  );
}

function scmWriteOf(op: WriteOp): ScmWrite {
  if (op.system !== "scm") throw new Error("not an SCM write");
  return op.kind === "create"
    ? { kind: "create", entity: op.entity, row: op.row }
    : { kind: "update", entity: op.entity, key: op.key, changes: op.changes };
}

const fsWrite = (write: PlannedWrite): DataverseWrite => (write.op as Extract<WriteOp, { system: "fs" }>).write;

/** Dataverse writes: bulk messages per table where they fit, change sets for the rest (see the header). */
export async function applyDataverseWrites(
  writes: readonly PlannedWrite[],
  dataverse: DataverseBulkClient,
): Promise<void> {
  const rest: PlannedWrite[] = [];
  const groups = new Map<string, { table: TableDefinition; kind: "create" | "update"; writes: PlannedWrite[] }>();
  for (const write of writes) {
    const op = fsWrite(write);
    if (op.kind === "update" && op.ifMatch !== undefined) {
      rest.push(write);
      continue;
    }
    const key = `${op.kind}|${op.table.logicalName}`;
    const group = groups.get(key) ?? { table: op.table, kind: op.kind, writes: [] };
    group.writes.push(write);
    groups.set(key, group);
  }
  for (const group of groups.values()) {
    const outcome =
      group.kind === "create"
        ? await dataverse.createMultiple(
            group.table,
            group.writes.map((write) => fsWrite(write).record),
          )
        : await dataverse.updateMultiple(
            group.table,
            group.writes.map((write) => {
              const op = fsWrite(write);
              return { id: op.kind === "update" ? op.id : "", record: op.record };
            }),
          );
    if (outcome.ok) {
      group.writes.forEach((write) => {
        write.settle(undefined);
      });
      continue;
    }
    stopOnSystemFailure(outcome.status, outcome.message, `${group.kind === "create" ? "Create" : "Update"}Multiple`);
    rest.push(...group.writes);
  }
  await applyChangeSets(rest, dataverse);
}

/** Sends Dataverse writes as change sets, dropping (and settling) each failed write and resending the rest. */
async function applyChangeSets(writes: readonly PlannedWrite[], dataverse: DataverseBulkClient): Promise<void> {
  await settleInChunks(writes, async (chunk) => {
    const outcome = await dataverse.changeSet(chunk.map(fsWrite));
    if (!outcome.ok) stopOnSystemFailure(outcome.status, outcome.message, "a change set");
    return outcome;
  });
}

function stopOnSystemFailure(status: number, message: string, what: string): void {
  if (status >= 500 || status === 403)
    throw new DataverseBulkError(status, `Dataverse failed ${what} with ${status}: ${message}`);
}

/**
 * Sends the writes in all-or-nothing chunks: a chunk that fails settles its named write as failed
 * and the rest go again; a chunk refused without naming a write is split to one write per chunk.
 */
async function settleInChunks(
  writes: readonly PlannedWrite[],
  send: (chunk: readonly PlannedWrite[]) => Promise<ChangesetOutcome>,
): Promise<void> {
  let pending = [...writes];
  let failures = 0;
  while (pending.length > 0) {
    const chunk = failures >= ONE_BY_ONE_AFTER_FAILURES ? pending.slice(0, 1) : pending;
    const outcome = await send(chunk);
    if (outcome.ok) {
      chunk.forEach((write) => {
        write.settle(undefined);
      });
      pending = pending.slice(chunk.length);
      continue;
    }
    failures += 1;
    const failed =
      outcome.index >= 0 && outcome.index < chunk.length
        ? chunk[outcome.index]
        : chunk.length === 1
          ? chunk[0]
          : undefined;
    if (failed === undefined) {
      // The request as a whole was refused and no part named: find the culprit one write at a time.
      failures = ONE_BY_ONE_AFTER_FAILURES;
      continue;
    }
    failed.settle(
      failed.op.system === "fs" ? `Dataverse refused the row (${outcome.status}): ${outcome.message}` : outcome.message,
    );
    pending = pending.filter((write) => write !== failed);
  }
}
