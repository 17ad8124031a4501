/**
 * Write serialization. Every top-level write holds one async lock from BEGIN to COMMIT, because
 * synchronous webhook steps are awaited HTTP calls inside the transaction. A webhook handler that
 * calls back into the Web API with the operation's `x-ms-correlation-request-id` while that
 * transaction is open runs INSIDE it, in a savepoint, one level deeper; otherwise it would wait
 * for the lock its own caller holds. Reads never take the lock.
 */
import { AsyncMutex } from "../../http";
import type { DataverseStore } from "../storage/store";
import type { RemoteExecutionContext } from "./execution-context";

export interface TransactionScope {
  readonly correlationId: string;
  /** Work to start once the outermost transaction has committed (async steps); dropped on rollback. */
  readonly afterCommit: (() => void)[];
  /** Handlers of one depth run their nested writes one at a time, so savepoints stay nested. */
  readonly depthLocks: Map<number, AsyncMutex>;
  /** Nested writes still running (a handler may answer before its own call back has finished). */
  readonly running: Set<{ readonly depth: number; readonly done: Promise<unknown> }>;
}

/** A step whose webhook call is in flight: callbacks carrying its correlation id run under it. */
export interface InFlightStep {
  readonly depth: number;
  readonly scope: TransactionScope | undefined;
  readonly context: RemoteExecutionContext;
}

export class TransactionGate {
  private readonly lock = new AsyncMutex();
  private readonly inFlight = new Map<string, InFlightStep[]>();
  /** Savepoint names are unique on the connection, across scopes. */
  private savepoints = 0;

  constructor(private readonly store: DataverseStore) {}

  /** BEGIN … COMMIT under the write lock; ROLLBACK if `work` throws. After-commit work runs last. */
  async transaction<T>(correlationId: string, work: (scope: TransactionScope) => Promise<T>): Promise<T> {
    const scope: TransactionScope = { correlationId, afterCommit: [], depthLocks: new Map(), running: new Set() };
    const result = await this.lock.runExclusive(async () => {
      this.store.begin();
      try {
        const value = await work(scope);
        this.store.commit();
        return value;
      } catch (error) {
        this.store.rollback();
        throw error;
      }
    });
    for (const task of scope.afterCommit) task();
    return result;
  }

  /** A write inside an open transaction: a savepoint, rolled back alone if `work` throws. */
  async nested<T>(scope: TransactionScope, depth: number, work: () => Promise<T>): Promise<T> {
    let depthLock = scope.depthLocks.get(depth);
    if (depthLock === undefined) {
      depthLock = new AsyncMutex();
      scope.depthLocks.set(depth, depthLock);
    }
    const done = depthLock.runExclusive(() => this.inSavepoint(scope, work));
    const entry = { depth, done };
    scope.running.add(entry);
    try {
      return await done;
    } finally {
      scope.running.delete(entry);
    }
  }

  /**
   * Waits until no write nested below `depth` is running, so an operation never goes on (and
   * commits) around a call back its handler left running.
   */
  async settle(scope: TransactionScope, depth: number): Promise<void> {
    for (;;) {
      const deeper = [...scope.running].filter((entry) => entry.depth > depth).map((entry) => entry.done);
      if (deeper.length === 0) return;
      await Promise.allSettled(deeper);
    }
  }

  /**
   * A change set sent by a handler inside an open transaction: one savepoint of that transaction,
   * with a scope of its own so the change set's requests take the per-depth locks afresh.
   */
  async savepointScope<T>(parent: TransactionScope, work: (scope: TransactionScope) => Promise<T>): Promise<T> {
    const child: TransactionScope = { correlationId: parent.correlationId, afterCommit: parent.afterCommit, depthLocks: new Map(), running: parent.running };
    return this.inSavepoint(parent, () => work(child));
  }

  private async inSavepoint<T>(scope: TransactionScope, work: () => Promise<T>): Promise<T> {
    this.savepoints += 1;
    const name = `nested_${this.savepoints}`;
    const queued = scope.afterCommit.length;
    this.store.savepoint(name);
    try {
      const value = await work();
      this.store.release(name);
      return value;
    } catch (error) {
      this.store.rollbackTo(name);
      scope.afterCommit.length = queued;
      throw error;
    }
  }

  /** A short internal write (system job bookkeeping) under the write lock. */
  async write<T>(work: () => T): Promise<T> {
    return this.lock.runExclusive(() => {
      this.store.begin();
      try {
        const value = work();
        this.store.commit();
        return value;
      } catch (error) {
        this.store.rollback();
        throw error;
      }
    });
  }

  /** Marks a webhook call as in flight for its correlation id; returns the function that ends it. */
  enterStep(correlationId: string, step: InFlightStep): () => void {
    const stack = this.inFlight.get(correlationId) ?? [];
    stack.push(step);
    this.inFlight.set(correlationId, stack);
    return () => {
      const index = stack.lastIndexOf(step);
      if (index !== -1) stack.splice(index, 1);
      if (stack.length === 0) this.inFlight.delete(correlationId);
    };
  }

  /** The innermost in-flight step of a correlation id, if a handler of it may be calling back. */
  current(correlationId: string): InFlightStep | undefined {
    const stack = this.inFlight.get(correlationId);
    return stack?.[stack.length - 1];
  }

  /** Writes waiting or running. */
  get pendingWrites(): number {
    return this.lock.pending;
  }
}
