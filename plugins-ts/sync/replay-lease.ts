/* eslint-disable @typescript-eslint/require-await -- synchronous SQLite under the asynchronous state-store interface */
/**
 * One replayer at a time across processes. The host replays its queue on a timer and when a
 * dependency arrives; `fsi sync resume` and `retry` replay from a shell, against the same state
 * file. Two replayers taking the same change would apply it twice, so each pass holds this lease:
 * a row in the state file with a holder and an expiry, taken atomically (an upsert that only
 * succeeds when the lease is free, expired, or already ours). A holder that dies lets it expire.
 */
import type { ReplayLeaseHandle } from "./state-store";
import { randomUUID } from "node:crypto";
import type { SyncDatabase } from "./sync-database";

const LEASE_NAME = "change-queue";
/** Renewed after every change applied, so only a dead holder's lease runs out. */
export const DEFAULT_LEASE_MS = 30_000;

export class ReplayLease implements ReplayLeaseHandle {
  constructor(
    private readonly db: SyncDatabase,
    readonly holder: string = randomUUID(),
    private readonly now: () => number = Date.now,
    private readonly leaseMs: number = DEFAULT_LEASE_MS,
  ) {}

  /** Takes (or renews) the lease; false when another live holder has it. */
  async acquire(): Promise<boolean> {
    const now = this.now();
    const result = this.db
      .prepare(
        `INSERT INTO replay_lease (name, holder, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
         WHERE replay_lease.holder = excluded.holder OR replay_lease.expires_at <= ?`,
      )
      .run(LEASE_NAME, this.holder, now + this.leaseMs, now);
    return result.changes > 0;
  }

  async release(): Promise<void> {
    this.db.prepare("DELETE FROM replay_lease WHERE name = ? AND holder = ?").run(LEASE_NAME, this.holder);
  }

  /** Who holds it now (for messages), or undefined when free. */
  async currentHolder(): Promise<string | undefined> {
    const row = this.db
      .prepare<
        [string, number],
        { holder: string }
      >("SELECT holder FROM replay_lease WHERE name = ? AND expires_at > ?")
      .get(LEASE_NAME, this.now());
    return row?.holder;
  }
}
