/* eslint-disable @typescript-eslint/require-await -- synchronous SQLite under the asynchronous state-store interface */
/**
 * The initial sync's checkpoint, in the host's state file: one run per `fsi sync initial`
 * invocation, the rows each pass has finished (with what happened to them) and every row error.
 * A run that did not finish — the process was killed, the machine went down — is picked up by the
 * next invocation for the same maps and direction: finished rows are skipped, the rest are done.
 * A batch's rows are recorded in one transaction after the batch is written, so a crash loses at
 * most the batch in flight, and that batch is harmless to redo (rows are compared with the target
 * before anything is written).
 */
import type { InitialSyncStateStore } from "./state-store";
import type { SyncDirection } from "./change-queue";
import type { SyncDatabase } from "./sync-database";
import { type LedgerUpdate, SyncLedger } from "./sync-ledger";

export type SyncMaster = "fs" | "scm";
export type RowOutcome = "created" | "updated" | "written-back" | "unchanged" | "failed";

export interface InitialRun {
  readonly id: number;
  /** The maps in the order they are synced. */
  readonly maps: readonly string[];
  readonly direction: SyncDirection;
  readonly master: SyncMaster;
  readonly status: "running" | "finished";
  readonly startedAt: string;
  readonly resumedAt: string | null;
  readonly finishedAt: string | null;
}

export interface FinishedRow {
  readonly rowKey: string;
  readonly outcome: RowOutcome;
  /** Set when `outcome` is `failed`. */
  readonly error?: string;
}

export interface RowError {
  readonly map: string;
  readonly pass: number;
  readonly rowKey: string;
  readonly message: string;
}

interface RunRow {
  id: number;
  maps: string;
  direction: SyncDirection;
  master: SyncMaster;
  status: "running" | "finished";
  started_at: string;
  resumed_at: string | null;
  finished_at: string | null;
}

function toRun(row: RunRow): InitialRun {
  return {
    id: row.id,
    maps: JSON.parse(row.maps) as string[],
    direction: row.direction,
    master: row.master,
    status: row.status,
    startedAt: row.started_at,
    resumedAt: row.resumed_at,
    finishedAt: row.finished_at,
  };
}

export class InitialSyncStore implements InitialSyncStateStore {
  private readonly ledger: SyncLedger;

  constructor(
    private readonly db: SyncDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.ledger = new SyncLedger(db, now);
  }

  /** The unfinished run of these maps in this direction, if a earlier invocation left one. */
  async unfinished(maps: readonly string[], direction: SyncDirection): Promise<InitialRun | undefined> {
    const row = this.db
      .prepare<
        [string, SyncDirection],
        RunRow
      >("SELECT * FROM initial_runs WHERE maps = ? AND direction = ? AND status = 'running' ORDER BY id DESC LIMIT 1")
      .get(JSON.stringify(maps), direction);
    return row === undefined ? undefined : toRun(row);
  }

  async start(maps: readonly string[], direction: SyncDirection, master: SyncMaster): Promise<InitialRun> {
    const row = this.db
      .prepare<
        [string, SyncDirection, SyncMaster, string],
        RunRow
      >("INSERT INTO initial_runs (maps, direction, master, status, started_at) VALUES (?, ?, ?, 'running', ?) RETURNING *")
      .get(JSON.stringify(maps), direction, master, this.now().toISOString());
    if (row === undefined) throw new Error("initial_runs insert returned no row");
    return toRun(row);
  }

  async markResumed(runId: number): Promise<void> {
    this.db.prepare("UPDATE initial_runs SET resumed_at = ? WHERE id = ?").run(this.now().toISOString(), runId);
  }

  /** Closes an unfinished run without finishing it (`--restart`): its checkpoint no longer applies. */
  async abandon(runId: number): Promise<void> {
    this.db
      .prepare("UPDATE initial_runs SET status = 'finished', finished_at = ? WHERE id = ?")
      .run(this.now().toISOString(), runId);
  }

  /** Deletes a run that stopped before finishing any row: there is nothing to resume. */
  async discardIfEmpty(runId: number): Promise<boolean> {
    if ((await this.finishedCount(runId)) > 0 || (await this.errors(runId)).length > 0) return false;
    return this.db.prepare("DELETE FROM initial_runs WHERE id = ? AND status = 'running'").run(runId).changes > 0;
  }

