/* eslint-disable @typescript-eslint/require-await -- synchronous SQLite under the asynchronous state-store interface */
/**
 * Each map's sync state: `running` (the default, for a map never paused) or `paused`. The row
 * lives in the host's state file, so `fsi sync pause <map>` in a shell reaches the running host:
 * its plug-ins read the state on every change and, while a map is paused, queue the change
 * (reason `paused`) instead of applying it; replays leave a paused map's changes alone.
 */
import type { MapStateStore } from "./state-store";
import type { SyncDatabase } from "./sync-database";

export type MapSyncState = "running" | "paused";

export interface MapStateEntry {
  readonly map: string;
  readonly state: MapSyncState;
  /** When the state last changed (ISO). */
  readonly changedAt: string;
  readonly note: string | null;
}

interface MapStateRow {
  map: string;
  state: MapSyncState;
  changed_at: string;
  note: string | null;
}

export class SyncMapStates implements MapStateStore {
  constructor(
    private readonly db: SyncDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async isPaused(map: string): Promise<boolean> {
    return (
      this.db.prepare<[string], { state: MapSyncState }>("SELECT state FROM sync_maps WHERE map = ?").get(map)
        ?.state === "paused"
    );
  }

  async get(map: string): Promise<MapStateEntry | undefined> {
    const row = this.db.prepare<[string], MapStateRow>("SELECT * FROM sync_maps WHERE map = ?").get(map);
    return row === undefined
      ? undefined
      : { map: row.map, state: row.state, changedAt: row.changed_at, note: row.note };
  }

  /** Pauses a map; answers the state it had. */
  async pause(map: string, note?: string): Promise<MapSyncState> {
    return this.set(map, "paused", note);
  }

  /** Lets a map run again; answers the state it had. Its queued changes are the caller's to replay. */
  async resume(map: string): Promise<MapSyncState> {
    return this.set(map, "running", undefined);
  }

  private set(map: string, state: MapSyncState, note: string | undefined): MapSyncState {
    return this.db
      .transaction((): MapSyncState => {
        const before =
          this.db.prepare<[string], { state: MapSyncState }>("SELECT state FROM sync_maps WHERE map = ?").get(map)
            ?.state ?? "running";
        this.db
          .prepare(
            `INSERT INTO sync_maps (map, state, changed_at, note) VALUES (?, ?, ?, ?)
             ON CONFLICT (map) DO UPDATE SET state = excluded.state, changed_at = excluded.changed_at, note = excluded.note`,
          )
          .run(map, state, this.now().toISOString(), note ?? null);
        return before;
      })
      .immediate();
  }
}
