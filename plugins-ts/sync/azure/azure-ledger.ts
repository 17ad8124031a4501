/**
 * The sync ledger in an Azure Storage table: PartitionKey = the map, RowKey = the row's key
 * (encoded). `record` is a read-modify-write under the entity's ETag, so the stamps only grow even
 * when two instances record the same row at once. A second table indexes rows by Dataverse id.
 */
import { type TableClient, odata } from "@azure/data-tables";
import type { SyncLedgerStore } from "../state-store";
import type { LedgerEntry, LedgerUpdate, MapLedgerSummary, RowSyncStatus } from "../sync-ledger";
import { decodeKey, encodeKey, getEntity, listEntities, mutateEntity, optionalNumber, optionalString } from "./tables";

export class AzureSyncLedger implements SyncLedgerStore {
  constructor(
    private readonly table: TableClient,
    private readonly byId: TableClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async get(map: string, rowKey: string): Promise<LedgerEntry | undefined> {
    const entity = await getEntity(this.table, encodeKey(map), encodeKey(rowKey));
    return entity === undefined ? undefined : toEntry(map, rowKey, entity);
  }

  async byDataverseId(map: string, dataverseId: string): Promise<LedgerEntry | undefined> {
    const index = await getEntity(this.byId, encodeKey(map), dataverseId.toLowerCase());
    if (index === undefined) return undefined;
    const entry = await this.get(map, String(index.rowKeyOfRow));
    return entry?.dataverseId === dataverseId.toLowerCase() ? entry : undefined;
  }

  async record(update: LedgerUpdate): Promise<LedgerEntry> {
    const syncedOn = update.status === "synced" ? this.now().toISOString() : null;
    const dataverseId = update.dataverseId?.toLowerCase();
    const { after } = await mutateEntity(this.table, encodeKey(update.map), encodeKey(update.rowKey), (current) => ({
      dataverseId: dataverseId ?? optionalString(current?.dataverseId) ?? "",
      fsStamp: stampOf(maxStamp(update.fsStamp, optionalNumber(current?.fsStamp))),
      scmStamp: stampOf(maxStamp(update.scmStamp, optionalNumber(current?.scmStamp))),
      status: update.status,
      lastError: update.error ?? "",
      lastSyncedOn: syncedOn ?? optionalString(current?.lastSyncedOn) ?? "",
    }));
    if (after === undefined) throw new Error("the ledger entity was not written");
    if (dataverseId !== undefined) {
      await this.byId.upsertEntity(
        { partitionKey: encodeKey(update.map), rowKey: dataverseId, rowKeyOfRow: update.rowKey },
        "Replace",
      );
    }
    return toEntry(update.map, update.rowKey, after);
  }

  async summary(map: string): Promise<MapLedgerSummary> {
    const rows = await listEntities(this.table, odata`PartitionKey eq ${encodeKey(map)}`, ["status", "lastSyncedOn"]);
    let last: string | null = null;
    let failed = 0;
    let synced = 0;
    for (const row of rows) {
      if (row.status === "failed") failed++;
      if (row.status === "synced") synced++;
      const on = optionalString(row.lastSyncedOn);
      if (on !== null && on !== "" && (last === null || on > last)) last = on;
    }
    return { lastSyncedOn: last, failed, synced };
  }

  async failures(map: string): Promise<LedgerEntry[]> {
    const rows = await listEntities(this.table, odata`PartitionKey eq ${encodeKey(map)} and status eq ${"failed"}`);
    return rows
      .map((row) => toEntry(map, decodeKey(row.rowKey ?? ""), row))
      .sort((a, b) => (a.rowKey < b.rowKey ? -1 : a.rowKey > b.rowKey ? 1 : 0));
  }
}

function maxStamp(given: number | undefined, stored: number | null): number | null {
  if (given === undefined) return stored;
  return stored === null ? given : Math.max(given, stored);
}

function stampOf(value: number | null): string {
  return value === null ? "" : String(value);
}

function nonEmpty(value: unknown): string | null {
  const text = optionalString(value);
  return text === null || text === "" ? null : text;
}

function toEntry(map: string, rowKey: string, entity: Record<string, unknown>): LedgerEntry {
  return {
    map,
    rowKey,
    dataverseId: nonEmpty(entity.dataverseId),
    fsStamp: optionalNumber(entity.fsStamp),
    scmStamp: optionalNumber(entity.scmStamp),
    status: entity.status as RowSyncStatus,
    lastError: nonEmpty(entity.lastError),
    lastSyncedOn: nonEmpty(entity.lastSyncedOn),
  };
}
