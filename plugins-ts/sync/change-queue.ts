/**
 * The durable change queue: changes that could not be applied yet are kept here, in arrival order,
 * and replayed — never dropped. Reasons: a lookup's row has not arrived yet (`dependency`), the
 * other system did not answer (`unavailable`, fail-open mode), or the map is paused (`paused`, for
 * the sync-operations CLI).
 */
import type { SyncDatabase } from "./sync-database";

export type SyncDirection = "fs-to-scm" | "scm-to-fs";
export type QueueReason = "dependency" | "unavailable" | "paused";

export interface NewChange {
  /** The entity map's name (`warehouses`). */
  readonly map: string;
  readonly direction: SyncDirection;
  /** The row's natural key with its company (`usmf/11`), so changes to one row stay in order. */
  readonly rowKey: string;
  readonly operation: "upsert" | "delete";
  /** What to apply: the SCM business event, or the Dataverse change; JSON. */
  readonly payload: unknown;
  readonly reason: QueueReason;
  /** What it waits for, for people and for `dependencyArrived` (`msdyn_operationalsite usmf/S9`). */
  readonly waitingFor?: readonly string[];
  readonly error?: string;
}

export interface QueuedChange extends Omit<NewChange, "error" | "waitingFor"> {
  readonly sequence: number;
  readonly waitingFor: readonly string[];
  readonly attempts: number;
  readonly lastError: string | null;
  readonly enqueuedAt: string;
  readonly nextAttemptAt: string;
}

export interface QueueFilter {
  readonly map?: string;
  readonly direction?: SyncDirection;
}

interface QueueRow {
  sequence: number;
  map: string;
  direction: SyncDirection;
  row_key: string;
  operation: "upsert" | "delete";
  payload: string;
  reason: QueueReason;
  waiting_for: string | null;
  attempts: number;
  last_error: string | null;
  enqueued_at: string;
  next_attempt_at: string;
}

/** Retry backoff: 5 s, 10 s, 20 s ... capped at 15 min. */
const BACKOFF_BASE_MS = 5_000;
const BACKOFF_MAX_MS = 15 * 60_000;

export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
}

function toChange(row: QueueRow): QueuedChange {
  return {
    sequence: row.sequence,
    map: row.map,
    direction: row.direction,
    rowKey: row.row_key,
    operation: row.operation,
    payload: JSON.parse(row.payload) as unknown,
    reason: row.reason,
    waitingFor: row.waiting_for === null ? [] : (JSON.parse(row.waiting_for) as string[]),
    attempts: row.attempts,
    lastError: row.last_error,
    enqueuedAt: row.enqueued_at,
    nextAttemptAt: row.next_attempt_at,
  };
}

export class ChangeQueue {
  constructor(
    private readonly db: SyncDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {}

  enqueue(change: NewChange): QueuedChange {
    const at = this.now().toISOString();
    const row = this.db
      .prepare<unknown[], QueueRow>(
        `INSERT INTO change_queue (map, direction, row_key, operation, payload, reason, waiting_for, attempts, last_error, enqueued_at, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?) RETURNING *`,
      )
      .get(
        change.map,
        change.direction,
        change.rowKey,
        change.operation,
        JSON.stringify(change.payload),
        change.reason,
        change.waitingFor === undefined ? null : JSON.stringify(change.waitingFor),
        change.error ?? null,
        at,
        new Date(this.now().getTime() + backoffMs(1)).toISOString(),
      );
    if (row === undefined) throw new Error("change_queue insert returned no row");
    return toChange(row);
  }

  /** Every queued change, oldest first. */
  pending(filter: QueueFilter = {}): QueuedChange[] {
    return this.select(filter, false);
  }

  /** Changes whose retry time has come, oldest first. */
  due(filter: QueueFilter = {}): QueuedChange[] {
    return this.select(filter, true);
  }

  depth(filter: QueueFilter = {}): number {
    return this.pending(filter).length;
  }

  /** True when an older change to the same row is still queued (a newer one must wait behind it). */
  hasQueued(map: string, direction: SyncDirection, rowKey: string): boolean {
    return (
      this.db.prepare("SELECT 1 FROM change_queue WHERE map = ? AND direction = ? AND row_key = ? LIMIT 1").get(map, direction, rowKey) !==
      undefined
    );
  }

  /** Changes that wait for this row (`msdyn_operationalsite usmf/S9`), oldest first. */
  waitingFor(dependency: string): QueuedChange[] {
    return this.pending().filter((change) => change.waitingFor.includes(dependency));
  }

  complete(sequence: number): void {
    this.db.prepare("DELETE FROM change_queue WHERE sequence = ?").run(sequence);
  }

  /** Records a failed replay and schedules the next one with backoff. */
  retryLater(sequence: number, error: string, waitingFor?: readonly string[]): void {
    const row = this.db.prepare<[number], { attempts: number }>("SELECT attempts FROM change_queue WHERE sequence = ?").get(sequence);
    if (row === undefined) return;
    const attempts = row.attempts + 1;
    const next = new Date(this.now().getTime() + backoffMs(attempts + 1)).toISOString();
    this.db
      .prepare("UPDATE change_queue SET attempts = ?, last_error = ?, next_attempt_at = ?, waiting_for = COALESCE(?, waiting_for) WHERE sequence = ?")
      .run(attempts, error, next, waitingFor === undefined ? null : JSON.stringify(waitingFor), sequence);
  }

  private select(filter: QueueFilter, dueOnly: boolean): QueuedChange[] {
    const conditions: string[] = [];
    const params: string[] = [];
    if (filter.map !== undefined) {
      conditions.push("map = ?");
      params.push(filter.map);
    }
    if (filter.direction !== undefined) {
      conditions.push("direction = ?");
      params.push(filter.direction);
    }
    if (dueOnly) {
      conditions.push("next_attempt_at <= ?");
      params.push(this.now().toISOString());
    }
    const where = conditions.length === 0 ? "" : `WHERE ${conditions.join(" AND ")}`;
    return this.db.prepare<string[], QueueRow>(`SELECT * FROM change_queue ${where} ORDER BY sequence`).all(...params).map(toChange);
  }
}
