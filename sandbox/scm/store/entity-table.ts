/**
 * Reads and writes of one data entity's table. Every statement is parameterised; identifiers come
 * from the entity definitions and are quoted.
 */
import { type ScmEntityDefinition, type ScmKey, scmField } from "@fsi/core";
import {
  type ColumnResolver,
  type CompiledQuery,
  type SqlFragment,
  quoteIdentifier,
  selectStatement,
} from "../../odata";
import type { ScmDatabase } from "./database";
import { type StoredRow, type StoredValue, columnKind } from "./fields";

export const COMPANY_FIELD = "dataAreaId";

export interface PageRequest {
  readonly query: CompiledQuery;
  /** Company scope; `undefined` reads across companies (`cross-company=true`). */
  readonly company: string | undefined;
  /** Rows to fetch at most (the page size + 1 to see whether there is a next page). */
  readonly limit: number;
}

export class EntityTable {
  readonly resolver: ColumnResolver;
  private readonly table: string;
  private readonly fieldNames: readonly string[];
  private readonly keyCondition: string;

  constructor(
    private readonly db: ScmDatabase,
    readonly entity: ScmEntityDefinition,
  ) {
    if (entity.keys[0] !== COMPANY_FIELD) {
      throw new Error(`${entity.collection}: the emulator needs '${COMPANY_FIELD}' as the first key field.`);
    }
    this.table = quoteIdentifier(entity.collection);
    this.fieldNames = Object.keys(entity.fields);
    this.keyCondition = entity.keys.map((key) => `${quoteIdentifier(key)} = ?`).join(" AND ");
    this.resolver = (name) => {
      const field = scmField(entity, name);
      return field === undefined ? undefined : { sqlExpression: quoteIdentifier(name), kind: columnKind(field) };
    };
  }

  find(key: ScmKey): StoredRow | undefined {
    const row = this.db
      .prepare<unknown[], StoredRow>(`SELECT * FROM ${this.table} WHERE ${this.keyCondition}`)
      .get(...this.keyValues(key));
    return row === undefined ? undefined : this.ordered(row);
  }

  /** One page of rows and, when asked, the count of all matches. */
  page(request: PageRequest): { rows: StoredRow[]; count: number | undefined } {
    const conditions: SqlFragment[] =
      request.company === undefined
        ? []
        : [{ sql: `${quoteIdentifier(COMPANY_FIELD)} = ?`, params: [request.company] }];
    const statement = selectStatement({
      from: this.table,
      columns: "*",
      query: request.query,
      conditions,
      tieBreakers: this.entity.keys.map(quoteIdentifier),
      limit: request.limit,
    });
    const rows = this.db
      .prepare<unknown[], StoredRow>(statement.rows.sql)
      .all(...statement.rows.params)
      .map((row) => this.ordered(row));
    const count = request.query.count
      ? (this.db.prepare<unknown[], { count: number }>(statement.count.sql).get(...statement.count.params)?.count ?? 0)
      : undefined;
    return { rows, count };
  }

  count(company: string | undefined): number {
    const where = company === undefined ? "" : ` WHERE ${quoteIdentifier(COMPANY_FIELD)} = ?`;
    const params = company === undefined ? [] : [company];
    return (
      this.db
        .prepare<unknown[], { count: number }>(`SELECT COUNT(*) AS count FROM ${this.table}${where}`)
        .get(...params)?.count ?? 0
    );
  }

  insert(row: StoredRow): void {
    const columns = this.fieldNames.map(quoteIdentifier).join(", ");
    const placeholders = this.fieldNames.map(() => "?").join(", ");
    this.db
      .prepare(`INSERT INTO ${this.table} (${columns}) VALUES (${placeholders})`)
      .run(...this.fieldNames.map((name) => row[name] ?? null));
  }

  replace(key: ScmKey, row: StoredRow): void {
    const assignments = this.fieldNames.map((name) => `${quoteIdentifier(name)} = ?`).join(", ");
    this.db
      .prepare(`UPDATE ${this.table} SET ${assignments} WHERE ${this.keyCondition}`)
      .run(...this.fieldNames.map((name) => row[name] ?? null), ...this.keyValues(key));
  }

  delete(key: ScmKey): void {
    this.db.prepare(`DELETE FROM ${this.table} WHERE ${this.keyCondition}`).run(...this.keyValues(key));
  }

  /** The first row of `company` (in key order) whose `field` is `value`, e.g. a journal by external reference. */
  findBy(company: string, field: string, value: StoredValue): StoredRow | undefined {
    const order = this.entity.keys.map(quoteIdentifier).join(", ");
    const row = this.db
      .prepare<
        unknown[],
        StoredRow
      >(`SELECT * FROM ${this.table} WHERE ${quoteIdentifier(COMPANY_FIELD)} = ? AND ${quoteIdentifier(field)} = ? ORDER BY ${order} LIMIT 1`)
      .get(company, value);
    return row === undefined ? undefined : this.ordered(row);
  }

  /** How many rows of `company` have `value` in `field` (a journal's lines). */
  countBy(company: string, field: string, value: StoredValue): number {
    return (
      this.db
        .prepare<
          unknown[],
          { count: number }
        >(`SELECT COUNT(*) AS count FROM ${this.table} WHERE ${quoteIdentifier(COMPANY_FIELD)} = ? AND ${quoteIdentifier(field)} = ?`)
        .get(company, value)?.count ?? 0
    );
  }

  /** Whether a row of this entity in `company` has `value` in `field` (reference checks). */
  hasValue(company: string, field: string, value: StoredValue): boolean {
    const row = this.db
      .prepare(
        `SELECT 1 FROM ${this.table} WHERE ${quoteIdentifier(COMPANY_FIELD)} = ? AND ${quoteIdentifier(field)} = ? LIMIT 1`,
      )
      .get(company, value);
    return row !== undefined;
  }

  /** Whether another row (not `exclude`) in `company` has these values (uniqueness checks). */
  hasOtherWith(company: string, values: Readonly<Record<string, StoredValue>>, exclude: ScmKey): boolean {
    const fields = Object.keys(values);
    const matches = fields.map((field) => `${quoteIdentifier(field)} = ?`).join(" AND ");
    const row = this.db
      .prepare(
        `SELECT 1 FROM ${this.table} WHERE ${quoteIdentifier(COMPANY_FIELD)} = ? AND ${matches} AND NOT (${this.keyCondition}) LIMIT 1`,
      )
      .get(company, ...fields.map((field) => values[field] ?? null), ...this.keyValues(exclude));
    return row !== undefined;
  }

  keyOf(row: StoredRow): ScmKey {
    return Object.fromEntries(this.entity.keys.map((key) => [key, String(row[key] ?? "")]));
  }

  private keyValues(key: ScmKey): string[] {
    return this.entity.keys.map((name) => key[name] ?? "");
  }

  /** Columns in definition order, so JSON replies list fields as the entity does. */
  private ordered(row: StoredRow): StoredRow {
    return Object.fromEntries(this.fieldNames.map((name) => [name, row[name] ?? ""]));
  }
}
