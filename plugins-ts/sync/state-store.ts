/**
 * The host's state, behind one asynchronous interface (docs/design.md §4 "Storage"): the change
 * queue, the sync ledger, each map's running/paused state, the replay lease, the initial sync's
 * runs, checkpoints and errors, the SCM row ids seen in data events, and the inventory engine's
 * state. Two implementations:
 * - SQLite (`sync-state.ts`) — one embedded file (the sandbox, a single host): better-sqlite3,
 *   synchronous under the promise, the schema and migrations of `sync-database.ts`;
 * - Azure Storage (`azure/`) — Tables (ETag optimistic concurrency) and a Blob lease, shared by every
 *   instance of a scaled-out host and by the `fsi` CLI.
 * `open-state-store.ts` picks one from the settings (`FSI_STATE_STORE`).
 */
import type { ScmRowIdMemory } from "../integration/scm-data-event";
import type { InventoryStateStore } from "../inventory/state/inventory-state";
import type { NewChange, QueueFilter, QueuedChange, ReplayableFilter, SyncDirection } from "./change-queue";
import type { FinishedRow, InitialRun, RowError, RowOutcome, SyncMaster } from "./initial-sync-store";
import type { MapStateEntry, MapSyncState } from "./map-states";
import type { LedgerEntry, LedgerUpdate, MapLedgerSummary } from "./sync-ledger";

/** Durable, ordered per row; see change-queue.ts for what each reason and the catch-up list mean. */
export interface ChangeQueueStore {
  enqueue(change: NewChange): Promise<QueuedChange>;
  /** Every queued change (held ones too), oldest first. */
  pending(filter?: QueueFilter): Promise<QueuedChange[]>;
  /** Changes whose retry time has come, oldest first (held ones and paused maps too). */
  due(filter?: QueueFilter): Promise<QueuedChange[]>;
  /** What a replay may apply now: not of a paused map, not held, not behind a held change of the same row. */
  replayable(filter: ReplayableFilter): Promise<QueuedChange[]>;
  /** The catch-up list, oldest first. */
  held(filter?: QueueFilter): Promise<QueuedChange[]>;
  depth(filter?: QueueFilter): Promise<number>;
  /** True when an older change (not a resync) to the same row is still queued. */
  hasQueued(map: string, direction: SyncDirection, rowKey: string): Promise<boolean>;
  /** Changes that wait for this row (`msdyn_operationalsite usmf/S9`), oldest first. */
  waitingFor(dependency: string): Promise<QueuedChange[]>;
  complete(sequence: number): Promise<void>;
  /** Records a failed replay and schedules the next one with backoff. */
  retryLater(sequence: number, error: string, waitingFor?: readonly string[]): Promise<void>;
  /** Puts a refused change on the catch-up list; it keeps its place in its row's order. */
  hold(sequence: number, error: string): Promise<void>;
  /** Takes changes off the catch-up list, due now; answers how many. */
  release(filter: QueueFilter): Promise<number>;
}

export interface SyncLedgerStore {
  get(map: string, rowKey: string): Promise<LedgerEntry | undefined>;
  byDataverseId(map: string, dataverseId: string): Promise<LedgerEntry | undefined>;
  /** Records an outcome. Stamps only grow: a smaller one (a late replay) never lowers them. */
  record(update: LedgerUpdate): Promise<LedgerEntry>;
  summary(map: string): Promise<MapLedgerSummary>;
  /** The rows of a map that stand Failed, by row key. */
  failures(map: string): Promise<LedgerEntry[]>;
}

export interface MapStateStore {
  isPaused(map: string): Promise<boolean>;
  get(map: string): Promise<MapStateEntry | undefined>;
  /** Pauses a map; answers the state it had. */
  pause(map: string, note?: string): Promise<MapSyncState>;
  /** Lets a map run again; answers the state it had. */
  resume(map: string): Promise<MapSyncState>;
}

/** One replayer at a time across processes and instances. */
export interface ReplayLeaseHandle {
  readonly holder: string;
  /** Takes (or renews) the lease; false when another live holder has it. */
  acquire(): Promise<boolean>;
  release(): Promise<void>;
  /** Who holds it now (for messages), or undefined when free. */
  currentHolder(): Promise<string | undefined>;
}

export interface InitialSyncStateStore {
  unfinished(maps: readonly string[], direction: SyncDirection): Promise<InitialRun | undefined>;
  start(maps: readonly string[], direction: SyncDirection, master: SyncMaster): Promise<InitialRun>;
  markResumed(runId: number): Promise<void>;
  /** Closes an unfinished run without finishing it (`--restart`). */
  abandon(runId: number): Promise<void>;
  /** Deletes a run that stopped before finishing any row. */
  discardIfEmpty(runId: number): Promise<boolean>;
  finish(runId: number): Promise<void>;
  finishedRows(runId: number, map: string, pass: number): Promise<Set<string>>;
  /**
   * Records a written batch and the ledger outcomes of its rows. SQLite: one transaction. Azure:
   * the ledger first, then the batch (entity group transactions): a crash between them redoes the
   * batch, which compares rows before writing.
   */
  recordBatch(
    runId: number,
    map: string,
    pass: number,
    rows: readonly FinishedRow[],
    ledger?: readonly LedgerUpdate[],
  ): Promise<void>;
  outcomes(runId: number): Promise<Map<string, Record<RowOutcome, number>>>;
  finishedCount(runId: number): Promise<number>;
  errors(runId: number): Promise<RowError[]>;
  lastRunOf(map: string): Promise<(InitialRun & { readonly rows: number; readonly errors: number }) | undefined>;
}

/** The SCM virtual-table GUIDs seen in data events, with their natural keys. */
export type ScmRowIdStore = ScmRowIdMemory;

export interface HostStateStore {
  /** `sqlite` or `azure`, for messages. */
  readonly kind: "sqlite" | "azure";
  readonly queue: ChangeQueueStore;
  readonly ledger: SyncLedgerStore;
  readonly mapStates: MapStateStore;
  readonly initial: InitialSyncStateStore;
  readonly rowIds: ScmRowIdStore;
  readonly inventory: InventoryStateStore;
  /** A replay lease with its own holder id (each replayer takes one). */
  lease(holder?: string): ReplayLeaseHandle;
  close(): Promise<void>;
}
