/**
 * One map's initial sync, whichever the direction (the direction's adapter knows the shapes):
 *
 * Pass 1 goes through the source rows — for a map with self-lookups, a row after the rows it names
 * (warehouses that are another's transit warehouse first), ties in key order — in batches:
 * - no target row: create it;
 * - a target row, equal: nothing to write;
 * - a target row, different — a conflict: the master decides. Source master: the target row is
 *   updated. Target master: the source row is rewritten from the target, so both end equal.
 * A self-lookup whose row is not in the target yet (two warehouses naming each other, or a row
 * naming one later in the same batch) is left out of pass 1; pass 2 writes the self-lookups of
 * every row whose target differs from the source, once all rows exist.
 *
 * After each batch its rows are checkpointed (with the ledger) in one transaction; a resumed run
 * skips checkpointed rows and compares the rest with a fresh read of the target, so a batch that
 * was in flight when the process died is not written twice.
 */
import type { Logger } from "../../services/logger";
import type { ScmClient } from "../../services/scm-client";
import type { SyncDirection } from "../change-queue";
import type { FinishedRow, RowOutcome, SyncMaster } from "../initial-sync-store";
import type { InitialSyncStateStore, SyncLedgerStore } from "../state-store";
import type { LedgerUpdate } from "../sync-ledger";
import type { DataverseBulkClient } from "./dataverse-bulk";
import type { Mapped } from "./row-sides";
import { type PlannedWrite, type WriteOp, applyDataverseWrites, executeWrites } from "./write-executor";

export interface InitialSyncProgress {
  readonly map: string;
  readonly pass: 1 | 2;
  readonly phase: "reading" | "writing" | "done";
  /** Rows finished in this pass (checkpointed ones of an earlier attempt included). */
  readonly done: number;
  readonly total: number;
  readonly failed: number;
}

export interface Keyed {
  readonly rowKey: string;
  readonly match: string;
}

export type Shape = Record<string, unknown>;

/** A direction's knowledge of the rows: mapping, comparing, writing. */
export interface DirectionAdapter<S extends Keyed, T extends Keyed, V extends Shape> {
  readonly sources: readonly S[];
  /** The target rows as read, by match key. */
  readonly targets: ReadonlyMap<string, T>;
  /** Dataverse columns of the map's self-lookups. */
  readonly selfColumns: ReadonlySet<string>;
  desired(source: S, omit: ReadonlySet<string>): Mapped<V>;
  /** What of `desired` the target holds differently; empty when equal. */
  changes(desired: V, target: T): V;
  /** The self-lookup part of a desired value. */
  pick(desired: V, columns: ReadonlySet<string>): V;
  create(source: S, desired: V): { readonly op: WriteOp; readonly written: () => T };
  update(source: S, target: T, changes: V): { readonly op: WriteOp; readonly written: () => T };
  /** The target is master: the source row rewritten from the target row (undefined: already equal). */
  writeBack(source: S, target: T): Mapped<WriteOp | undefined>;
  /** The match key of the row a self-lookup names, or undefined when it names none. */
  selfReference(source: S, column: string): string | undefined;
  /** A newer change to the row already went through the live sync: leave it alone. */
  supersededLive(source: S): Promise<boolean> | boolean;
  ledger(source: S, target: T | undefined, error: string | undefined): LedgerUpdate;
  /** The row will not be created (refused, or it cannot be mapped): later rows must not count on it. */
  notCreated(source: S): void;
  /** Writes that follow a batch (the FS rows' sync status columns); their failures are only logged. */
  statusWrites(finished: readonly FinishedSource<S>[]): PlannedWrite[];
}

export interface FinishedSource<S> {
  readonly source: S;
  readonly outcome: RowOutcome;
  readonly error?: string;
}

export interface MapRunContext {
  readonly runId: number;
  readonly map: string;
  readonly direction: SyncDirection;
  readonly master: SyncMaster;
  readonly batchSize: number;
  readonly dataverse: DataverseBulkClient;
  readonly scm: ScmClient;
  readonly store: InitialSyncStateStore;
  readonly ledger: SyncLedgerStore;
  readonly log: Logger;
  readonly progress: (progress: InitialSyncProgress) => void;
}

const isEmpty = (shape: Shape): boolean => Object.keys(shape).length === 0;

