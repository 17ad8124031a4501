/* eslint-disable @typescript-eslint/require-await -- synchronous SQLite under the asynchronous state-store interface */
/**
 * The durable change queue: changes that could not be applied yet are kept here, in arrival order,
 * and replayed — never dropped. Reasons: a lookup's row has not arrived yet (`dependency`), the
 * other system did not answer (`unavailable`, fail-open mode), or the map is paused (`paused`,
 * `fsi sync pause <map>`).
 *
 * What the automatic replays (the host's timer, an arrived dependency) may take is narrower than
 * what is queued (`replayable`): nothing of a paused map, nothing on the catch-up list (`held`: a
 * change the other system refused), and nothing queued behind a held change of the same row —
 * a row's changes are applied in order or not at all.
 */
import type { ChangeQueueStore } from "./state-store";
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
  /**
   * Not a change but a resync of the row: on replay the other system's row is made equal to this
   * system's current row. It carries no values of its own, so later changes need not wait behind it.
   */
  readonly resync?: boolean;
}

export interface QueuedChange extends Omit<NewChange, "error" | "waitingFor" | "resync"> {
  readonly sequence: number;
  readonly waitingFor: readonly string[];
  readonly attempts: number;
  readonly lastError: string | null;
  readonly enqueuedAt: string;
  readonly nextAttemptAt: string;
  /** On the catch-up list: refused on replay, retried only by `fsi sync retry <map>`. */
  readonly held: boolean;
  readonly resync: boolean;
}

export interface QueueFilter {
  readonly map?: string;
  readonly direction?: SyncDirection;
}

export interface ReplayableFilter extends QueueFilter {
  /** Only changes whose retry time has come (the timer); otherwise all that may run. */
  readonly dueOnly: boolean;
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
  held: number;
  resync: number;
}

/** How long a queued change waits before its next attempt: `baseMs`, doubling per attempt, up to `maxMs`. */
export interface RetryBackoff {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** 5 s, 10 s, 20 s ... capped at 15 min. */
export const DEFAULT_RETRY_BACKOFF: RetryBackoff = { baseMs: 5_000, maxMs: 15 * 60_000 };

export function backoffMs(attempts: number, backoff: RetryBackoff = DEFAULT_RETRY_BACKOFF): number {
  return Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempts - 1));
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
    held: row.held === 1,
    resync: row.resync === 1,
  };
}

export class ChangeQueue implements ChangeQueueStore {
  constructor(
    private readonly db: SyncDatabase,
    private readonly now: () => Date = () => new Date(),
    private readonly backoff: RetryBackoff = DEFAULT_RETRY_BACKOFF,
  ) {}

  async enqueue(change: NewChange): Promise<QueuedChange> {
    const at = this.now().toISOString();
    const row = this.db
      .prepare<unknown[], QueueRow>(
        `INSERT INTO change_queue (map, direction, row_key, operation, payload, reason, waiting_for, attempts, last_error, enqueued_at, next_attempt_at, resync)
         VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?) RETURNING *`,
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
        new Date(this.now().getTime() + backoffMs(1, this.backoff)).toISOString(),
        change.resync === true ? 1 : 0,
      );
    if (row === undefined) throw new Error("change_queue insert returned no row");
    return toChange(row);
  }

  /** Every queued change (held ones too), oldest first. */
  async pending(filter: QueueFilter = {}): Promise<QueuedChange[]> {
    return this.select(filter, []);
  }

  /** Changes whose retry time has come, oldest first (held ones and paused maps too). */
  async due(filter: QueueFilter = {}): Promise<QueuedChange[]> {
    return this.select(filter, [["c.next_attempt_at <= ?", this.now().toISOString()]]);
  }

  /**
   * What a replay may apply now, oldest first: not of a paused map, not held, not behind a held
   * change of the same row.
   */
  async replayable(filter: ReplayableFilter): Promise<QueuedChange[]> {
    const conditions: [string, string?][] = [
      ["NOT EXISTS (SELECT 1 FROM sync_maps m WHERE m.map = c.map AND m.state = 'paused')"],
      ["c.held = 0"],
      [
        "NOT EXISTS (SELECT 1 FROM change_queue h WHERE h.held = 1 AND h.map = c.map AND h.direction = c.direction AND h.row_key = c.row_key AND h.sequence < c.sequence)",
      ],
    ];
    if (filter.dueOnly) conditions.push(["c.next_attempt_at <= ?", this.now().toISOString()]);
    return this.select(filter, conditions);
  }