  async finish(runId: number): Promise<void> {
    await this.abandon(runId);
  }

  /** The rows a pass of a map has finished, for skipping on resume. */
  async finishedRows(runId: number, map: string, pass: number): Promise<Set<string>> {
    const rows = this.db
      .prepare<
        [number, string, number],
        { row_key: string }
      >("SELECT row_key FROM initial_done WHERE run_id = ? AND map = ? AND pass = ?")
      .all(runId, map, pass);
    return new Set(rows.map((row) => row.row_key));
  }

  /** Records a written batch and its rows' ledger outcomes in one transaction. */
  async recordBatch(
    runId: number,
    map: string,
    pass: number,
    rows: readonly FinishedRow[],
    ledger: readonly LedgerUpdate[] = [],
  ): Promise<void> {
    const done = this.db.prepare(
      "INSERT OR REPLACE INTO initial_done (run_id, map, pass, row_key, outcome) VALUES (?, ?, ?, ?, ?)",
    );
    const failed = this.db.prepare(
      "INSERT OR REPLACE INTO initial_errors (run_id, map, pass, row_key, message) VALUES (?, ?, ?, ?, ?)",
    );
    this.db.transaction(() => {
      for (const row of rows) {
        done.run(runId, map, pass, row.rowKey, row.outcome);
        if (row.outcome === "failed") failed.run(runId, map, pass, row.rowKey, row.error ?? "failed");
      }
      for (const update of ledger) this.ledger.recordNow(update);
    })();
  }

  /** How many rows of each outcome the run has finished so far, per map. */
  async outcomes(runId: number): Promise<Map<string, Record<RowOutcome, number>>> {
    const rows = this.db
      .prepare<
        [number],
        { map: string; outcome: RowOutcome; n: number }
      >("SELECT map, outcome, COUNT(*) AS n FROM initial_done WHERE run_id = ? AND pass = 1 GROUP BY map, outcome")
      .all(runId);
    const byMap = new Map<string, Record<RowOutcome, number>>();
    for (const row of rows) {
      const counts = byMap.get(row.map) ?? { created: 0, updated: 0, "written-back": 0, unchanged: 0, failed: 0 };
      counts[row.outcome] = row.n;
      byMap.set(row.map, counts);
    }
    return byMap;
  }

  async finishedCount(runId: number): Promise<number> {
    return (
      this.db.prepare<[number], { n: number }>("SELECT COUNT(*) AS n FROM initial_done WHERE run_id = ?").get(runId)
        ?.n ?? 0
    );
  }

  /** Every row error of the run (of earlier attempts too), in map order then row key. */
  async errors(runId: number): Promise<RowError[]> {
    return this.db
      .prepare<[number], { map: string; pass: number; row_key: string; message: string }>(
        "SELECT map, pass, row_key, message FROM initial_errors WHERE run_id = ? ORDER BY rowid",
      )
      .all(runId)
      .map((row) => ({ map: row.map, pass: row.pass, rowKey: row.row_key, message: row.message }));
  }

  /** The latest run that touched a map (for `fsi sync status`). */
  async lastRunOf(map: string): Promise<(InitialRun & { readonly rows: number; readonly errors: number }) | undefined> {
    const row = this.db
      .prepare<
        [string],
        RunRow
      >("SELECT r.* FROM initial_runs r WHERE EXISTS (SELECT 1 FROM json_each(r.maps) WHERE json_each.value = ?) ORDER BY r.id DESC LIMIT 1")
      .get(map);
    if (row === undefined) return undefined;
    const counts = this.db
      .prepare<
        [number, string, number, string],
        { rows: number; errors: number }
      >("SELECT (SELECT COUNT(*) FROM initial_done WHERE run_id = ? AND map = ? AND pass = 1) AS rows, (SELECT COUNT(*) FROM initial_errors WHERE run_id = ? AND map = ?) AS errors")
      .get(row.id, map, row.id, map);
    return { ...toRun(row), rows: counts?.rows ?? 0, errors: counts?.errors ?? 0 };
  }
}
