/**
 * One SQLite table per Dataverse table, built from `core`'s definitions. Writes go through one
 * connection with explicit BEGIN/COMMIT/ROLLBACK (a synchronous webhook is an awaited HTTP call in
 * the middle of a transaction, which better-sqlite3's synchronous `transaction()` cannot span).
 *
 * A file database runs in WAL mode (synchronous NORMAL, checkpoints every ~40 MB of WAL) with a
 * second, read-only connection: reads see the last committed state and never wait for a write in
 * flight. `:memory:` has a single connection (a
 * second one would open a different database), so there a read made while a write transaction is
 * open sees that transaction's rows.
 */
import Database from "better-sqlite3";
import type { TableDefinition } from "@fsi/core";
import {
  lookupIdColumn,
  physicalColumns,
  quoteIdentifier,
  rowFromSql,
  sqlFromRow,
  type Row,
  type SqlRow,
  type SqlValue,
} from "./values";

export type Connection = Database.Database;

export class DataverseStore {
  readonly writer: Connection;
  readonly reader: Connection;
  private readonly statements = new WeakMap<Connection, Map<string, Database.Statement>>();
  /** SQL text built once per table and shape (the statement cache is keyed by the text). */
  private readonly sqlTexts = new Map<string, string>();
  private version: number;
  /** Per table, a count that moves on every write and again when its transaction ends. */
  private readonly generations = new Map<string, number>();
  /** Tables written in the open transaction: their generation moves again at commit or rollback. */
  private readonly pending = new Set<string>();

  constructor(
    path: string,
    readonly tables: readonly TableDefinition[],
  ) {
    this.writer = new Database(path);
    const inMemory = path === ":memory:" || path === "";
    if (!inMemory) {
      this.writer.pragma("journal_mode = WAL");
      this.writer.pragma("synchronous = NORMAL");
      // In WAL mode with synchronous NORMAL a commit does not fsync; a checkpoint (copying the WAL
      // into the database file) does. Bulk writes fill the default 1,000-page WAL every few
      // commits, so checkpoints come less often (about 40 MB of WAL), and the WAL file is cut back
      // to 64 MB after each one.
      this.writer.pragma("wal_autocheckpoint = 10000");
      this.writer.pragma("journal_size_limit = 67108864");
    }
    for (const table of tables) this.createTable(table);
    this.reader = inMemory ? this.writer : new Database(path, { readonly: true, fileMustExist: true });
    this.version = this.highestVersion();
  }

  close(): void {
    if (this.reader !== this.writer) this.reader.close();
    this.writer.close();
  }

  get inTransaction(): boolean {
    return this.writer.inTransaction;
  }

  begin(): void {
    this.writer.exec("BEGIN IMMEDIATE");
  }

  commit(): void {
    this.writer.exec("COMMIT");
    this.settle();
  }

  rollback(): void {
    if (this.writer.inTransaction) this.writer.exec("ROLLBACK");
    this.settle();
  }

  /**
   * A number that changes whenever a row of one of these tables may have changed as a reader sees
   * it: on each write (the in-memory database reads through the writer) and again when the
   * writing transaction commits or rolls back (the file database's reader sees it only then).
   * Caches of rows that rarely change (step registrations) compare it instead of re-reading.
   */
  generation(tables: readonly string[]): number {
    return tables.reduce((sum, table) => sum + (this.generations.get(table) ?? 0), 0);
  }

  /** Records a write to `table` made outside `insertRow`/`updateRow`/`deleteRow`. */
  noteWrite(table: string): void {
    this.generations.set(table, (this.generations.get(table) ?? 0) + 1);
    if (this.writer.inTransaction) this.pending.add(table);
  }

  private settle(): void {
    for (const table of this.pending) this.generations.set(table, (this.generations.get(table) ?? 0) + 1);
    this.pending.clear();
  }

  savepoint(name: string): void {
    this.writer.exec(`SAVEPOINT ${quoteIdentifier(name)}`);
  }

