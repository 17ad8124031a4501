/**
 * The change queue in an Azure Storage table, not in Queue Storage: Queue Storage does not
 * guarantee first-in-first-out order and can only peek at the front of a queue (Learn, "Azure
 * Storage queues and Service Bus queues — compared and contrasted": "Ordering guarantee: No"),
 * while the queue must keep a row's changes in order, hold refused changes on the catch-up list
 * in their place, and be browsed and filtered by map for `fsi sync status` and `retry`.
 *
 * One partition (`q`), RowKey = the change's sequence number, zero-padded (the row's key is the
 * property `row`): a query returns the
 * queue oldest first, as SQLite's `ORDER BY sequence` does. Sequences come from a counter entity
 * updated under its ETag, so two instances never take the same one. A partition serves about
 * 2,000 entities per second (Learn, "Scalability and performance targets for Table storage") —
 * far more than a queue that only holds the changes that could not be applied at once.
 */
import type { TableClient } from "@azure/data-tables";
import { odata } from "@azure/data-tables";
import {
  DEFAULT_RETRY_BACKOFF,
  type NewChange,
  type QueueFilter,
  type QueueReason,
  type QueuedChange,
  type ReplayableFilter,
  type RetryBackoff,
  type SyncDirection,
  backoffMs,
} from "../change-queue";
import type { ChangeQueueStore, MapStateStore } from "../state-store";
import {
  deleteEntity,
  firstEntity,
  getText,
  listEntities,
  mutateEntity,
  nextNumber,
  numberOf,
  optionalString,
  ownProperties,
  putText,
  sortableNumber,
} from "./tables";

const PARTITION = "q";

export class AzureChangeQueue implements ChangeQueueStore {
  constructor(
    private readonly table: TableClient,
    private readonly meta: TableClient,
    private readonly mapStates: MapStateStore & { pausedMaps(): Promise<Set<string>> },
    private readonly now: () => Date = () => new Date(),
    private readonly backoff: RetryBackoff = DEFAULT_RETRY_BACKOFF,
  ) {}

  async enqueue(change: NewChange): Promise<QueuedChange> {
    const sequence = await nextNumber(this.meta, "change-queue");
    const at = this.now();
    const properties = {
      sequence,
      map: change.map,
      direction: change.direction,
      row: change.rowKey,
      operation: change.operation,
      ...putText("payload", asciiJson(change.payload)),
      reason: change.reason,
      waitingFor: change.waitingFor === undefined ? "" : JSON.stringify(change.waitingFor),
      attempts: 0,
      ...(change.error === undefined ? {} : { lastError: change.error }),
      enqueuedAt: at.toISOString(),
      nextAttemptAt: new Date(at.getTime() + backoffMs(1, this.backoff)).toISOString(),
      held: false,
      resync: change.resync === true,
    };
    await this.table.createEntity({ partitionKey: PARTITION, rowKey: sortableNumber(sequence), ...properties });
    return toChange(properties);
  }

  pending(filter: QueueFilter = {}): Promise<QueuedChange[]> {
    return this.select(filter, []);
  }

  due(filter: QueueFilter = {}): Promise<QueuedChange[]> {
    return this.select(filter, [odata`nextAttemptAt le ${this.now().toISOString()}`]);
  }

  async replayable(filter: ReplayableFilter): Promise<QueuedChange[]> {
    const [queued, paused] = await Promise.all([this.select(filter, []), this.mapStates.pausedMaps()]);
    const blocked = new Set<string>();
    const now = this.now().toISOString();
    const replayable: QueuedChange[] = [];
    for (const change of queued) {
      const row = `${change.map}\n${change.direction}\n${change.rowKey}`;
      if (change.held) {
        blocked.add(row);
        continue;
      }
      if (paused.has(change.map) || blocked.has(row)) continue;
      if (filter.dueOnly && change.nextAttemptAt > now) continue;
      replayable.push(change);
    }
    return replayable;
  }

