/**
 * Everything kept in the state file, opened together: what the plug-in host holds, and what the
 * sync CLI opens beside a running host (same file, WAL, busy timeout — see sync-database.ts).
 */
import { ChangeQueue } from "./change-queue";
import { InitialSyncStore } from "./initial-sync-store";
import { SyncMapStates } from "./map-states";
import { ReplayLease } from "./replay-lease";
import { type SyncDatabase, openSyncDatabase } from "./sync-database";
import { SyncLedger } from "./sync-ledger";

export interface SyncState {
  readonly db: SyncDatabase;
  readonly queue: ChangeQueue;
  readonly ledger: SyncLedger;
  readonly mapStates: SyncMapStates;
  readonly initial: InitialSyncStore;
  readonly lease: ReplayLease;
  close(): void;
}

export function openSyncState(path: string): SyncState {
  const db = openSyncDatabase(path);
  return {
    db,
    queue: new ChangeQueue(db),
    ledger: new SyncLedger(db),
    mapStates: new SyncMapStates(db),
    initial: new InitialSyncStore(db),
    lease: new ReplayLease(db),
    close: () => {
      db.close();
    },
  };
}
