/**
 * The SCM emulator's SQLite database: one table per data entity (from `core/scm/entities.ts`) plus
 * the emulator's own tables (settings, sequences, data event endpoints, the event outbox).
 */
import Database from "better-sqlite3";
import { SCM_ROW_VERSION_FIELD, type ScmEntityDefinition, type ScmFieldDefinition, scmEntities } from "@fsi/core";
import { quoteIdentifier } from "../../odata";
import { emptyValue } from "./fields";

export type ScmDatabase = Database.Database;

export function openScmDatabase(location: string): ScmDatabase {
  const db = new Database(location);
  if (location !== ":memory:") {
    // WAL keeps a crash from losing committed rows and outbox entries.
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
  }
  db.pragma("foreign_keys = ON");
  for (const entity of scmEntities) {
    db.exec(entityTableSql(entity));
    // Batch readers ask for `SysRowVersion gt <last>` in version order (row version change tracking).
    if (SCM_ROW_VERSION_FIELD in entity.fields) {
      db.exec(
        `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`${entity.collection}_${SCM_ROW_VERSION_FIELD}`)} ON ${quoteIdentifier(entity.collection)} (${quoteIdentifier(SCM_ROW_VERSION_FIELD)})`,
      );
    }
  }
  db.exec(`
    CREATE TABLE IF NOT EXISTS _settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS _sequence (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS _event_endpoints (
      id TEXT PRIMARY KEY,
      url TEXT NOT NULL,
      entities TEXT,
      created_at TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS _event_outbox (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      endpoint_id TEXT NOT NULL REFERENCES _event_endpoints (id) ON DELETE CASCADE,
      event TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL,
      last_error TEXT,
      failed_at TEXT,
      created_at TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS _event_outbox_due ON _event_outbox (failed_at, next_attempt_at);
  `);
  return db;
}

/**
 * Text columns compare case-insensitively (`COLLATE NOCASE`): F&O runs on SQL Server's
 * case-insensitive collation, so `WarehouseId='chi-01'` finds `CHI-01` and cannot coexist with it.
 */
function entityTableSql(entity: ScmEntityDefinition): string {
  const columns = Object.entries(entity.fields).map(([name, field]) => `${quoteIdentifier(name)} ${columnType(field)}`);
  const key = entity.keys.map(quoteIdentifier).join(", ");
  return `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(entity.collection)} (${columns.join(", ")}, PRIMARY KEY (${key}))`;
}

function columnType(field: ScmFieldDefinition): string {
  const fallback = emptyValue(field);
  const defaultSql = typeof fallback === "number" ? String(fallback) : `'${fallback.replace(/'/g, "''")}'`;
  switch (field.type) {
    case "Int":
      return `INTEGER NOT NULL DEFAULT ${defaultSql}`;
    case "Real":
      return `REAL NOT NULL DEFAULT ${defaultSql}`;
    case "String":
    case "Enum":
    case "DateTime":
      return `TEXT NOT NULL DEFAULT ${defaultSql} COLLATE NOCASE`;
  }
}

export function readSetting(db: ScmDatabase, name: string): string | undefined {
  return db.prepare<[string], { value: string }>("SELECT value FROM _settings WHERE name = ?").get(name)?.value;
}

export function writeSetting(db: ScmDatabase, name: string, value: string): void {
  db.prepare(
    "INSERT INTO _settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
  ).run(name, value);
}

/**
 * Next value of a named sequence, committed at once: a write that later rolls back leaves a gap,
 * so a number a subscriber has seen is never handed out again.
 */
export function nextSequenceValue(db: ScmDatabase, name: string): number {
  const row = db
    .prepare<
      [string],
      { value: number }
    >("INSERT INTO _sequence (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value")
    .get(name);
  if (row === undefined) throw new Error(`Sequence '${name}' did not return a value.`);
  return row.value;
}
