/**
 * Transactions with row locks, as Dataverse's SQL database gives them (Learn, "Scalable
 * customization design: Database transactions"): creating or updating a record takes a write lock
 * on it, held until the transaction commits or aborts, and "an update lock blocks anything else
 * updating that record"; ordinary reads are not blocked and see committed rows. Each request from
 * outside (a webhook handler's call back into the Web API included) is a transaction of its own:
 * "a transaction can't be maintained across separate requests made externally".
 *
 * Many transactions are open at once. Each keeps its writes in memory (its overlay) and reads
 * through it, so it sees its own rows; the writes reach SQLite in one short synchronous
 * BEGIN … COMMIT when it commits, so no SQLite transaction is ever open across an await and
 * unrelated rows never wait on each other. A write to a row another open transaction has written
 * waits for that transaction to end: a design that would block (or deadlock until the webhook
 * timeout) in a real org blocks here too. A wait cycle between transactions of the emulator is a
 * deadlock, refused as SQL Server refuses its victim.
 */
import type { TableDefinition } from "@fsi/core";
import { deadlockVictim, duplicateKey } from "../errors";
import type { DataverseStore } from "../storage/store";
import { sqlFromRow, type Row, type SqlRow, type SqlValue } from "../storage/values";

/** A physical write, run against SQLite when the transaction commits. */
type PendingWrite = (store: DataverseStore) => void;

export class Transaction {
  /** Rows this transaction wrote: table → id → row (null once deleted). */
  private readonly overlay = new Map<string, Map<string, Row | null>>();
  /** The same rows in their SQL form (what `findId` compares). */
  private readonly overlaySql = new Map<string, Map<string, SqlRow | null>>();
  readonly writes: PendingWrite[] = [];
  /** Work to start once the transaction has committed (asynchronous steps); dropped on rollback. */
  readonly afterCommit: (() => void)[] = [];
  readonly locks = new Set<string>();

  constructor(
    readonly correlationId: string,
    private readonly store: DataverseStore,
  ) {}

  /** The row as this transaction sees it: its own write, else the committed row. */
  getRow(table: TableDefinition, id: string): Row | undefined {
    const own = this.overlay.get(table.logicalName)?.get(id);
    if (own !== undefined) return own ?? undefined;
    return this.store.getRow(this.store.writer, table, id);
  }

  exists(table: TableDefinition, id: string): boolean {
    const own = this.overlay.get(table.logicalName)?.get(id);
    if (own !== undefined) return own !== null;
    return this.store.exists(this.store.writer, table, id);
  }

  /** The id of a row whose physical columns equal `values`, as this transaction sees the table. */
  findId(table: TableDefinition, values: Readonly<Record<string, SqlValue>>, exceptId?: string): string | undefined {
    const own = this.overlay.get(table.logicalName);
    const wanted = Object.entries(values);
    for (const [id, sql] of this.overlaySql.get(table.logicalName) ?? []) {
      if (sql === null || id === exceptId) continue;
      if (wanted.every(([name, value]) => sameSql(sql[name] ?? null, value))) return id;
    }
    for (const id of this.store.findIds(this.store.writer, table, values, exceptId)) {
      if (own?.has(id) !== true) return id;
    }
    return undefined;
  }

  /** Records a write: visible to this transaction now, to everyone once committed. */
  record(table: TableDefinition, id: string, row: Row | null, write: PendingWrite): void {
    let rows = this.overlay.get(table.logicalName);
    if (rows === undefined) {
      rows = new Map();
      this.overlay.set(table.logicalName, rows);
    }
    rows.set(id, row);
    // Kept in SQL form too: a bulk write looks up its own earlier rows once per row (alternate keys).
    let sqlRows = this.overlaySql.get(table.logicalName);
    if (sqlRows === undefined) {
      sqlRows = new Map();
      this.overlaySql.set(table.logicalName, sqlRows);
    }
    sqlRows.set(id, row === null ? null : sqlFromRow(table, row));
    this.writes.push(write);
  }
}

function sameSql(a: SqlValue, b: SqlValue): boolean {
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  return a === b;
}

interface LockEntry {
  holder: Transaction;
  readonly waiters: (() => void)[];
}

export class TransactionGate {
  private readonly locks = new Map<string, LockEntry>();
  /** The lock each waiting transaction waits for (to find wait cycles). */
  private readonly waitingFor = new Map<Transaction, string>();
  private open = 0;

  constructor(private readonly store: DataverseStore) {}

  /** Runs `work` in a new transaction; commits when it succeeds, discards its writes when it throws. */
  async transaction<T>(correlationId: string, work: (transaction: Transaction) => Promise<T>): Promise<T> {
    const transaction = new Transaction(correlationId, this.store);
    this.open += 1;
    try {
      const value = await work(transaction);
      this.commit(transaction);
      for (const task of transaction.afterCommit) task();
      return value;
    } finally {
      this.open -= 1;
      this.release(transaction);
    }
  }

  /**
   * Takes the write lock on `key` (a row, or an alternate key's values) for `transaction`, waiting
   * while another open transaction holds it.
   */
  async lock(transaction: Transaction, key: string): Promise<void> {
    for (;;) {
      const entry = this.locks.get(key);
      if (entry === undefined) {
        this.locks.set(key, { holder: transaction, waiters: [] });
        transaction.locks.add(key);
        return;
      }
      if (entry.holder === transaction) return;
      if (this.wouldDeadlock(transaction, entry.holder)) throw deadlockVictim();
      this.waitingFor.set(transaction, key);
      try {
        await new Promise<void>((resolve) => entry.waiters.push(resolve));
      } finally {
        this.waitingFor.delete(transaction);
      }
    }
  }

  /** A short internal write (system job bookkeeping), committed at once. */
  write<T>(work: () => T): T {
    this.store.begin();
    try {
      const value = work();
      this.store.commit();
      return value;
    } catch (error) {
      this.store.rollback();
      throw error;
    }
  }

  /** Transactions open now. */
  get openTransactions(): number {
    return this.open;
  }

  /** Transactions waiting for a row lock now. */
  get waiting(): number {
    return this.waitingFor.size;
  }

  private commit(transaction: Transaction): void {
    this.store.begin();
    try {
      for (const write of transaction.writes) write(this.store);
      this.store.commit();
    } catch (error) {
      this.store.rollback();
      // The unique indexes stand for the alternate keys: a row another transaction committed first.
      if (error instanceof Error && /UNIQUE constraint failed/.test(error.message))
        throw duplicateKey("alternate key", []);
      throw error;
    }
  }

  private release(transaction: Transaction): void {
    for (const key of transaction.locks) {
      const entry = this.locks.get(key);
      if (entry?.holder !== transaction) continue;
      this.locks.delete(key);
      for (const wake of entry.waiters) wake();
    }
    transaction.locks.clear();
  }

  /** Whether `holder` waits, directly or through others, for a lock `transaction` holds. */
  private wouldDeadlock(transaction: Transaction, holder: Transaction): boolean {
    const seen = new Set<Transaction>();
    for (let current: Transaction | undefined = holder; current !== undefined && !seen.has(current); ) {
      if (current === transaction) return true;
      seen.add(current);
      const key = this.waitingFor.get(current);
      current = key === undefined ? undefined : this.locks.get(key)?.holder;
    }
    return false;
  }
}
