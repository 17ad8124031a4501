/**
 * The initial sync's runs, checkpoints and row errors in Azure Storage tables:
 * - runs: one partition, RowKey = the run id (from a counter under its ETag);
 * - finished rows: PartitionKey = run|map|pass, RowKey = the row's key — a batch is one or more
 *   entity group transactions (at most 100 entities each) of one partition;
 * - row errors: PartitionKey = the run, RowKey = map|pass|row.
 * A batch's ledger outcomes are recorded before its rows are marked finished: a crash between the
 * two redoes the batch, which compares each row with the target before writing anything.
 */
import { type TableClient, odata } from "@azure/data-tables";
import type { SyncDirection } from "../change-queue";
import type { FinishedRow, InitialRun, RowError, RowOutcome, SyncMaster } from "../initial-sync-store";
import type { InitialSyncStateStore, SyncLedgerStore } from "../state-store";
import type { LedgerUpdate } from "../sync-ledger";
import {
  type StoredEntity,
  decodeKey,
  encodeKey,
  getEntity,
  listEntities,
  mutateEntity,
  nextNumber,
  numberOf,
  optionalString,
  ownProperties,
  sortableNumber,
  upsertAll,
} from "./tables";

const RUNS = "run";
/** Ledger records of a batch sent at once. */
const LEDGER_CONCURRENCY = 16;

export interface InitialSyncTables {
  readonly runs: TableClient;
  readonly done: TableClient;
  readonly errors: TableClient;
  readonly meta: TableClient;
}