  /** The catch-up list: changes refused on replay, oldest first. */
  async held(filter: QueueFilter = {}): Promise<QueuedChange[]> {
    return this.select(filter, [["c.held = 1"]]);
  }

  async depth(filter: QueueFilter = {}): Promise<number> {
    const { where, params } = whereClause(filter, []);
    return (
      this.db.prepare<string[], { n: number }>(`SELECT COUNT(*) AS n FROM change_queue c ${where}`).get(...params)?.n ??
      0
    );
  }

  /** True when an older change to the same row is still queued (a newer one must wait behind it); resyncs do not count. */
  async hasQueued(map: string, direction: SyncDirection, rowKey: string): Promise<boolean> {
    return (
      this.db
        .prepare("SELECT 1 FROM change_queue WHERE map = ? AND direction = ? AND row_key = ? AND resync = 0 LIMIT 1")
        .get(map, direction, rowKey) !== undefined
    );
  }

  /** Changes that wait for this row (`msdyn_operationalsite usmf/S9`), oldest first. */
  async waitingFor(dependency: string): Promise<QueuedChange[]> {
    return this.select({}, []).filter((change) => change.waitingFor.includes(dependency));
  }

  async complete(sequence: number): Promise<void> {
    this.db.prepare("DELETE FROM change_queue WHERE sequence = ?").run(sequence);
  }

  /** Records a failed replay and schedules the next one with backoff. */
  async retryLater(sequence: number, error: string, waitingFor?: readonly string[]): Promise<void> {
    const row = this.db
      .prepare<[number], { attempts: number }>("SELECT attempts FROM change_queue WHERE sequence = ?")
      .get(sequence);
    if (row === undefined) return;
    const attempts = row.attempts + 1;
    const next = new Date(this.now().getTime() + backoffMs(attempts + 1, this.backoff)).toISOString();
    this.db
      .prepare(
        "UPDATE change_queue SET attempts = ?, last_error = ?, next_attempt_at = ?, waiting_for = COALESCE(?, waiting_for) WHERE sequence = ?",
      )
      .run(attempts, error, next, waitingFor === undefined ? null : JSON.stringify(waitingFor), sequence);
  }

  /**
   * Puts a refused change on the catch-up list, with the other system's reason. It keeps its
   * place: later changes to the row stay queued behind it.
   */
  async hold(sequence: number, error: string): Promise<void> {
    this.db
      .prepare("UPDATE change_queue SET held = 1, attempts = attempts + 1, last_error = ? WHERE sequence = ?")
      .run(error, sequence);
  }

  /** Takes a map's changes off the catch-up list, due now; answers how many. */
  async release(filter: QueueFilter): Promise<number> {
    const { where, params } = whereClause(filter, [["c.held = 1"]]);
    const sequences = this.db
      .prepare<string[], { sequence: number }>(`SELECT sequence FROM change_queue c ${where}`)
      .all(...params);
    const update = this.db.prepare("UPDATE change_queue SET held = 0, next_attempt_at = ? WHERE sequence = ?");
    const at = this.now().toISOString();
    this.db.transaction(() => {
      for (const { sequence } of sequences) update.run(at, sequence);
    })();
    return sequences.length;
  }

  private select(filter: QueueFilter, extra: readonly (readonly [string, string?])[]): QueuedChange[] {
    const { where, params } = whereClause(filter, extra);
    return this.db
      .prepare<string[], QueueRow>(`SELECT c.* FROM change_queue c ${where} ORDER BY c.sequence`)
      .all(...params)
      .map(toChange);
  }
}

/** `WHERE` over the queue aliased `c`: the filter's map and direction plus extra conditions (with their parameter). */
function whereClause(
  filter: QueueFilter,
  extra: readonly (readonly [string, string?])[],
): { where: string; params: string[] } {
  const conditions: string[] = [];
  const params: string[] = [];
  if (filter.map !== undefined) {
    conditions.push("c.map = ?");
    params.push(filter.map);
  }
  if (filter.direction !== undefined) {
    conditions.push("c.direction = ?");
    params.push(filter.direction);
  }
  for (const [condition, parameter] of extra) {
    conditions.push(condition);
    if (parameter !== undefined) params.push(parameter);
  }
  return { where: conditions.length === 0 ? "" : `WHERE ${conditions.join(" AND ")}`, params };
}
