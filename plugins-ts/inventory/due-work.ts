/**
 * The schedule as something a caller drives, for hosts whose process does not stay up between
 * runs (Azure Functions on a consumption plan sleeps when idle, so `engine.startSchedule()`'s
 * timers would not fire): each call runs the batch maps whose `scheduleMinutes` have passed since
 * their last run started (the run history in the state file, so a restart or a cold start keeps
 * the rhythm) and tries the live maps' kept rows again.
 */
import type { InventoryEngine, MapStatus } from "./engine";
import type { RunRecord } from "./state/inventory-store";

/**
 * A map counts as due this long before its time: a caller on a fixed timer (every minute) starts a
 * little before the previous run's start plus the interval, and would otherwise run it one tick late
 * every time, drifting by a tick per run.
 */
export const DUE_SLACK_MS = 30_000;

export function isDue(map: MapStatus, now: Date): boolean {
  if (map.mode !== "batch" || map.scheduleMinutes === undefined) return false;
  if (map.lastRun === undefined) return true;
  return Date.parse(map.lastRun.startedAt) + map.scheduleMinutes * 60_000 - DUE_SLACK_MS <= now.getTime();
}

export interface DueWorkReport {
  /** The runs made, in catalog order. */
  readonly runs: readonly RunRecord[];
  /** Maps whose run threw (a run that fails normally is recorded with status `failed` instead). */
  readonly errors: readonly { readonly map: string; readonly message: string }[];
}

/** Runs every due batch map (one after another), then retries the live maps' kept rows. */
export async function runDueWork(engine: InventoryEngine, now: Date): Promise<DueWorkReport> {
  const runs: RunRecord[] = [];
  const errors: { map: string; message: string }[] = [];
  for (const map of await engine.batchStatus()) {
    if (!isDue(map, now)) continue;
    try {
      runs.push(await engine.runBatch(map.map));
    } catch (error) {
      errors.push({ map: map.map, message: error instanceof Error ? error.message : String(error) });
    }
  }
  await engine.retryPending();
  return { runs, errors };
}