  release(name: string): void {
    this.writer.exec(`RELEASE ${quoteIdentifier(name)}`);
  }

  rollbackTo(name: string): void {
    this.writer.exec(`ROLLBACK TO ${quoteIdentifier(name)}`);
    this.writer.exec(`RELEASE ${quoteIdentifier(name)}`);
    // The undone writes change what a reader of the in-memory database sees.
    for (const table of this.pending) this.generations.set(table, (this.generations.get(table) ?? 0) + 1);
  }

  /** The next row version (Dataverse's `versionnumber`, a database-wide rowversion). */
  nextVersion(): number {
    this.version += 1;
    return this.version;
  }

  statement(db: Connection, sql: string): Database.Statement {
    let cache = this.statements.get(db);
    if (cache === undefined) {
      cache = new Map();
      this.statements.set(db, cache);
    }
    let prepared = cache.get(sql);
    if (prepared === undefined) {
      prepared = db.prepare(sql);
      cache.set(sql, prepared);
    }
    return prepared;
  }

  all(db: Connection, sql: string, params: readonly SqlValue[] = []): SqlRow[] {
    return this.statement(db, sql).all(...params) as SqlRow[];
  }

  first(db: Connection, sql: string, params: readonly SqlValue[] = []): SqlRow | undefined {
    return this.statement(db, sql).get(...params) as SqlRow | undefined;
  }

  /** `build()`'s SQL text, built the first time `name` is asked for. */
  private sqlText(name: string, build: () => string): string {
    let text = this.sqlTexts.get(name);
    if (text === undefined) {
      text = build();
      this.sqlTexts.set(name, text);
    }
    return text;
  }

  getRow(db: Connection, table: TableDefinition, id: string): Row | undefined {
    const sql = this.sqlText(
      `getRow|${table.logicalName}`,
      () =>
        `SELECT * FROM ${quoteIdentifier(table.logicalName)} WHERE ${quoteIdentifier(table.primaryIdAttribute)} = ?`,
    );
    const found = this.first(db, sql, [id]);
    return found === undefined ? undefined : rowFromSql(table, found);
  }

  /** Whether a row with this id exists (without reading its columns). */
  exists(db: Connection, table: TableDefinition, id: string): boolean {
    const sql = this.sqlText(
      `exists|${table.logicalName}`,
      () =>
        `SELECT 1 AS found FROM ${quoteIdentifier(table.logicalName)} WHERE ${quoteIdentifier(table.primaryIdAttribute)} = ?`,
    );
    return this.first(db, sql, [id]) !== undefined;
  }

  /** The id of the row whose physical columns equal `values`, if any. */
  findId(
    db: Connection,
    table: TableDefinition,
    values: Readonly<Record<string, SqlValue>>,
    exceptId?: string,
  ): string | undefined {
    return this.findIds(db, table, values, exceptId, 1)[0];
  }

  /** The ids of the rows whose physical columns equal `values` (at most `limit`). */
  findIds(
    db: Connection,
    table: TableDefinition,
    values: Readonly<Record<string, SqlValue>>,
    exceptId?: string,
    limit = 50,
  ): string[] {
    const names = Object.keys(values);
    const params: SqlValue[] = names.map((name) => values[name] ?? null);
    if (exceptId !== undefined) params.push(exceptId);
    const rows = Math.max(1, Math.floor(limit));
    const sql = this.sqlText(
      `findIds|${table.logicalName}|${names.join(",")}|${exceptId !== undefined}|${rows}`,
      () => {
        const where = names.map((name) => `${quoteIdentifier(name)} = ?`);
        if (exceptId !== undefined) where.push(`${quoteIdentifier(table.primaryIdAttribute)} <> ?`);
        return `SELECT ${quoteIdentifier(table.primaryIdAttribute)} AS id FROM ${quoteIdentifier(table.logicalName)} WHERE ${where.join(" AND ")} LIMIT ${rows}`;
      },
    );
    return this.all(db, sql, params).flatMap((found) => (typeof found.id === "string" ? [found.id] : []));
  }

