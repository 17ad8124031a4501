/**
 * Each map's running/paused state in an Azure Storage table (one partition, RowKey = the map).
 * Every instance reads it on every change it handles (no cache): a pause written by `fsi sync pause`
 * takes effect on each instance's next change once the write has returned.
 */
import { type TableClient, odata } from "@azure/data-tables";
import type { MapStateEntry, MapSyncState } from "../map-states";
import type { MapStateStore } from "../state-store";
import { decodeKey, encodeKey, getEntity, listEntities, mutateEntity, optionalString } from "./tables";

const PARTITION = "map";

export class AzureMapStates implements MapStateStore {
  constructor(
    private readonly table: TableClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async isPaused(map: string): Promise<boolean> {
    return (await this.get(map))?.state === "paused";
  }

  async get(map: string): Promise<MapStateEntry | undefined> {
    const entity = await getEntity(this.table, PARTITION, encodeKey(map));
    return entity === undefined ? undefined : toEntry(map, entity);
  }

  /** The maps paused now (one query, for a replay's pass over the queue). */
  async pausedMaps(): Promise<Set<string>> {
    const rows = await listEntities(this.table, odata`PartitionKey eq ${PARTITION} and state eq ${"paused"}`, [
      "RowKey",
    ]);
    return new Set(rows.map((row) => decodeKey(row.rowKey ?? "")));
  }

  pause(map: string, note?: string): Promise<MapSyncState> {
    return this.set(map, "paused", note);
  }

  resume(map: string): Promise<MapSyncState> {
    return this.set(map, "running", undefined);
  }

  private async set(map: string, state: MapSyncState, note: string | undefined): Promise<MapSyncState> {
    const { before } = await mutateEntity(this.table, PARTITION, encodeKey(map), () => ({
      state,
      changedAt: this.now().toISOString(),
      note: note ?? "",
    }));
    return before === undefined ? "running" : (before.state as MapSyncState);
  }
}

function toEntry(map: string, entity: Record<string, unknown>): MapStateEntry {
  const note = optionalString(entity.note);
  return {
    map,
    state: entity.state as MapSyncState,
    changedAt: String(entity.changedAt),
    note: note === "" ? null : note,
  };
}
