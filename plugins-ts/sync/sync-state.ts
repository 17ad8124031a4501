/**
 * The host's state store on SQLite (`FSI_STATE_STORE=sqlite`, the default): the sync's state in one
 * file (`sync-database.ts`: WAL, busy timeout, append-only migrations), shared by the plug-in host
 * and the `fsi` CLI on the same machine, and the inventory engine's state in its own file
 * (`inventory/state/inventory-store.ts`). `:memory:` in tests.
 */
import { InventoryStore } from "../inventory/state/inventory-store";
import { ChangeQueue, type RetryBackoff } from "./change-queue";
import { InitialSyncStore } from "./initial-sync-store";
import { SyncMapStates } from "./map-states";
import { DEFAULT_LEASE_MS, ReplayLease } from "./replay-lease";
import { ScmRowIds } from "./scm-row-ids";
import type { HostStateStore } from "./state-store";
import { type SyncDatabase, openSyncDatabase } from "./sync-database";
import { SyncLedger } from "./sync-ledger";

export interface SqliteStateOptions {
  /** The sync's state file; `:memory:` for tests. */
  readonly path: string;
  /** The inventory engine's state file; default `:memory:`. */
  readonly inventoryPath?: string;
  readonly retryBackoff?: RetryBackoff;
  readonly now?: () => Date;
  /** How long the replay lease lasts unrenewed; default `DEFAULT_LEASE_MS`. */
  readonly leaseMs?: number;
}

export interface SqliteStateStore extends HostStateStore {
  readonly kind: "sqlite";
  /** The sync's database, for tests that inspect it. */
  readonly db: SyncDatabase;
}

export function openSqliteStateStore(options: SqliteStateOptions): SqliteStateStore {
  const now = options.now ?? (() => new Date());
  const db = openSyncDatabase(options.path);
  const inventory = new InventoryStore(options.inventoryPath ?? ":memory:", now);
  return {
    kind: "sqlite",
    db,
    queue: new ChangeQueue(db, now, options.retryBackoff),
    ledger: new SyncLedger(db, now),
    mapStates: new SyncMapStates(db, now),
    initial: new InitialSyncStore(db, now),
    rowIds: new ScmRowIds(db),
    inventory,
    lease: (holder) => new ReplayLease(db, holder, () => now().getTime(), options.leaseMs ?? DEFAULT_LEASE_MS),
    async close() {
      db.close();
      await inventory.close();
    },
  };
}

/** The sync's state file alone (the CLI and tests that need no inventory state). */
export function openSyncState(path: string): SqliteStateStore {
  return openSqliteStateStore({ path });
}
