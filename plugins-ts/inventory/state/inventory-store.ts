/* eslint-disable @typescript-eslint/require-await -- synchronous SQLite under the asynchronous state-store interface */
/**
 * The inventory engine's own state, in SQLite through better-sqlite3 (docs/design.md §4 "Storage";
 * `:memory:` in tests, a file beside the host otherwise):
 * - `checkpoints`: per map, the highest change version a batch run has read (SCM's
 *   `SysRowVersion`, Dataverse's `versionnumber`), so the next run reads only what changed since;
 * - `runs`: every batch run with its counts and first errors (what `batchStatus` shows);
 * - `pending_rows`: rows that failed and are read again, by key, at the start of the next run —
 *   the checkpoint moves on, the row is not lost;
 * - `event_stamps`: per row, the control number of the last SCM event applied, so a redelivered or
 *   late event never takes a row back in time;
 * - `live_stats`: counts of live (event-driven) work per map.
 */
import Database from "better-sqlite3";
import {
  type FinishedRun,
  type InventoryStateStore,
  type LiveOutcome,
  type LiveStats,
  MAX_RUN_ERRORS,
  type PendingRow,
  type RowError,
  type RunCounts,
  type RunRecord,
  type RunStatus,
} from "./inventory-state";

export { MAX_RUN_ERRORS };
export type { LiveOutcome, LiveStats, PendingRow, RowError, RunCounts, RunRecord, RunStatus };

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE checkpoints (map TEXT PRIMARY KEY, version INTEGER NOT NULL, updated_at TEXT NOT NULL)`,
  `CREATE TABLE runs (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     map TEXT NOT NULL,
     started_at TEXT NOT NULL,
     finished_at TEXT,
     status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'partial', 'failed')),
     read INTEGER NOT NULL DEFAULT 0,
     changed INTEGER NOT NULL DEFAULT 0,
     unchanged INTEGER NOT NULL DEFAULT 0,
     filtered INTEGER NOT NULL DEFAULT 0,
     failed INTEGER NOT NULL DEFAULT 0,
     checkpoint_from INTEGER NOT NULL,
     checkpoint_to INTEGER,
     error TEXT,
     errors TEXT NOT NULL DEFAULT '[]'
   )`,
  `CREATE INDEX runs_map ON runs (map, id)`,
  `CREATE TABLE pending_rows (
     map TEXT NOT NULL,
     row_key TEXT NOT NULL,
     key_json TEXT NOT NULL,
     last_error TEXT NOT NULL,
     attempts INTEGER NOT NULL,
     first_failed_at TEXT NOT NULL,
     last_failed_at TEXT NOT NULL,
     PRIMARY KEY (map, row_key)
   )`,
  `CREATE TABLE event_stamps (map TEXT NOT NULL, row_key TEXT NOT NULL, control_number INTEGER NOT NULL, PRIMARY KEY (map, row_key))`,
  `CREATE TABLE live_stats (
     map TEXT PRIMARY KEY,
     received INTEGER NOT NULL DEFAULT 0,
     changed INTEGER NOT NULL DEFAULT 0,
     unchanged INTEGER NOT NULL DEFAULT 0,
     skipped INTEGER NOT NULL DEFAULT 0,
     failed INTEGER NOT NULL DEFAULT 0,
     last_event_at TEXT,
     last_error TEXT
   )`,
];

interface RunRow {
  id: number;
  map: string;
  started_at: string;
  finished_at: string | null;
  status: RunStatus;
  read: number;
  changed: number;
  unchanged: number;
  filtered: number;
  failed: number;
  checkpoint_from: number;
  checkpoint_to: number | null;
  error: string | null;
  errors: string;
}

function toRun(row: RunRow): RunRecord {
  return {
    id: row.id,
    map: row.map,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: row.status,
    read: row.read,
    changed: row.changed,
    unchanged: row.unchanged,
    filtered: row.filtered,
    failed: row.failed,
    checkpointFrom: row.checkpoint_from,
    checkpointTo: row.checkpoint_to,
    error: row.error,
    errors: JSON.parse(row.errors) as RowError[],
  };
}

export class InventoryStore implements InventoryStateStore {
  private readonly db: Database.Database;

  constructor(
    path: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.db = new Database(path);
    if (path !== ":memory:") this.db.pragma("journal_mode = WAL");
    const version = this.db.pragma("user_version", { simple: true }) as number;
    this.db.transaction(() => {
      MIGRATIONS.slice(version).forEach((statement) => this.db.exec(statement));
      this.db.pragma(`user_version = ${MIGRATIONS.length}`);
    })();
  }

  async checkpoint(map: string): Promise<number> {
    return (
      this.db.prepare<[string], { version: number }>("SELECT version FROM checkpoints WHERE map = ?").get(map)
        ?.version ?? 0
    );
  }

  /** Moves the checkpoint forward only (a lower version never replaces a higher one). */
  async advanceCheckpoint(map: string, version: number): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO checkpoints (map, version, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (map) DO UPDATE SET version = MAX(version, excluded.version), updated_at = excluded.updated_at`,
      )
      .run(map, version, this.now().toISOString());
  }

  /** Forgets the checkpoint: the next run reads everything (`runBatch(map, { full: true })`). */
  async resetCheckpoint(map: string): Promise<void> {
    this.db.prepare("DELETE FROM checkpoints WHERE map = ?").run(map);
  }

  async startRun(map: string, checkpointFrom: number): Promise<number> {
    const result = this.db
      .prepare("INSERT INTO runs (map, started_at, status, checkpoint_from) VALUES (?, ?, 'running', ?)")
      .run(map, this.now().toISOString(), checkpointFrom);
    return Number(result.lastInsertRowid);
  }

  async finishRun(id: number, outcome: FinishedRun): Promise<RunRecord> {
    const row = this.db
      .prepare<unknown[], RunRow>(
        `UPDATE runs SET finished_at = ?, status = ?, read = ?, changed = ?, unchanged = ?, filtered = ?, failed = ?, checkpoint_to = ?, error = ?, errors = ?
         WHERE id = ? RETURNING *`,
      )
      .get(
        this.now().toISOString(),
        outcome.status,
        outcome.read,
        outcome.changed,
        outcome.unchanged,
        outcome.filtered,
        outcome.failed,
        outcome.checkpointTo,
        outcome.error ?? null,
        JSON.stringify(outcome.errors.slice(0, MAX_RUN_ERRORS)),
        id,
      );
    if (row === undefined) throw new Error(`run ${id} does not exist`);
    return toRun(row);
  }

  async lastRun(map: string): Promise<RunRecord | undefined> {
    const row = this.db.prepare<[string], RunRow>("SELECT * FROM runs WHERE map = ? ORDER BY id DESC LIMIT 1").get(map);
    return row === undefined ? undefined : toRun(row);
  }

  async recentRuns(map: string, limit = 10): Promise<RunRecord[]> {
    return this.db
      .prepare<[string, number], RunRow>("SELECT * FROM runs WHERE map = ? ORDER BY id DESC LIMIT ?")
      .all(map, limit)
      .map(toRun);
  }

  async pendingRows(map: string): Promise<PendingRow[]> {
    return this.db
      .prepare<[string], { row_key: string; key_json: string; last_error: string; attempts: number }>(
        "SELECT * FROM pending_rows WHERE map = ? ORDER BY first_failed_at, row_key",
      )
      .all(map)
      .map((row) => ({
        rowKey: row.row_key,
        key: JSON.parse(row.key_json) as unknown,
        lastError: row.last_error,
        attempts: row.attempts,
      }));
  }

  async pendingCount(map: string): Promise<number> {
    return (
      this.db.prepare<[string], { count: number }>("SELECT COUNT(*) AS count FROM pending_rows WHERE map = ?").get(map)
        ?.count ?? 0
    );
  }

  async rememberFailure(map: string, rowKey: string, key: unknown, error: string): Promise<void> {
    const at = this.now().toISOString();
    this.db
      .prepare(
        `INSERT INTO pending_rows (map, row_key, key_json, last_error, attempts, first_failed_at, last_failed_at) VALUES (?, ?, ?, ?, 1, ?, ?)
         ON CONFLICT (map, row_key) DO UPDATE SET last_error = excluded.last_error, attempts = attempts + 1, last_failed_at = excluded.last_failed_at`,
      )
      .run(map, rowKey, JSON.stringify(key), error, at, at);
  }

  async forgetFailure(map: string, rowKey: string): Promise<void> {
    this.db.prepare("DELETE FROM pending_rows WHERE map = ? AND row_key = ?").run(map, rowKey);
  }

  /** The control number of the last event applied to a row. */
  async eventStamp(map: string, rowKey: string): Promise<number | undefined> {
    return this.db
      .prepare<
        [string, string],
        { control_number: number }
      >("SELECT control_number FROM event_stamps WHERE map = ? AND row_key = ?")
      .get(map, rowKey)?.control_number;
  }

  async recordEventStamp(map: string, rowKey: string, controlNumber: number): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO event_stamps (map, row_key, control_number) VALUES (?, ?, ?)
         ON CONFLICT (map, row_key) DO UPDATE SET control_number = MAX(control_number, excluded.control_number)`,
      )
      .run(map, rowKey, controlNumber);
  }

  async recordLive(map: string, outcome: LiveOutcome, error?: string): Promise<void> {
    const column = outcome;
    this.db
      .prepare(
        `INSERT INTO live_stats (map, received, ${column}, last_event_at, last_error) VALUES (?, 1, 1, ?, ?)
         ON CONFLICT (map) DO UPDATE SET received = received + 1, ${column} = ${column} + 1, last_event_at = excluded.last_event_at,
           last_error = COALESCE(excluded.last_error, last_error)`,
      )
      .run(map, this.now().toISOString(), error ?? null);
  }

  async liveStats(map: string): Promise<LiveStats | undefined> {
    const row = this.db
      .prepare<
        [string],
        {
          received: number;
          changed: number;
          unchanged: number;
          skipped: number;
          failed: number;
          last_event_at: string | null;
          last_error: string | null;
        }
      >("SELECT * FROM live_stats WHERE map = ?")
      .get(map);
    return row === undefined
      ? undefined
      : {
          received: row.received,
          changed: row.changed,
          unchanged: row.unchanged,
          skipped: row.skipped,
          failed: row.failed,
          lastEventAt: row.last_event_at,
          lastError: row.last_error,
        };
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
