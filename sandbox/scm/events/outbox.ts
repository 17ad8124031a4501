/**
 * Asynchronous, at-least-once delivery of data events. The write that raises an event adds one
 * outbox row per endpoint in the same SQLite transaction as the data, so a committed change always
 * has its events and a rolled-back one (a refused changeset) never does. A dispatcher then POSTs
 * them after the commit; a row is removed only after a 2xx, so a failure or a restart means it is
 * sent again. Failures are retried with backoff; after the last attempt the event goes to the error
 * log, where it can be resent (UO `business-events/home-page.md`, "Errors": "the system retries
 * several times ... if all attempts are unsuccessful, the business event is saved in an error log";
 * "Resend"). How many retries is **unconfirmed**: `DEFAULT_ATTEMPTS` here.
 *
 * Nothing orders deliveries across rows or promises one delivery per event: consumers must accept
 * duplicates and any order. The test switches (`ScmEventDeliveryFaults`) make that happen on
 * purpose: duplicates, newest-first rounds, a delay, lost events.
 */
import { type ScmEventDeliveryFaults, scmEventDeliveryFaultsSchema } from "@fsi/core";
import type { ScmDatabase } from "../store/database";
import type { DataEventBody } from "./data-event";
import { deliverDataEvent } from "./deliver";

export interface RetryPolicy {
  /** Delay after the first failure; doubles with every further failure. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** How long one delivery may take before it counts as failed (a Dataverse webhook: 60 s). */
  readonly timeoutMs: number;
  /** Attempts before the event goes to the error log. */
  readonly attempts: number;
}

/** One attempt and three retries (**unconfirmed** count). */
const DEFAULT_ATTEMPTS = 4;

export const defaultRetryPolicy: RetryPolicy = {
  baseDelayMs: 1000,
  maxDelayMs: 5 * 60 * 1000,
  timeoutMs: 60 * 1000,
  attempts: DEFAULT_ATTEMPTS,
};

interface OutboxRow {
  id: number;
  endpoint_id: string;
  url: string;
  event: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  failed_at: string | null;
  created_at: string;
}

export interface OutboxEntry {
  readonly id: number;
  readonly endpointId: string;
  readonly url: string;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly lastError: string | null;
  /** Set once the event is in the error log. */
  readonly failedAt: string | null;
  readonly message: string;
  readonly entity: string;
  readonly rowId: string;
}

export class EventOutbox {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private runAgain = false;
  private closed = false;
  private faults: ScmEventDeliveryFaults = scmEventDeliveryFaultsSchema.parse({});

  constructor(
    private readonly db: ScmDatabase,
    private readonly policy: RetryPolicy,
    private readonly log: (message: string) => void,
  ) {}

  deliveryFaults(): ScmEventDeliveryFaults {
    return this.faults;
  }

  setDeliveryFaults(faults: ScmEventDeliveryFaults): void {
    this.faults = faults;
    this.kick();
  }

