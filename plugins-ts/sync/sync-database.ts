/**
 * The plug-in host's own state, in SQLite through better-sqlite3 (DESIGN.md §4 "Storage"): the
 * durable change queue and the sync ledger. `:memory:` in tests, a file beside the host otherwise.
 * WAL mode lets the async replay read while a webhook writes.
 */
import Database from "better-sqlite3";

export type SyncDatabase = Database.Database;

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE change_queue (
     sequence INTEGER PRIMARY KEY AUTOINCREMENT,
     map TEXT NOT NULL,
     direction TEXT NOT NULL CHECK (direction IN ('fs-to-scm', 'scm-to-fs')),
     row_key TEXT NOT NULL,
     operation TEXT NOT NULL CHECK (operation IN ('upsert', 'delete')),
     payload TEXT NOT NULL,
     reason TEXT NOT NULL CHECK (reason IN ('dependency', 'unavailable', 'paused')),
     waiting_for TEXT,
     attempts INTEGER NOT NULL DEFAULT 0,
     last_error TEXT,
     enqueued_at TEXT NOT NULL,
     next_attempt_at TEXT NOT NULL
   )`,
  `CREATE INDEX change_queue_row ON change_queue (map, direction, row_key)`,
  `CREATE TABLE sync_ledger (
     map TEXT NOT NULL,
     row_key TEXT NOT NULL,
     dataverse_id TEXT,
     fs_stamp INTEGER,
     scm_stamp INTEGER,
     status TEXT NOT NULL CHECK (status IN ('synced', 'pending', 'failed')),
     last_error TEXT,
     last_synced_on TEXT,
     PRIMARY KEY (map, row_key)
   )`,
  `CREATE INDEX sync_ledger_dataverse_id ON sync_ledger (dataverse_id)`,
];

export function openSyncDatabase(path: string): SyncDatabase {
  const db = new Database(path);
  if (path !== ":memory:") db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = ON");
  const version = db.pragma("user_version", { simple: true }) as number;
  db.transaction(() => {
    MIGRATIONS.slice(version).forEach((statement) => db.exec(statement));
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  })();
  return db;
}