export async function syncRows<S extends Keyed, T extends Keyed, V extends Shape>(
  adapter: DirectionAdapter<S, T, V>,
  unusable: readonly FinishedRow[],
  context: MapRunContext,
): Promise<void> {
  const targetIsMaster = (context.direction === "fs-to-scm" ? "scm" : "fs") === context.master;
  const state = new Map(adapter.targets);
  const present = new Set(state.keys());
  const writtenBack = new Set<string>();
  const ordered = orderBySelfReferences(adapter);

  // Pass 1: every row, self-lookups to rows not yet in the target left out.
  const done1 = await context.store.finishedRows(context.runId, context.map, 1);
  const fresh = unusable.filter((row) => !done1.has(row.rowKey));
  if (fresh.length > 0) await context.store.recordBatch(context.runId, context.map, 1, fresh);
  const todo = ordered.filter((source) => !done1.has(source.rowKey));
  const total1 = ordered.length + unusable.length;
  let finished1 = total1 - todo.length;
  let failed1 = unusable.length;
  context.progress({ map: context.map, pass: 1, phase: "writing", done: finished1, total: total1, failed: failed1 });

  const deferredColumns = (source: S): Set<string> => {
    const omit = new Set<string>();
    for (const column of adapter.selfColumns) {
      const reference = adapter.selfReference(source, column);
      if (reference !== undefined && !present.has(reference)) omit.add(column);
    }
    return omit;
  };

  const batches: S[][] = [];
  for (let start = 0; start < todo.length; start += context.batchSize)
    batches.push(todo.slice(start, start + context.batchSize));
  // Batches run side by side, as many as Dataverse recommends (x-ms-dop-hint). Each is checkpointed
  // when it is done; a row planned while an earlier batch is still in flight defers a self-lookup to
  // that batch's row to pass 2, as a row of the same batch does.
  await inParallel(batches, context.dataverse.parallelism, async (batch) => {
    const finished: FinishedSource<S>[] = [];
    const writes: PlannedWrite[] = [];
    for (const source of batch) {
      const settleAs =
        (outcome: RowOutcome, onApplied: () => void = () => undefined, onFailed: () => void = () => undefined) =>
        (error: string | undefined) => {
          if (error === undefined) onApplied();
          else onFailed();
          finished.push(error === undefined ? { source, outcome } : { source, outcome: "failed", error });
        };
      if (await adapter.supersededLive(source)) {
        finished.push({ source, outcome: "unchanged" });
        continue;
      }
      const full = adapter.desired(source, new Set());
      const target = state.get(source.match);
      if (full.problems.length > 0) {
        if (target === undefined) adapter.notCreated(source);
        finished.push({ source, outcome: "failed", error: full.problems.join(" ") });
        continue;
      }
      if (target !== undefined && isEmpty(adapter.changes(full.value, target))) {
        finished.push({ source, outcome: "unchanged" });
        continue;
      }
      if (target !== undefined && targetIsMaster) {
        const back = adapter.writeBack(source, target);
        if (back.problems.length > 0) finished.push({ source, outcome: "failed", error: back.problems.join(" ") });
        else if (back.value === undefined) finished.push({ source, outcome: "unchanged" });
        else writes.push({ op: back.value, settle: settleAs("written-back", () => writtenBack.add(source.match)) });
        continue;
      }
      const omit = deferredColumns(source);
      const desired = omit.size === 0 ? full.value : adapter.desired(source, omit).value;
      if (target === undefined) {
        const { op, written } = adapter.create(source, desired);
        writes.push({
          op,
          settle: settleAs(
            "created",
            () => {
              state.set(source.match, written());
              present.add(source.match);
            },
            () => {
              adapter.notCreated(source);
            },
          ),
        });
        continue;
      }
      const changes = adapter.changes(desired, target);
      // Only deferred self-lookups differ: pass 2 writes them.
      if (isEmpty(changes)) finished.push({ source, outcome: "updated" });
      else {
        const { op, written } = adapter.update(source, target, changes);
        writes.push({ op, settle: settleAs("updated", () => state.set(source.match, written())) });
      }
    }
    await executeWrites(writes, context);
    await applyStatusWrites(adapter.statusWrites(finished), context);
    const rows = finished.map(
      (row): FinishedRow =>
        row.error === undefined
          ? { rowKey: row.source.rowKey, outcome: row.outcome }
          : { rowKey: row.source.rowKey, outcome: "failed", error: row.error },
    );
    await context.store.recordBatch(
      context.runId,
      context.map,
      1,
      rows,
      finished.map((row) => adapter.ledger(row.source, state.get(row.source.match), row.error)),
    );
    finished1 += finished.length;
    failed1 += finished.filter((row) => row.outcome === "failed").length;
    context.progress({ map: context.map, pass: 1, phase: "writing", done: finished1, total: total1, failed: failed1 });
  });

  if (adapter.selfColumns.size > 0) await selfLookupPass(adapter, context, ordered, state, writtenBack);
  context.progress({
    map: context.map,
    pass: adapter.selfColumns.size > 0 ? 2 : 1,
    phase: "done",
    done: finished1,
    total: total1,
    failed: failed1,
  });
}