  held(filter: QueueFilter = {}): Promise<QueuedChange[]> {
    return this.select(filter, ["held eq true"]);
  }

  async depth(filter: QueueFilter = {}): Promise<number> {
    return (await listEntities(this.table, whereOf(filter, []), ["RowKey"])).length;
  }

  async hasQueued(map: string, direction: SyncDirection, rowKey: string): Promise<boolean> {
    const filter = whereOf({ map, direction }, [odata`row eq ${rowKey}`, "resync eq false"]);
    return (await firstEntity(this.table, filter)) !== undefined;
  }

  async waitingFor(dependency: string): Promise<QueuedChange[]> {
    return (await this.pending()).filter((change) => change.waitingFor.includes(dependency));
  }

  async complete(sequence: number): Promise<void> {
    await deleteEntity(this.table, PARTITION, sortableNumber(sequence));
  }

  async retryLater(sequence: number, error: string, waitingFor?: readonly string[]): Promise<void> {
    await mutateEntity(this.table, PARTITION, sortableNumber(sequence), (current) => {
      if (current === undefined) return undefined;
      const attempts = numberOf(current.attempts) + 1;
      const next = new Date(this.now().getTime() + backoffMs(attempts + 1, this.backoff)).toISOString();
      return {
        ...ownProperties(current),
        attempts,
        lastError: error,
        nextAttemptAt: next,
        ...(waitingFor === undefined ? {} : { waitingFor: JSON.stringify(waitingFor) }),
      };
    });
  }

  async hold(sequence: number, error: string): Promise<void> {
    await mutateEntity(this.table, PARTITION, sortableNumber(sequence), (current) =>
      current === undefined
        ? undefined
        : { ...ownProperties(current), held: true, attempts: numberOf(current.attempts) + 1, lastError: error },
    );
  }

  async release(filter: QueueFilter): Promise<number> {
    const at = this.now().toISOString();
    let released = 0;
    for (const change of await this.held(filter)) {
      const { after } = await mutateEntity(this.table, PARTITION, sortableNumber(change.sequence), (current) =>
        current === undefined || current.held !== true
          ? undefined
          : { ...ownProperties(current), held: false, nextAttemptAt: at },
      );
      if (after !== undefined) released++;
    }
    return released;
  }

  private async select(filter: QueueFilter, extra: readonly string[]): Promise<QueuedChange[]> {
    return (await listEntities(this.table, whereOf(filter, extra))).map(toChange);
  }
}

function whereOf(filter: QueueFilter, extra: readonly string[]): string {
  const conditions = [odata`PartitionKey eq ${PARTITION}`];
  if (filter.map !== undefined) conditions.push(odata`map eq ${filter.map}`);
  if (filter.direction !== undefined) conditions.push(odata`direction eq ${filter.direction}`);
  return [...conditions, ...extra].join(" and ");
}

/**
 * JSON with every non-ASCII character escaped (`\u00e9`): a payload split over several properties
 * never cuts a multi-byte character. Observed with Azurite: a request over 64 KiB came back with
 * a character torn at a chunk boundary; ASCII has no multi-byte characters to tear.
 */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function toChange(entity: Record<string, unknown>): QueuedChange {
  const waitingFor = optionalString(entity.waitingFor);
  return {
    sequence: numberOf(entity.sequence),
    map: String(entity.map),
    direction: entity.direction as SyncDirection,
    rowKey: String(entity.row),
    operation: entity.operation as "upsert" | "delete",
    payload: JSON.parse(getText(entity, "payload")) as unknown,
    reason: entity.reason as QueueReason,
    waitingFor: waitingFor === null || waitingFor === "" ? [] : (JSON.parse(waitingFor) as string[]),
    attempts: numberOf(entity.attempts),
    lastError: optionalString(entity.lastError),
    enqueuedAt: String(entity.enqueuedAt),
    nextAttemptAt: String(entity.nextAttemptAt),
    held: entity.held === true,
    resync: entity.resync === true,
  };
}
