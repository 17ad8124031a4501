/**
 * The plug-in host's own state, in SQLite through better-sqlite3 (docs/design.md §4 "Storage"): the
 * durable change queue, the sync ledger, each map's state (running or paused), the replay lease
 * and the initial sync's runs, checkpoints and errors. `:memory:` in tests, a file beside the host
 * otherwise. The sync CLI (`fsi sync`) opens the same file as the running host: that is how a
 * pause reaches the host. WAL mode lets one connection read while another writes, and the busy
 * timeout makes a writer wait for the other process's write instead of failing.
 *
 * Migrations only ever append (the index of the last one applied is `user_version`).
 */
import Database from "better-sqlite3";

export type SyncDatabase = Database.Database;

/** How long a write waits for another process's write (the host and the CLI share the file). */
const BUSY_TIMEOUT_MS = 10_000;

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
  // The catch-up list: a change the other system refused on replay waits here, outside the
  // automatic retries, until `fsi sync retry <map>` (retrying will not help until someone acts).
  `ALTER TABLE change_queue ADD COLUMN held INTEGER NOT NULL DEFAULT 0`,
  `CREATE TABLE sync_maps (
     map TEXT PRIMARY KEY,
     state TEXT NOT NULL CHECK (state IN ('running', 'paused')),
     changed_at TEXT NOT NULL,
     note TEXT
   )`,
  `CREATE TABLE replay_lease (
     name TEXT PRIMARY KEY,
     holder TEXT NOT NULL,
     expires_at INTEGER NOT NULL
   )`,
  `CREATE TABLE initial_runs (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     maps TEXT NOT NULL,
     direction TEXT NOT NULL CHECK (direction IN ('fs-to-scm', 'scm-to-fs')),
     master TEXT NOT NULL CHECK (master IN ('fs', 'scm')),
     status TEXT NOT NULL CHECK (status IN ('running', 'finished')),
     started_at TEXT NOT NULL,
     resumed_at TEXT,
     finished_at TEXT
   )`,
  `CREATE TABLE initial_done (
     run_id INTEGER NOT NULL REFERENCES initial_runs (id) ON DELETE CASCADE,
     map TEXT NOT NULL,
     pass INTEGER NOT NULL,
     row_key TEXT NOT NULL,
     outcome TEXT NOT NULL CHECK (outcome IN ('created', 'updated', 'written-back', 'unchanged', 'failed')),
     PRIMARY KEY (run_id, map, pass, row_key)
   ) WITHOUT ROWID`,
  `CREATE TABLE initial_errors (
     run_id INTEGER NOT NULL REFERENCES initial_runs (id) ON DELETE CASCADE,
     map TEXT NOT NULL,
     pass INTEGER NOT NULL,
     row_key TEXT NOT NULL,
     message TEXT NOT NULL,
     PRIMARY KEY (run_id, map, pass, row_key)
   )`,
  // A resync: makes the other system's row equal to this system's row as it stands when replayed
  // (after a write whose outcome is unknown). Later changes of the row do not wait behind it.
  `ALTER TABLE change_queue ADD COLUMN resync INTEGER NOT NULL DEFAULT 0`,
];

export function openSyncDatabase(path: string): SyncDatabase {
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  if (path !== ":memory:") db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = ON");
  // IMMEDIATE, and the version read inside: two processes opening a new file migrate it once.
  db.transaction(() => {
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version >= MIGRATIONS.length) return;
    MIGRATIONS.slice(version).forEach((statement) => db.exec(statement));
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
  return db;
}