export class AzureInitialSync implements InitialSyncStateStore {
  constructor(
    private readonly tables: InitialSyncTables,
    private readonly ledger: SyncLedgerStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async unfinished(maps: readonly string[], direction: SyncDirection): Promise<InitialRun | undefined> {
    const rows = await listEntities(
      this.tables.runs,
      odata`PartitionKey eq ${RUNS} and maps eq ${JSON.stringify(maps)} and direction eq ${direction} and status eq ${"running"}`,
    );
    return rows.map(toRun).sort((a, b) => b.id - a.id)[0];
  }

  async start(maps: readonly string[], direction: SyncDirection, master: SyncMaster): Promise<InitialRun> {
    const id = await nextNumber(this.tables.meta, "initial-run");
    const properties = {
      id,
      maps: JSON.stringify(maps),
      direction,
      master,
      status: "running",
      startedAt: this.now().toISOString(),
      resumedAt: "",
      finishedAt: "",
    };
    await this.tables.runs.createEntity({ partitionKey: RUNS, rowKey: sortableNumber(id), ...properties });
    return toRun(properties);
  }

  async markResumed(runId: number): Promise<void> {
    await this.updateRun(runId, { resumedAt: this.now().toISOString() });
  }

  async abandon(runId: number): Promise<void> {
    await this.updateRun(runId, { status: "finished", finishedAt: this.now().toISOString() });
  }

  async discardIfEmpty(runId: number): Promise<boolean> {
    if ((await this.finishedCount(runId)) > 0 || (await this.errors(runId)).length > 0) return false;
    const run = await getEntity(this.tables.runs, RUNS, sortableNumber(runId));
    if (run?.status !== "running") return false;
    await this.tables.runs.deleteEntity(RUNS, sortableNumber(runId), { etag: run.etag });
    return true;
  }

  finish(runId: number): Promise<void> {
    return this.abandon(runId);
  }

  async finishedRows(runId: number, map: string, pass: number): Promise<Set<string>> {
    const rows = await listEntities(this.tables.done, odata`PartitionKey eq ${donePartition(runId, map, pass)}`, [
      "RowKey",
    ]);
    return new Set(rows.map((row) => decodeKey(row.rowKey ?? "")));
  }

  async recordBatch(
    runId: number,
    map: string,
    pass: number,
    rows: readonly FinishedRow[],
    ledger: readonly LedgerUpdate[] = [],
  ): Promise<void> {
    for (let start = 0; start < ledger.length; start += LEDGER_CONCURRENCY) {
      await Promise.all(ledger.slice(start, start + LEDGER_CONCURRENCY).map((update) => this.ledger.record(update)));
    }
    const at = this.now().toISOString();
    await upsertAll(
      this.tables.errors,
      rows
        .filter((row) => row.outcome === "failed")
        .map((row) => ({
          partitionKey: sortableNumber(runId),
          rowKey: `${encodeKey(map)}|${pass}|${encodeKey(row.rowKey)}`,
          map,
          pass,
          row: row.rowKey,
          message: row.error ?? "failed",
          at,
        })),
    );
    await upsertAll(
      this.tables.done,
      rows.map((row) => ({
        partitionKey: donePartition(runId, map, pass),
        rowKey: encodeKey(row.rowKey),
        map,
        pass,
        outcome: row.outcome,
      })),
    );
  }

  async outcomes(runId: number): Promise<Map<string, Record<RowOutcome, number>>> {
    const byMap = new Map<string, Record<RowOutcome, number>>();
    for (const row of await this.doneOf(runId, ["map", "pass", "outcome"])) {
      if (numberOf(row.pass) !== 1) continue;
      const map = String(row.map);
      const counts = byMap.get(map) ?? { created: 0, updated: 0, "written-back": 0, unchanged: 0, failed: 0 };
      counts[row.outcome as RowOutcome]++;
      byMap.set(map, counts);
    }
    return byMap;
  }

  async finishedCount(runId: number): Promise<number> {
    return (await this.doneOf(runId, ["RowKey"])).length;
  }

  async errors(runId: number): Promise<RowError[]> {
    const rows = await listEntities(this.tables.errors, odata`PartitionKey eq ${sortableNumber(runId)}`);
    return rows
      .sort((a, b) => String(a.at).localeCompare(String(b.at)) || (a.rowKey ?? "").localeCompare(b.rowKey ?? ""))
      .map((row) => ({
        map: String(row.map),
        pass: numberOf(row.pass),
        rowKey: String(row.row),
        message: String(row.message),
      }));
  }

  async lastRunOf(map: string): Promise<(InitialRun & { readonly rows: number; readonly errors: number }) | undefined> {
    const runs = (await listEntities(this.tables.runs, odata`PartitionKey eq ${RUNS}`)).map(toRun);
    const run = runs.filter((candidate) => candidate.maps.includes(map)).sort((a, b) => b.id - a.id)[0];
    if (run === undefined) return undefined;
    const [rows, errors] = await Promise.all([
      listEntities(this.tables.done, odata`PartitionKey eq ${donePartition(run.id, map, 1)}`, ["RowKey"]),
      listEntities(this.tables.errors, odata`PartitionKey eq ${sortableNumber(run.id)} and map eq ${map}`, ["RowKey"]),
    ]);
    return { ...run, rows: rows.length, errors: errors.length };
  }

  /** Every finished row of a run: the partitions `run|…` form one key range. */
  private doneOf(runId: number, select: string[]): Promise<StoredEntity[]> {
    const from = `${sortableNumber(runId)}|`;
    return listEntities(
      this.tables.done,
      odata`PartitionKey ge ${from} and PartitionKey lt ${`${sortableNumber(runId)}}`}`,
      select,
    );
  }

  private async updateRun(runId: number, change: Record<string, string>): Promise<void> {
    await mutateEntity(this.tables.runs, RUNS, sortableNumber(runId), (current) =>
      current === undefined ? undefined : { ...ownProperties(current), ...change },
    );
  }
}

/** `|` sorts below `}`, so a run's partitions are the range [`<run>|`, `<run>}`). */
function donePartition(runId: number, map: string, pass: number): string {
  return `${sortableNumber(runId)}|${encodeKey(map)}|${pass}`;
}

function emptyToNull(value: unknown): string | null {
  const text = optionalString(value);
  return text === null || text === "" ? null : text;
}

function toRun(entity: Record<string, unknown>): InitialRun {
  return {
    id: numberOf(entity.id),
    maps: JSON.parse(String(entity.maps)) as string[],
    direction: entity.direction as SyncDirection,
    master: entity.master as SyncMaster,
    status: entity.status as "running" | "finished",
    startedAt: String(entity.startedAt),
    resumedAt: emptyToNull(entity.resumedAt),
    finishedAt: emptyToNull(entity.finishedAt),
  };
}
