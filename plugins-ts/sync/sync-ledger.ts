/* eslint-disable @typescript-eslint/require-await -- synchronous SQLite under the asynchronous state-store interface */
/**
 * The sync ledger: per mapped row, the last change applied in each direction and where the row
 * stands with SCM. The ordering stamps make redelivered and out-of-order events harmless:
 * - FS → SCM: Dataverse's `versionnumber` (rowversion, grows with every write of the row);
 * - SCM → FS: the business event's `ControlNumber` (grows by one per event, never repeats).
 * An event older than the last one applied to the same row is dropped as stale.
 */
import type { SyncLedgerStore } from "./state-store";
import type { Statement } from "better-sqlite3";
import type { SyncDatabase } from "./sync-database";

export type RowSyncStatus = "synced" | "pending" | "failed";

export interface LedgerEntry {
  readonly map: string;
  readonly rowKey: string;
  readonly dataverseId: string | null;
  readonly fsStamp: number | null;
  readonly scmStamp: number | null;
  readonly status: RowSyncStatus;
  readonly lastError: string | null;
  readonly lastSyncedOn: string | null;
}

interface LedgerRow {
  map: string;
  row_key: string;
  dataverse_id: string | null;
  fs_stamp: number | null;
  scm_stamp: number | null;
  status: RowSyncStatus;
  last_error: string | null;
  last_synced_on: string | null;
}

function toEntry(row: LedgerRow): LedgerEntry {
  return {
    map: row.map,
    rowKey: row.row_key,
    dataverseId: row.dataverse_id,
    fsStamp: row.fs_stamp,
    scmStamp: row.scm_stamp,
    status: row.status,
    lastError: row.last_error,
    lastSyncedOn: row.last_synced_on,
  };
}

export interface LedgerUpdate {
  readonly map: string;
  readonly rowKey: string;
  readonly dataverseId?: string;
  readonly status: RowSyncStatus;
  readonly error?: string;
  /** Set for FS → SCM changes. */
  readonly fsStamp?: number;
  /** Set for SCM → FS changes. */
  readonly scmStamp?: number;
}

export class SyncLedger implements SyncLedgerStore {
  constructor(
    private readonly db: SyncDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Statements prepared once: a bulk run records a row at a time, a hundred thousand times. */
  private readonly statements = new Map<string, Statement>();

  private statement(sql: string): Statement {
    let prepared = this.statements.get(sql);
    if (prepared === undefined) {
      prepared = this.db.prepare(sql);
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  async get(map: string, rowKey: string): Promise<LedgerEntry | undefined> {
    const row = this.statement("SELECT * FROM sync_ledger WHERE map = ? AND row_key = ?").get(map, rowKey) as
      | LedgerRow
      | undefined;
    return row === undefined ? undefined : toEntry(row);
  }

  async byDataverseId(map: string, dataverseId: string): Promise<LedgerEntry | undefined> {
    const row = this.db
      .prepare<[string, string], LedgerRow>("SELECT * FROM sync_ledger WHERE map = ? AND dataverse_id = ?")
      .get(map, dataverseId.toLowerCase());
    return row === undefined ? undefined : toEntry(row);
  }

  /** Records an outcome. Stamps only grow: a smaller one (a late replay) never lowers them. */
  async record(update: LedgerUpdate): Promise<LedgerEntry> {
    return this.recordNow(update);
  }

  /** `record`, synchronously: inside another of this file's transactions (an initial sync's batch). */
  recordNow(update: LedgerUpdate): LedgerEntry {
    const syncedOn = update.status === "synced" ? this.now().toISOString() : null;
    const row = this.statement(
      `INSERT INTO sync_ledger (map, row_key, dataverse_id, fs_stamp, scm_stamp, status, last_error, last_synced_on)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (map, row_key) DO UPDATE SET
           dataverse_id = COALESCE(excluded.dataverse_id, dataverse_id),
           fs_stamp = MAX(COALESCE(excluded.fs_stamp, fs_stamp), COALESCE(fs_stamp, excluded.fs_stamp)),
           scm_stamp = MAX(COALESCE(excluded.scm_stamp, scm_stamp), COALESCE(scm_stamp, excluded.scm_stamp)),
           status = excluded.status,
           last_error = excluded.last_error,
           last_synced_on = COALESCE(excluded.last_synced_on, last_synced_on)
         RETURNING *`,
    ).get(
      update.map,
      update.rowKey,
      update.dataverseId?.toLowerCase() ?? null,
      update.fsStamp ?? null,
      update.scmStamp ?? null,
      update.status,
      update.error ?? null,
      syncedOn,
    ) as LedgerRow | undefined;
    if (row === undefined) throw new Error("sync_ledger upsert returned no row");
    return toEntry(row);
  }

  /** Per map: when a row last synced, and how many rows stand Failed (for `fsi sync status`). */
  async summary(map: string): Promise<MapLedgerSummary> {
    const row = this.db
      .prepare<
        [string],
        { last: string | null; failed: number; synced: number }
      >("SELECT MAX(last_synced_on) AS last, SUM(status = 'failed') AS failed, SUM(status = 'synced') AS synced FROM sync_ledger WHERE map = ?")
      .get(map);
    return { lastSyncedOn: row?.last ?? null, failed: row?.failed ?? 0, synced: row?.synced ?? 0 };
  }

  /** The rows of a map that stand Failed, with their error. */
  async failures(map: string): Promise<LedgerEntry[]> {
    return this.db
      .prepare<[string], LedgerRow>("SELECT * FROM sync_ledger WHERE map = ? AND status = 'failed' ORDER BY row_key")
      .all(map)
      .map(toEntry);
  }
}

export interface MapLedgerSummary {
  readonly lastSyncedOn: string | null;
  readonly failed: number;
  readonly synced: number;
}
