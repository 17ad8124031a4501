/**
 * Dataverse rows by natural key and back, built from the rows a run reads (and the rows it
 * creates), so a bulk run resolves lookups from memory instead of one query per row:
 * - FS → SCM: a lookup's id → the referenced row's natural key (`OperationalSiteId = 'S1'`);
 * - SCM → FS: a natural key within a company → the Dataverse id to bind.
 * Keys match case-insensitively, as both systems compare text (SQL Server collations).
 */
const ANY_COMPANY = "*";

interface TableIndex {
  readonly keyById: Map<string, { readonly key: string; readonly company: string | undefined }>;
  readonly idByKey: Map<string, string>;
}

const slot = (company: string | undefined, key: string) =>
  `${(company ?? ANY_COMPANY).toLowerCase()}\u0000${key.toLowerCase()}`;

export class DataverseKeyIndex {
  private readonly tables = new Map<string, TableIndex>();

  has(table: string): boolean {
    return this.tables.has(table);
  }

  /** Starts (or keeps) the table's index; a table with no rows is still "loaded". */
  ensure(table: string): void {
    if (!this.tables.has(table)) this.tables.set(table, { keyById: new Map(), idByKey: new Map() });
  }

  add(table: string, id: string, key: string, company: string | undefined): void {
    this.ensure(table);
    const index = this.tables.get(table);
    if (index === undefined) return;
    const lower = id.toLowerCase();
    index.keyById.set(lower, { key, company });
    if (company !== undefined) index.idByKey.set(slot(company, key), lower);
    // For lookups that match in any company (a table that is not company-scoped): first row wins.
    if (!index.idByKey.has(slot(undefined, key))) index.idByKey.set(slot(undefined, key), lower);
  }

  remove(table: string, id: string): void {
    const index = this.tables.get(table);
    const entry = index?.keyById.get(id.toLowerCase());
    if (index === undefined || entry === undefined) return;
    index.keyById.delete(id.toLowerCase());
    if (entry.company !== undefined && index.idByKey.get(slot(entry.company, entry.key)) === id.toLowerCase())
      index.idByKey.delete(slot(entry.company, entry.key));
    if (index.idByKey.get(slot(undefined, entry.key)) === id.toLowerCase())
      index.idByKey.delete(slot(undefined, entry.key));
  }

  keyOf(table: string, id: string): string | undefined {
    return this.tables.get(table)?.keyById.get(id.toLowerCase())?.key;
  }

  /** The row with this key in `company` (or in any company when `company` is undefined). */
  idOf(table: string, key: string, company: string | undefined): string | undefined {
    return this.tables.get(table)?.idByKey.get(slot(company, key));
  }
}
