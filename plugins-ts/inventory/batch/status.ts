/** Where each map stands: mode, template, checkpoint, rows kept for a retry, last run, live counts. */
import type { FlowName } from "@fsi/core/maps/flow-template-schema";
import type { InventoryStateStore, LiveStats, RunRecord } from "../state/inventory-state";
import type { FlowCatalog } from "../templates/flow-catalog";

export interface MapStatus {
  readonly map: FlowName;
  readonly summary: string;
  readonly direction: "toDataverse" | "toScm";
  readonly mode: "live" | "batch";
  /** Batch mode: minutes between scheduled runs (absent: on demand only). */
  readonly scheduleMinutes?: number;
  /** Where the template came from. */
  readonly template: string;
  readonly filter?: string;
  /** The change version the next batch run reads from. */
  readonly checkpoint: number;
  /** Rows kept for a retry. */
  readonly pendingRows: number;
  readonly lastRun?: RunRecord;
  /** Counts of live (event-driven) work. */
  readonly live?: LiveStats;
  /** When the next scheduled run starts (an engine whose schedule runs). */
  readonly nextRunAt?: string;
}

export function mapStatuses(
  catalog: FlowCatalog,
  store: InventoryStateStore,
  nextRuns: ReadonlyMap<string, Date> = new Map(),
): Promise<MapStatus[]> {
  return Promise.all(
    catalog.flows.map(async (flow): Promise<MapStatus> => {
      const lastRun = await store.lastRun(flow.name);
      const live = await store.liveStats(flow.name);
      const next = nextRuns.get(flow.name);
      return {
        map: flow.name,
        summary: flow.contract.summary,
        direction: flow.contract.direction,
        mode: flow.mode,
        ...(flow.scheduleMinutes === undefined ? {} : { scheduleMinutes: flow.scheduleMinutes }),
        template: flow.source,
        ...(flow.filter === undefined ? {} : { filter: flow.filter.text }),
        checkpoint: await store.checkpoint(flow.name),
        pendingRows: await store.pendingCount(flow.name),
        ...(lastRun === undefined ? {} : { lastRun }),
        ...(live === undefined ? {} : { live }),
        ...(next === undefined ? {} : { nextRunAt: next.toISOString() }),
      };
    }),
  );
}
