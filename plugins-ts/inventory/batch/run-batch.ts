/**
 * Scheduled batch runs, as the old data integrator templates ran: one way, reading only what
 * changed since the last run.
 * - SCM → FS maps read SCM rows with `SysRowVersion` above the map's checkpoint, in version order,
 *   a page at a time by key (`SysRowVersion gt <last>`, never `$skip`: a row that changes during
 *   the run moves to the end and is read again, never skipped).
 * - FS → SCM maps read the Field Service records waiting to go (posting requested, work order
 *   completed) with `versionnumber` above the checkpoint, the template's filter added.
 * Rows that failed before are read again first, by key; a row that fails now is remembered for
 * the next run, so the checkpoint moves on and nothing is lost. Every run is recorded with its
 * counts and first errors (`batchStatus`).
 * A flow that can apply many rows at once (`applyMany`: on-hand, with Dataverse's bulk messages)
 * gets each page in chunks of `batchSize` rows, several chunks at a time (`concurrency`): a page's
 * rows are distinct SCM rows, so the chunks touch different Field Service rows.
 */
import type { TableDefinition } from "@fsi/core/dataverse/schema";
import { SCM_ROW_VERSION_FIELD } from "@fsi/core/scm/inventory-entities";
import type { ScmEntityDefinition, ScmKey, ScmRow } from "@fsi/core/scm/schema";
import { ScmUnavailableError } from "../../services/scm-client";
import type { DocumentOutcome } from "../flows/documents";
import { type FlowRuntime, type RowOutcome, isRowFailure } from "../flows/runtime";
import type { ResolvedFlow } from "../templates/flow-catalog";
import type { RowError, RunRecord } from "../state/inventory-store";
import { pool, workersFor } from "./parallel";

/** An SCM → FS flow as a run drives it (on-hand, projects). */
export interface ScmToDataverseFlow {
  readonly flow: ResolvedFlow;
  readonly entity: ScmEntityDefinition;
  rowKey(row: Readonly<ScmRow>): string;
  keyOf(row: Readonly<ScmRow>): ScmKey;
  apply(row: Readonly<ScmRow>): Promise<RowOutcome>;
  /** Distinct rows at once: per row, in order, its outcome or the failure that keeps it (a row failure). */
  applyMany?(rows: readonly Readonly<ScmRow>[]): Promise<(RowOutcome | Error)[]>;
  /** The row is gone from SCM. */
  applyDeleted(key: Readonly<ScmRow>): Promise<RowOutcome>;
  /** Before a run over `total` rows; returns the release to call after it. */
  prepareRun(total: number): Promise<() => void>;
}

/** An FS → SCM flow as a run drives it (adjustments, transfers, work orders). */
export interface DataverseToScmFlow {
  readonly flow: ResolvedFlow;
  readonly table: TableDefinition;
  /** The Web API filter of records waiting to go. */
  pendingFilter(): string;
  process(id: string): Promise<DocumentOutcome>;
}

export interface BatchProgress {
  readonly map: string;
  /** `pending`: rows that failed before; `changes`: rows changed since the checkpoint; `done`. */
  readonly phase: "pending" | "changes" | "done";
  readonly read: number;
  readonly changed: number;
  readonly unchanged: number;
  readonly filtered: number;
  readonly failed: number;
  /** Rows this run will read, when known (pending + changed since the checkpoint). */
  readonly total?: number;
}

export interface RunBatchOptions {
  /** Called after every row (and once at the end), e.g. to move a progress bar. */
  readonly onProgress?: (progress: BatchProgress) => void;
  /** Read everything, not only what changed since the last run (the checkpoint starts over). */
  readonly full?: boolean;
  /** Rows per read; default 1000. */
  readonly pageSize?: number;
  /**
   * Rows (one by one) or chunks (`applyMany`) applied at once (SCM → FS maps); default: the
   * degree of parallelism Dataverse recommends (`x-ms-dop-hint`), else 4 (`parallel.ts`).
   */
  readonly concurrency?: number;
  /** Rows per chunk of a flow that applies many at once; default 200. */
  readonly batchSize?: number;
}