  /** Adds the event for these endpoints; call inside the write's transaction. */
  enqueue(endpointIds: readonly string[], event: DataEventBody): void {
    if (endpointIds.length === 0) return;
    const now = Date.now();
    const json = JSON.stringify(event);
    const insert = this.db.prepare(
      "INSERT INTO _event_outbox (endpoint_id, event, attempts, next_attempt_at, last_error, failed_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    const lost = this.faults.loseNext > 0;
    if (lost) this.faults = { ...this.faults, loseNext: this.faults.loseNext - 1 };
    for (const id of endpointIds) {
      const created = new Date(now).toISOString();
      if (lost) {
        insert.run(id, json, 0, now, "lost by the emulator's loss switch (as after failed retries)", created, created);
        continue;
      }
      const copies = this.faults.duplicate ? 2 : 1;
      for (let copy = 0; copy < copies; copy += 1)
        insert.run(id, json, 0, now + this.faults.delayMs, null, null, created);
    }
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
        this.log(`SCM data events: delivery round failed: ${error instanceof Error ? error.message : String(error)}`);
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

  /** Events not delivered yet. */
  pending(): OutboxEntry[] {
    return this.entries("o.failed_at IS NULL");
  }

  /** The error log: events whose every attempt failed (or that were lost on purpose). */
  errors(): OutboxEntry[] {
    return this.entries("o.failed_at IS NOT NULL");
  }

  /** Resend from the error log: the event is attempted again, with its retries. */
  resend(id: number): boolean {
    const changed = this.db
      .prepare(
        "UPDATE _event_outbox SET failed_at = NULL, attempts = 0, next_attempt_at = ? WHERE id = ? AND failed_at IS NOT NULL",
      )
      .run(Date.now(), id).changes;
    if (changed > 0) this.kick();
    return changed > 0;
  }

  /** Stops scheduling and waits for a delivery round in flight; undelivered rows stay for next time. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.round;
  }

  private entries(where: string): OutboxEntry[] {
    return this.db
      .prepare<[], OutboxRow>(
        `SELECT o.*, e.url FROM _event_outbox o JOIN _event_endpoints e ON e.id = o.endpoint_id WHERE ${where} ORDER BY o.id`,
      )
      .all()
      .map((row) => {
        const event = JSON.parse(row.event) as {
          MessageName?: string;
          PrimaryEntityName?: string;
          PrimaryEntityId?: string;
        };
        return {
          id: row.id,
          endpointId: row.endpoint_id,
          url: row.url,
          attempts: row.attempts,
          nextAttemptAt: new Date(row.next_attempt_at).toISOString(),
          lastError: row.last_error,
          failedAt: row.failed_at,
          message: event.MessageName ?? "",
          entity: event.PrimaryEntityName ?? "",
          rowId: event.PrimaryEntityId ?? "",
        };
      });
  }

  /** Delivers what is due, one at a time, until nothing due is left. */
  private async deliverDue(): Promise<void> {
    for (;;) {
      if (this.closed || this.faults.hold) return;
      const due = this.db
        .prepare<[number], OutboxRow>(
          `SELECT o.*, e.url FROM _event_outbox o JOIN _event_endpoints e ON e.id = o.endpoint_id
           WHERE o.failed_at IS NULL AND o.next_attempt_at <= ? ORDER BY o.id`,
        )
        .all(Date.now());
      if (due.length === 0) return;
      if (this.faults.reorder) due.reverse();
      let delivered = 0;
      for (const row of due) {
        // close() may have run while the previous delivery was awaited.
        if (this.isClosed()) return;
        if (await this.deliver(row)) delivered += 1;
      }
      if (delivered === 0) return;
    }
  }

  private isClosed(): boolean {
    return this.closed;
  }

  private async deliver(row: OutboxRow): Promise<boolean> {
    const event = JSON.parse(row.event) as DataEventBody;
    const result = await deliverDataEvent(row.url, event, this.policy.timeoutMs);
    if (result.ok) {
      this.db.prepare("DELETE FROM _event_outbox WHERE id = ?").run(row.id);
      return true;
    }
    const attempts = row.attempts + 1;
    const error = `${row.url} ${result.reason}`;
    if (attempts >= this.policy.attempts) {
      this.db
        .prepare("UPDATE _event_outbox SET attempts = ?, last_error = ?, failed_at = ? WHERE id = ?")
        .run(attempts, error, new Date().toISOString(), row.id);
      this.log(
        `SCM data events: ${event.MessageName} ${event.PrimaryEntityId} to ${row.url} failed ${attempts} times; in the error log`,
      );
      return false;
    }
    const delay = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (attempts - 1));
    this.db
      .prepare("UPDATE _event_outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?")
      .run(attempts, Date.now() + delay, error, row.id);
    this.log(`SCM data events: ${event.MessageName} to ${row.url} ${result.reason}; retry ${attempts} in ${delay} ms`);
    return false;
  }

  private scheduleNext(): void {
    if (this.closed) return;
    const next = this.db
      .prepare<
        [],
        { at: number | null }
      >("SELECT MIN(next_attempt_at) AS at FROM _event_outbox WHERE failed_at IS NULL")
      .get()?.at;
    if (next === null || next === undefined) return;
    this.timer = setTimeout(
      () => {
        this.kick();
      },
      Math.max(0, next - Date.now()),
    );
    if (this.faults.hold) return;
    // Pending retries must not keep a finished test or a stopping process alive.
    this.timer.unref();
  }
}