  insertRow(table: TableDefinition, row: Row): void {
    const values = sqlFromRow(table, row);
    const names = Object.keys(values);
    const sql = this.sqlText(
      `insert|${table.logicalName}|${names.join(",")}`,
      () =>
        `INSERT INTO ${quoteIdentifier(table.logicalName)} (${names.map(quoteIdentifier).join(", ")}) VALUES (${names.map(() => "?").join(", ")})`,
    );
    this.statement(this.writer, sql).run(...names.map((name) => values[name] ?? null));
    this.noteWrite(table.logicalName);
  }

  updateRow(table: TableDefinition, id: string, changes: Row): void {
    const values = sqlFromRow(table, changes);
    const names = Object.keys(values);
    if (names.length === 0) return;
    const sql = `UPDATE ${quoteIdentifier(table.logicalName)} SET ${names.map((name) => `${quoteIdentifier(name)} = ?`).join(", ")} WHERE ${quoteIdentifier(table.primaryIdAttribute)} = ?`;
    this.statement(this.writer, sql).run(...names.map((name) => values[name] ?? null), id);
    this.noteWrite(table.logicalName);
  }

  deleteRow(table: TableDefinition, id: string): void {
    const sql = `DELETE FROM ${quoteIdentifier(table.logicalName)} WHERE ${quoteIdentifier(table.primaryIdAttribute)} = ?`;
    this.statement(this.writer, sql).run(id);
    this.noteWrite(table.logicalName);
  }

  private createTable(table: TableDefinition): void {
    const name = quoteIdentifier(table.logicalName);
    const declared: [string, string][] = [];
    for (const [columnName, column] of Object.entries(table.columns)) {
      for (const [physical, type] of physicalColumns(columnName, column)) {
        declared.push([physical, columnName === table.primaryIdAttribute ? `${type} PRIMARY KEY NOT NULL` : type]);
      }
    }
    this.writer.exec(
      `CREATE TABLE IF NOT EXISTS ${name} (${declared.map(([c, t]) => `${quoteIdentifier(c)} ${t}`).join(", ")})`,
    );
    // A database file written by an older definition gains the columns added since.
    const existing = new Set(
      (this.writer.prepare(`PRAGMA table_info(${name})`).all() as { name: string }[]).map((info) => info.name),
    );
    for (const [physical, type] of declared) {
      if (!existing.has(physical))
        this.writer.exec(`ALTER TABLE ${name} ADD COLUMN ${quoteIdentifier(physical)} ${type}`);
    }
    for (const key of table.alternateKeys) {
      const columns = key.columns.map((column) =>
        table.columns[column]?.type === "lookup" ? lookupIdColumn(column) : column,
      );
      this.writer.exec(
        `CREATE UNIQUE INDEX IF NOT EXISTS ${quoteIdentifier(`${table.logicalName}__${key.name}`)} ON ${name} (${columns.map(quoteIdentifier).join(", ")})`,
      );
    }
    for (const [columnName, column] of Object.entries(table.columns)) {
      if (column.type !== "lookup") continue;
      // $filter compares GUIDs case-insensitively (sandbox/odata), so the index uses NOCASE to serve
      // it; the primary id second keeps a lookup's rows in the order pages are read in (ORDER BY id).
      this.writer.exec(
        `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`${table.logicalName}__${columnName}__byid`)} ON ${name} (${quoteIdentifier(lookupIdColumn(columnName))} COLLATE NOCASE, ${quoteIdentifier(table.primaryIdAttribute)})`,
      );
    }
  }

  private highestVersion(): number {
    let highest = 0;
    for (const table of this.tables) {
      if (!("versionnumber" in table.columns)) continue;
      const found = this.first(
        this.writer,
        `SELECT MAX(versionnumber) AS v FROM ${quoteIdentifier(table.logicalName)}`,
      );
      if (typeof found?.v === "number" && found.v > highest) highest = found.v;
    }
    return highest;
  }
}