class RunTally {
  read = 0;
  changed = 0;
  unchanged = 0;
  filtered = 0;
  failed = 0;
  total: number | undefined;
  readonly errors: RowError[] = [];

  constructor(
    private readonly map: string,
    private readonly onProgress: RunBatchOptions["onProgress"],
  ) {}

  count(outcome: RowOutcome | "failed"): void {
    this.read += 1;
    this[outcome] += 1;
  }

  fail(rowKey: string, message: string): void {
    this.count("failed");
    this.errors.push({ rowKey, message });
  }

  report(phase: BatchProgress["phase"]): void {
    this.onProgress?.({
      map: this.map,
      phase,
      read: this.read,
      changed: this.changed,
      unchanged: this.unchanged,
      filtered: this.filtered,
      failed: this.failed,
      ...(this.total === undefined ? {} : { total: this.total }),
    });
  }
}

async function finish(
  runtime: FlowRuntime,
  runId: number,
  map: string,
  tally: RunTally,
  checkpoint: number,
  failure: unknown,
): Promise<RunRecord> {
  tally.report("done");
  const error =
    failure === undefined ? undefined : failure instanceof Error ? failure.message : JSON.stringify(failure);
  const record = await runtime.store.finishRun(runId, {
    status: error !== undefined ? "failed" : tally.failed > 0 ? "partial" : "succeeded",
    read: tally.read,
    changed: tally.changed,
    unchanged: tally.unchanged,
    filtered: tally.filtered,
    failed: tally.failed,
    checkpointTo: checkpoint,
    errors: tally.errors,
    ...(error === undefined ? {} : { error }),
  });
  runtime.log[record.status === "succeeded" ? "info" : "warn"](`${map}: batch run ${record.id} ${record.status}`, {
    read: record.read,
    changed: record.changed,
    failed: record.failed,
    checkpoint,
    error,
  });
  return record;
}

/** A batch run of an SCM → FS map (on-hand, projects). */
export async function runScmToDataverse(
  flow: ScmToDataverseFlow,
  runtime: FlowRuntime,
  options: RunBatchOptions,
): Promise<RunRecord> {
  const map = flow.flow.name;
  const { store, scm } = runtime;
  if (options.full === true) await store.resetCheckpoint(map);
  const from = await store.checkpoint(map);
  const runId = await store.startRun(map, from);
  const tally = new RunTally(map, options.onProgress);
  const pageSize = options.pageSize ?? 1000;
  let checkpoint = from;
  let release: (() => void) | undefined;
  // A row carried now is no longer kept for a retry; most runs keep none, so the state file is
  // asked once per chunk rather than written once per row.
  const settle = async (row: Readonly<ScmRow>, result: RowOutcome | Error, kept: boolean): Promise<void> => {
    const rowKey = flow.rowKey(row);
    if (result instanceof Error) {
      await store.rememberFailure(map, rowKey, flow.keyOf(row), result.message);
      tally.fail(rowKey, result.message);
    } else {
      tally.count(result);
      if (kept) await store.forgetFailure(map, rowKey);
    }
  };
  const carry = async (rowKey: string, key: ScmKey, work: () => Promise<RowOutcome>): Promise<void> => {
    try {
      tally.count(await work());
      await store.forgetFailure(map, rowKey);
    } catch (error) {
      if (!isRowFailure(error)) throw error;
      await store.rememberFailure(map, rowKey, key, error.message);
      tally.fail(rowKey, error.message);
    }
  };
  const workers = (): number => workersFor(options.concurrency, runtime.dataverse.recommendedParallelism);
  const applyPage = async (page: readonly ScmRow[]): Promise<void> => {
    const applyMany = flow.applyMany?.bind(flow);
    if (applyMany === undefined) {
      await pool(page, workers(), async (row) => {
        await carry(flow.rowKey(row), flow.keyOf(row), () => flow.apply(row));
        tally.report("changes");
      });
      return;
    }
    const size = Math.max(1, options.batchSize ?? 200);
    const chunks = Array.from({ length: Math.ceil(page.length / size) }, (_, index) =>
      page.slice(index * size, (index + 1) * size),
    );
    await pool(chunks, workers(), async (chunk) => {
      const results = await applyMany(chunk);
      const kept = (await store.pendingCount(map)) > 0;
      for (const [index, row] of chunk.entries()) {
        await settle(row, results[index] ?? new Error("the row was not applied"), kept);
        tally.report("changes");
      }
    });
  };
  try {
    const pending = await store.pendingRows(map);
    const first = await scm.page(flow.entity, {
      filter: `${SCM_ROW_VERSION_FIELD} gt ${from}`,
      orderBy: SCM_ROW_VERSION_FIELD,
      top: pageSize,
      count: true,
    });
    tally.total = pending.length + (first.count ?? first.rows.length);
    release = await flow.prepareRun(tally.total);

    for (const entry of pending) {
      const key = entry.key as ScmKey;
      const row = await scm.getRow(flow.entity, key);
      // Gone from SCM since it failed: what a delete event would have done.
      await carry(entry.rowKey, key, () => (row === undefined ? flow.applyDeleted(key) : flow.apply(row)));
      tally.report("pending");
    }

    let page = first.rows;
    for (;;) {
      await applyPage(page);
      for (const row of page) checkpoint = Math.max(checkpoint, Number(row[SCM_ROW_VERSION_FIELD] ?? 0));
      await store.advanceCheckpoint(map, checkpoint);
      if (page.length < pageSize) break;
      page = (
        await scm.page(flow.entity, {
          filter: `${SCM_ROW_VERSION_FIELD} gt ${checkpoint}`,
          orderBy: SCM_ROW_VERSION_FIELD,
          top: pageSize,
        })
      ).rows;
    }
    return await finish(runtime, runId, map, tally, checkpoint, undefined);
  } catch (error) {
    return await finish(runtime, runId, map, tally, checkpoint, error);
  } finally {
    release?.();
  }
}

