/**
 * Carries out a batch's writes: SCM rows one at a time in the planned order (a warehouse after the
 * warehouse it names), Dataverse rows as change sets. When a change set fails, Dataverse rolls it
 * back and names the failed request; that row is reported and the others are sent again. After a
 * few failures in one batch the rest go one per change set, so a batch full of bad rows costs one
 * request per row rather than one per row per failure.
 *
 * A refused row is the row's error. Anything else — SCM or Dataverse not answering, a 5xx — stops
 * the run: retrying row by row would only turn an outage into thousands of row errors, and the
 * checkpoint lets the next run carry on.
 */
import type { ScmEntityDefinition, ScmKey, ScmRow } from "../../../core/scm/schema";
import { type ScmClient, ScmRejectedError } from "../../services/scm-client";
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
  for (const write of writes) {
    const op = write.op;
    if (op.system !== "scm") continue;
    try {
      if (op.kind === "create") await clients.scm.createRow(op.entity, op.row);
      else await clients.scm.updateRow(op.entity, op.key, op.changes);
      write.settle(undefined);
    } catch (error) {
      if (!(error instanceof ScmRejectedError)) throw error;
      write.settle(error.message);
    }
  }
  await applyChangeSets(
    writes.filter((write) => write.op.system === "fs"),
    clients.dataverse,
  );
}

/** Sends Dataverse writes as change sets, dropping (and settling) each failed write and resending the rest. */
export async function applyChangeSets(writes: readonly PlannedWrite[], dataverse: DataverseBulkClient): Promise<void> {
  let pending = [...writes];
  let failures = 0;
  while (pending.length > 0) {
    const chunk = failures >= ONE_BY_ONE_AFTER_FAILURES ? pending.slice(0, 1) : pending;
    const outcome = await dataverse.changeSet(
      chunk.map((write) => (write.op as Extract<WriteOp, { system: "fs" }>).write),
    );
    if (outcome.ok) {
      chunk.forEach((write) => {
        write.settle(undefined);
      });
      pending = pending.slice(chunk.length);
      continue;
    }
    if (outcome.status >= 500)
      throw new DataverseBulkError(
        outcome.status,
        `Dataverse failed a change set with ${outcome.status}: ${outcome.message}`,
      );
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
    failed.settle(`Dataverse refused the row (${outcome.status}): ${outcome.message}`);
    pending = pending.filter((write) => write !== failed);
  }
}
