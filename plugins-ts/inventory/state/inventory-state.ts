/**
 * The inventory engine's state, behind one asynchronous interface (part of the host's state store,
 * `sync/state-store.ts`): per map the change-version checkpoint, the batch runs, the rows kept for
 * a retry, the last SCM event applied per row, and counts of live work. SQLite:
 * `inventory-store.ts`; Azure Storage Tables: `sync/azure/azure-inventory-state.ts`.
 */

/** Errors kept per run for `batchStatus` (the log has all of them). */
export const MAX_RUN_ERRORS = 20;

export type RunStatus = "running" | "succeeded" | "partial" | "failed";

export interface RowError {
  readonly rowKey: string;
  readonly message: string;
}

export interface RunCounts {
  readonly read: number;
  readonly changed: number;
  readonly unchanged: number;
  readonly filtered: number;
  readonly failed: number;
}

export interface RunRecord extends RunCounts {
  readonly id: number;
  readonly map: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly status: RunStatus;
  readonly checkpointFrom: number;
  readonly checkpointTo: number | null;
  /** Why the run stopped, when it failed as a whole. */
  readonly error: string | null;
  readonly errors: readonly RowError[];
}

export interface PendingRow {
  readonly rowKey: string;
  /** What the flow needs to read the row again (an SCM key, a Dataverse id). */
  readonly key: unknown;
  readonly lastError: string;
  readonly attempts: number;
}

export interface LiveStats {
  readonly received: number;
  readonly changed: number;
  readonly unchanged: number;
  readonly skipped: number;
  readonly failed: number;
  readonly lastEventAt: string | null;
  readonly lastError: string | null;
}

export type LiveOutcome = "changed" | "unchanged" | "skipped" | "failed";

export type FinishedRun = RunCounts & {
  readonly status: Exclude<RunStatus, "running">;
  readonly checkpointTo: number;
  readonly error?: string;
  readonly errors: readonly RowError[];
};

export interface InventoryStateStore {
  checkpoint(map: string): Promise<number>;
  /** Moves the checkpoint forward only (a lower version never replaces a higher one). */
  advanceCheckpoint(map: string, version: number): Promise<void>;
  /** Forgets the checkpoint: the next run reads everything. */
  resetCheckpoint(map: string): Promise<void>;
  startRun(map: string, checkpointFrom: number): Promise<number>;
  finishRun(id: number, outcome: FinishedRun): Promise<RunRecord>;
  lastRun(map: string): Promise<RunRecord | undefined>;
  /** Newest first. */
  recentRuns(map: string, limit?: number): Promise<RunRecord[]>;
  /** Oldest failure first. */
  pendingRows(map: string): Promise<PendingRow[]>;
  pendingCount(map: string): Promise<number>;
  rememberFailure(map: string, rowKey: string, key: unknown, error: string): Promise<void>;
  forgetFailure(map: string, rowKey: string): Promise<void>;
  /** The control number of the last event applied to a row. */
  eventStamp(map: string, rowKey: string): Promise<number | undefined>;
  /** Stamps only grow. */
  recordEventStamp(map: string, rowKey: string, controlNumber: number): Promise<void>;
  recordLive(map: string, outcome: LiveOutcome, error?: string): Promise<void>;
  liveStats(map: string): Promise<LiveStats | undefined>;
  close(): Promise<void>;
}