/** A batch run of an FS → SCM map (adjustments, transfers, work orders). */
export async function runDataverseToScm(
  flow: DataverseToScmFlow,
  runtime: FlowRuntime,
  options: RunBatchOptions,
): Promise<RunRecord> {
  const map = flow.flow.name;
  const { store, dataverse } = runtime;
  if (options.full === true) await store.resetCheckpoint(map);
  const from = await store.checkpoint(map);
  const runId = await store.startRun(map, from);
  const tally = new RunTally(map, options.onProgress);
  const pageSize = options.pageSize ?? 1000;
  const table = flow.table;
  const handle = async (id: string): Promise<void> => {
    try {
      const result = await flow.process(id);
      if (result.outcome === "failed") tally.fail(id, result.message);
      else tally.count(result.outcome === "changed" ? "changed" : "unchanged");
      await store.forgetFailure(map, id);
    } catch (error) {
      if (!(isRowFailure(error) || error instanceof ScmUnavailableError)) throw error;
      await store.rememberFailure(map, id, { id }, error.message);
      tally.fail(id, error.message);
    }
  };
  let checkpoint = from;
  try {
    const pending = await store.pendingRows(map);
    const filter = (after: number) =>
      [
        `(${flow.pendingFilter()})`,
        `versionnumber gt ${after}`,
        ...(flow.flow.filter === undefined ? [] : [`(${flow.flow.filter.text})`]),
      ].join(" and ");
    const columns = ["versionnumber"];
    for (const entry of pending) {
      const id = (entry.key as { id?: unknown }).id;
      await handle(typeof id === "string" ? id : entry.rowKey);
      tally.report("pending");
    }
    for (;;) {
      const page = await dataverse.all(table, columns, {
        filter: filter(checkpoint),
        orderBy: "versionnumber asc",
        top: pageSize,
        pageSize,
      });
      for (const row of page) {
        tally.total = (tally.total ?? pending.length) + 1;
        await handle(row.id);
        checkpoint = Math.max(checkpoint, Number(row.record.versionnumber ?? 0));
        tally.report("changes");
      }
      await store.advanceCheckpoint(map, checkpoint);
      if (page.length < pageSize) break;
    }
    return await finish(runtime, runId, map, tally, checkpoint, undefined);
  } catch (error) {
    return await finish(runtime, runId, map, tally, checkpoint, error);
  }
}
