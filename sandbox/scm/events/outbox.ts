/**
 * Durable, at-least-once delivery to asynchronous subscribers. The write that raises an event adds
 * one outbox row per async subscriber in the same SQLite transaction as the data, so a committed
 * change always has its events and a rolled-back one never does. A dispatcher then POSTs them:
 * a row is removed only after a 2xx, so a crash or a failure means it is sent again (subscribers
 * dedupe on `EventId`). Each subscriber gets its events in commit order — a failing event holds
 * back the later ones for that subscriber (an update never overtakes its create) — and failures
 * are retried with exponential backoff.
 */
import type { ScmBusinessEvent } from "../../../core";
import type { ScmDatabase } from "../store/database";
import { deliverEvent } from "./deliver";

export interface RetryPolicy {
  /** Delay after the first failure; doubles with every further failure. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** How long one delivery may take before it counts as failed. */
  readonly timeoutMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { baseDelayMs: 1000, maxDelayMs: 5 * 60 * 1000, timeoutMs: 30 * 1000 };

interface OutboxRow {
  id: number;
  subscription_id: string;
  url: string;
  event: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: string;
}

export interface PendingDelivery {
  readonly id: number;
  readonly subscriptionId: string;
  readonly url: string;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly lastError: string | null;
  readonly event: Pick<ScmBusinessEvent, "EventId" | "ControlNumber" | "EntityName" | "Operation" | "LegalEntity" | "Keys">;
}

export class EventOutbox {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private runAgain = false;
  private closed = false;

  constructor(
    private readonly db: ScmDatabase,
    private readonly policy: RetryPolicy,
    private readonly log: (message: string) => void,
  ) {}

  /** Adds the event for these subscribers; call inside the write's transaction. */
  enqueue(subscriptionIds: readonly string[], event: ScmBusinessEvent): void {
    const insert = this.db.prepare("INSERT INTO _outbox (subscription_id, event, next_attempt_at, created_at) VALUES (?, ?, ?, ?)");
    const json = JSON.stringify(event);
    const now = Date.now();
    for (const id of subscriptionIds) insert.run(id, json, now, new Date(now).toISOString());
  }

  /** Starts a delivery round now (after a commit, or at start-up for what a restart left). */
  kick(): void {
    if (this.closed) return;
    if (this.round !== undefined) {
      this.runAgain = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.round = this.deliverDue()
      .catch((error: unknown) => {
        this.log(`SCM outbox: delivery round failed: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => {
        this.round = undefined;
        if (this.runAgain) {
          this.runAgain = false;
          this.kick();
        } else {
          this.scheduleNext();
        }
      });
  }

  pending(): PendingDelivery[] {
    return this.db
      .prepare<[], OutboxRow>(
        `SELECT o.*, s.url FROM _outbox o JOIN _subscriptions s ON s.id = o.subscription_id ORDER BY o.id`,
      )
      .all()
      .map((row) => {
        const event = JSON.parse(row.event) as ScmBusinessEvent;
        return {
          id: row.id,
          subscriptionId: row.subscription_id,
          url: row.url,
          attempts: row.attempts,
          nextAttemptAt: new Date(row.next_attempt_at).toISOString(),
          lastError: row.last_error,
          event: {
            EventId: event.EventId,
            ControlNumber: event.ControlNumber,
            EntityName: event.EntityName,
            Operation: event.Operation,
            LegalEntity: event.LegalEntity,
            Keys: event.Keys,
          },
        };
      });
  }

  /** Stops scheduling and waits for a delivery round in flight; undelivered rows stay for next time. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.round;
  }

  /** Delivers each subscriber's oldest event while it is due, until nothing due is left. */
  private async deliverDue(): Promise<void> {
    for (;;) {
      const due = this.heads().filter((row) => row.next_attempt_at <= Date.now());
      if (due.length === 0 || this.closed) return;
      const results = await Promise.all(due.map((row) => this.deliver(row)));
      if (!results.some(Boolean)) return;
    }
  }

  private async deliver(row: OutboxRow): Promise<boolean> {
    const event = JSON.parse(row.event) as ScmBusinessEvent;
    const result = await deliverEvent(row.url, event, this.policy.timeoutMs);
    if (result.ok) {
      this.db.prepare("DELETE FROM _outbox WHERE id = ?").run(row.id);
      return true;
    }
    const attempts = row.attempts + 1;
    const delay = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (attempts - 1));
    this.db
      .prepare("UPDATE _outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?")
      .run(attempts, Date.now() + delay, `${row.url} ${result.reason}`, row.id);
    this.log(`SCM outbox: event ${event.ControlNumber} to ${row.url} ${result.reason}; retry ${attempts} in ${delay} ms`);
    return false;
  }

  /** The oldest undelivered row of every subscriber. */
  private heads(): OutboxRow[] {
    return this.db
      .prepare<[], OutboxRow>(
        `SELECT o.*, s.url FROM _outbox o JOIN _subscriptions s ON s.id = o.subscription_id
         WHERE o.id IN (SELECT MIN(id) FROM _outbox GROUP BY subscription_id)`,
      )
      .all();
  }

  private scheduleNext(): void {
    if (this.closed) return;
    const next = this.db
      .prepare<[], { at: number | null }>(
        "SELECT MIN(next_attempt_at) AS at FROM _outbox WHERE id IN (SELECT MIN(id) FROM _outbox GROUP BY subscription_id)",
      )
      .get()?.at;
    if (next === null || next === undefined) return;
    this.timer = setTimeout(() => {
      this.kick();
    }, Math.max(0, next - Date.now()));
    // Pending retries must not keep a finished test or a stopping process alive.
    this.timer.unref();
  }
}
