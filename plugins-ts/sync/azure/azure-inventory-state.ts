/**
 * The inventory engine's state in Azure Storage tables, beside the sync's (one store for the host):
 * - checkpoints: one partition, RowKey = the map; only ever moved forward, under the ETag;
 * - runs: PartitionKey = the map, RowKey = the run id subtracted from 10^16, so a query returns
 *   the newest run first; ids come from a counter under its ETag;
 * - pending rows and event stamps: PartitionKey = the map, RowKey = the row's key;
 * - live counts: one partition, RowKey = the map; every count is a read-modify-write under the ETag.
 * Versions and control numbers are kept as decimal strings (exact at any size).
 */
import { type TableClient, odata } from "@azure/data-tables";
import {
  type FinishedRun,
  type InventoryStateStore,
  type LiveOutcome,
  type LiveStats,
  MAX_RUN_ERRORS,
  type PendingRow,
  type RowError,
  type RunRecord,
  type RunStatus,
} from "../../inventory/state/inventory-state";
import {
  deleteEntity,
  encodeKey,
  firstEntity,
  getEntity,
  listEntities,
  mutateEntity,
  nextNumber,
  numberOf,
  optionalNumber,
  optionalString,
  ownProperties,
  sortableNumber,
} from "./tables";

/** Below 2^53, so the subtraction is exact. */
const NEWEST_FIRST = 999_999_999_999_999;

export interface InventoryTables {
  readonly checkpoints: TableClient;
  readonly runs: TableClient;
  readonly pending: TableClient;
  readonly stamps: TableClient;
  readonly live: TableClient;
  readonly meta: TableClient;
}