/** Pass 2: the self-lookups, now that every row is in the target. */
async function selfLookupPass<S extends Keyed, T extends Keyed, V extends Shape>(
  adapter: DirectionAdapter<S, T, V>,
  context: MapRunContext,
  ordered: readonly S[],
  state: Map<string, T>,
  writtenBack: ReadonlySet<string>,
): Promise<void> {
  const done2 = await context.store.finishedRows(context.runId, context.map, 2);
  const candidates = ordered.filter(
    (source) =>
      state.has(source.match) &&
      !writtenBack.has(source.match) &&
      [...adapter.selfColumns].some((column) => adapter.selfReference(source, column) !== undefined),
  );
  const todo = candidates.filter((source) => !done2.has(source.rowKey));
  let finishedCount = candidates.length - todo.length;
  let failedCount = 0;
  context.progress({
    map: context.map,
    pass: 2,
    phase: "writing",
    done: finishedCount,
    total: candidates.length,
    failed: 0,
  });
  for (let start = 0; start < todo.length; start += context.batchSize) {
    const batch = todo.slice(start, start + context.batchSize);
    const finished: FinishedRow[] = [];
    const writes: PlannedWrite[] = [];
    for (const source of batch) {
      const target = state.get(source.match);
      const full = adapter.desired(source, new Set());
      if (target === undefined || full.problems.length > 0) {
        finished.push({
          rowKey: source.rowKey,
          outcome: "failed",
          error: full.problems.join(" ") || "The row is not in the target.",
        });
        continue;
      }
      const changes = adapter.changes(adapter.pick(full.value, adapter.selfColumns), target);
      if (isEmpty(changes)) {
        finished.push({ rowKey: source.rowKey, outcome: "unchanged" });
        continue;
      }
      const { op, written } = adapter.update(source, target, changes);
      writes.push({
        op,
        settle: (error) => {
          if (error === undefined) state.set(source.match, written());
          finished.push(
            error === undefined
              ? { rowKey: source.rowKey, outcome: "updated" }
              : { rowKey: source.rowKey, outcome: "failed", error },
          );
        },
      });
    }
    await executeWrites(writes, context);
    await context.store.recordBatch(
      context.runId,
      context.map,
      2,
      finished,
      finished.flatMap((row) => {
        if (row.outcome !== "failed") return [];
        const source = batch.find((candidate) => candidate.rowKey === row.rowKey);
        return source === undefined ? [] : [adapter.ledger(source, state.get(source.match), row.error)];
      }),
    );
    finishedCount += finished.length;
    failedCount += finished.filter((row) => row.outcome === "failed").length;
    context.progress({
      map: context.map,
      pass: 2,
      phase: "writing",
      done: finishedCount,
      total: candidates.length,
      failed: failedCount,
    });
  }
}

async function applyStatusWrites(writes: readonly PlannedWrite[], context: MapRunContext): Promise<void> {
  if (writes.length === 0) return;
  await applyDataverseWrites(writes, context.dataverse);
}

/**
 * Runs `work` over the items, `width` at a time. After a failure no new item starts; the ones
 * running finish (their writes are checkpointed) before the first failure is thrown.
 */
async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const item = items[next] as T;
      next += 1;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, items.length)) }, worker));
  if (failure !== undefined) throw failure.error;
}

/**
 * Source rows in key order, moved after the rows they name through self-lookups (depth-first,
 * without recursion: a chain of rows can be long). A reference back into a row being visited
 * — a cycle — is ignored here; pass 2 writes it.
 */
export function orderBySelfReferences<S extends Keyed, T extends Keyed, V extends Shape>(
  adapter: DirectionAdapter<S, T, V>,
): S[] {
  const sorted = [...adapter.sources].sort((a, b) => (a.rowKey < b.rowKey ? -1 : a.rowKey > b.rowKey ? 1 : 0));
  if (adapter.selfColumns.size === 0) return sorted;
  const byMatch = new Map(sorted.map((source) => [source.match, source]));
  const referencesOf = (source: S): string[] =>
    [...adapter.selfColumns]
      .map((column) => adapter.selfReference(source, column))
      .filter((match): match is string => match !== undefined && match !== source.match && byMatch.has(match));
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  for (const root of sorted) {
    if (depth.has(root.match)) continue;
    const stack: { source: S; references: string[]; next: number }[] = [
      { source: root, references: referencesOf(root), next: 0 },
    ];
    visiting.add(root.match);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top === undefined) break;
      const reference = top.references[top.next];
      if (reference !== undefined) {
        top.next += 1;
        const target = byMatch.get(reference);
        if (target === undefined || depth.has(reference) || visiting.has(reference)) continue;
        visiting.add(reference);
        stack.push({ source: target, references: referencesOf(target), next: 0 });
        continue;
      }
      const below = top.references.map((match) => depth.get(match) ?? -1);
      depth.set(top.source.match, 1 + Math.max(-1, ...below));
      visiting.delete(top.source.match);
      stack.pop();
    }
  }
  return sorted
    .map((source, position) => ({ source, position, depth: depth.get(source.match) ?? 0 }))
    .sort((a, b) => a.depth - b.depth || a.position - b.position)
    .map((entry) => entry.source);
}