export class AzureInventoryState implements InventoryStateStore {
  constructor(
    private readonly tables: InventoryTables,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async checkpoint(map: string): Promise<number> {
    return numberOf((await getEntity(this.tables.checkpoints, "checkpoint", encodeKey(map)))?.version);
  }

  async advanceCheckpoint(map: string, version: number): Promise<void> {
    await mutateEntity(this.tables.checkpoints, "checkpoint", encodeKey(map), (current) => ({
      version: String(Math.max(version, numberOf(current?.version))),
      updatedAt: this.now().toISOString(),
    }));
  }

  async resetCheckpoint(map: string): Promise<void> {
    await deleteEntity(this.tables.checkpoints, "checkpoint", encodeKey(map));
  }

  async startRun(map: string, checkpointFrom: number): Promise<number> {
    const id = await nextNumber(this.tables.meta, "inventory-run");
    await this.tables.runs.createEntity({
      partitionKey: encodeKey(map),
      rowKey: runKey(id),
      id,
      map,
      startedAt: this.now().toISOString(),
      status: "running",
      read: 0,
      changed: 0,
      unchanged: 0,
      filtered: 0,
      failed: 0,
      checkpointFrom: String(checkpointFrom),
      errors: "[]",
    });
    return id;
  }

  async finishRun(id: number, outcome: FinishedRun): Promise<RunRecord> {
    const run = await firstEntity(this.tables.runs, odata`RowKey eq ${runKey(id)}`);
    if (run === undefined) throw new Error(`run ${id} does not exist`);
    const { after } = await mutateEntity(this.tables.runs, run.partitionKey ?? "", run.rowKey ?? "", (current) =>
      current === undefined
        ? undefined
        : {
            ...ownProperties(current),
            finishedAt: this.now().toISOString(),
            status: outcome.status,
            read: outcome.read,
            changed: outcome.changed,
            unchanged: outcome.unchanged,
            filtered: outcome.filtered,
            failed: outcome.failed,
            checkpointTo: String(outcome.checkpointTo),
            error: outcome.error ?? "",
            errors: JSON.stringify(outcome.errors.slice(0, MAX_RUN_ERRORS)),
          },
    );
    if (after === undefined) throw new Error(`run ${id} does not exist`);
    return toRun(after);
  }

  async lastRun(map: string): Promise<RunRecord | undefined> {
    return (await this.recentRuns(map, 1))[0];
  }

  async recentRuns(map: string, limit = 10): Promise<RunRecord[]> {
    const runs: RunRecord[] = [];
    const query = this.tables.runs.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${encodeKey(map)}` } });
    for await (const entity of query) {
      if (runs.length >= limit) break;
      runs.push(toRun(entity));
    }
    return runs;
  }

  async pendingRows(map: string): Promise<PendingRow[]> {
    const rows = await listEntities(this.tables.pending, odata`PartitionKey eq ${encodeKey(map)}`);
    return rows
      .sort(
        (a, b) =>
          String(a.firstFailedAt).localeCompare(String(b.firstFailedAt)) || String(a.row).localeCompare(String(b.row)),
      )
      .map((row) => ({
        rowKey: String(row.row),
        key: JSON.parse(String(row.key)) as unknown,
        lastError: String(row.lastError),
        attempts: numberOf(row.attempts),
      }));
  }

  async pendingCount(map: string): Promise<number> {
    return (await listEntities(this.tables.pending, odata`PartitionKey eq ${encodeKey(map)}`, ["RowKey"])).length;
  }

  async rememberFailure(map: string, rowKey: string, key: unknown, error: string): Promise<void> {
    const at = this.now().toISOString();
    await mutateEntity(this.tables.pending, encodeKey(map), encodeKey(rowKey), (current) =>
      current === undefined
        ? { row: rowKey, key: JSON.stringify(key), lastError: error, attempts: 1, firstFailedAt: at, lastFailedAt: at }
        : { ...ownProperties(current), lastError: error, attempts: numberOf(current.attempts) + 1, lastFailedAt: at },
    );
  }

  async forgetFailure(map: string, rowKey: string): Promise<void> {
    await deleteEntity(this.tables.pending, encodeKey(map), encodeKey(rowKey));
  }

  async eventStamp(map: string, rowKey: string): Promise<number | undefined> {
    const entity = await getEntity(this.tables.stamps, encodeKey(map), encodeKey(rowKey));
    return entity === undefined ? undefined : numberOf(entity.controlNumber);
  }

  async recordEventStamp(map: string, rowKey: string, controlNumber: number): Promise<void> {
    await mutateEntity(this.tables.stamps, encodeKey(map), encodeKey(rowKey), (current) =>
      current !== undefined && numberOf(current.controlNumber) >= controlNumber
        ? undefined
        : { controlNumber: String(controlNumber) },
    );
  }

  async recordLive(map: string, outcome: LiveOutcome, error?: string): Promise<void> {
    await mutateEntity(this.tables.live, "live", encodeKey(map), (current) => {
      const counts = current === undefined ? {} : ownProperties(current);
      return {
        ...counts,
        received: numberOf(counts.received) + 1,
        [outcome]: numberOf(counts[outcome]) + 1,
        lastEventAt: this.now().toISOString(),
        lastError: error ?? optionalString(counts.lastError) ?? "",
      };
    });
  }

  async liveStats(map: string): Promise<LiveStats | undefined> {
    const entity = await getEntity(this.tables.live, "live", encodeKey(map));
    if (entity === undefined) return undefined;
    return {
      received: numberOf(entity.received),
      changed: numberOf(entity.changed),
      unchanged: numberOf(entity.unchanged),
      skipped: numberOf(entity.skipped),
      failed: numberOf(entity.failed),
      lastEventAt: nonEmpty(entity.lastEventAt),
      lastError: nonEmpty(entity.lastError),
    };
  }

  close(): Promise<void> {
    // Table clients hold no connection to close.
    return Promise.resolve();
  }
}

function runKey(id: number): string {
  return sortableNumber(NEWEST_FIRST - id);
}

function nonEmpty(value: unknown): string | null {
  const text = optionalString(value);
  return text === null || text === "" ? null : text;
}

function toRun(entity: Record<string, unknown>): RunRecord {
  return {
    id: numberOf(entity.id),
    map: String(entity.map),
    startedAt: String(entity.startedAt),
    finishedAt: nonEmpty(entity.finishedAt),
    status: entity.status as RunStatus,
    read: numberOf(entity.read),
    changed: numberOf(entity.changed),
    unchanged: numberOf(entity.unchanged),
    filtered: numberOf(entity.filtered),
    failed: numberOf(entity.failed),
    checkpointFrom: numberOf(entity.checkpointFrom),
    checkpointTo: optionalNumber(entity.checkpointTo === "" ? undefined : entity.checkpointTo),
    error: nonEmpty(entity.error),
    errors: JSON.parse(String(entity.errors)) as RowError[],
  };
}
