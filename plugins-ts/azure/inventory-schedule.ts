/**
 * The inventory engine's schedule on Azure Functions, as a timer trigger.
 *
 * Why not the engine's own timers (`startSchedule`, as `host/main.ts` uses): on a consumption plan
 * the Function App is deallocated when idle and woken by its triggers, so an in-process
 * `setInterval` fires only while some request happens to keep an instance up — a scheduled batch
 * map would run late, or never. A timer trigger is one of those wake-up triggers. It fires every
 * minute (`INVENTORY_SCHEDULE`) and runs what is due (`inventory/due-work.ts`): the batch maps
 * whose `scheduleMinutes` have passed since their last run started (read from the run history in
 * `FSI_INVENTORY_STATE_PATH`, so the rhythm survives cold starts), then the live maps' kept rows
 * (what `retryIntervalMs` does in a long-running process). A tick with nothing due only reads the
 * state file.
 *
 * The Functions runtime runs a timer function on one instance at a time, and not again while an
 * invocation is still running (Learn, "Timer trigger for Azure Functions", Scale-out: a singleton
 * lock), so a long batch run never overlaps itself; the tick after it finds the map not due yet.
 */
import type { InvocationContext, Timer } from "@azure/functions";
import type { InventoryEngine } from "../inventory";
import { runDueWork } from "../inventory/due-work";

/** NCRONTAB (`{second} {minute} {hour} {day} {month} {day-of-week}`): at second 0 of every minute. */
export const INVENTORY_SCHEDULE = "0 * * * * *";

export interface InventoryScheduleFunction {
  readonly name: string;
  /** NCRONTAB expression. */
  readonly schedule: string;
  readonly handler: (timer: Timer, context: InvocationContext) => Promise<void>;
}

export function inventoryScheduleFunction(
  engine: () => InventoryEngine,
  clock: () => Date = () => new Date(),
): InventoryScheduleFunction {
  return {
    name: "inventory-schedule",
    schedule: INVENTORY_SCHEDULE,
    async handler(timer, context) {
      if (timer.isPastDue)
        context.warn("inventory schedule: this tick is late (the app was asleep or busy); running what is due now");
      const report = await runDueWork(engine(), clock());
      for (const run of report.runs) {
        const line = `inventory schedule: ${run.map} batch run ${String(run.id)} ${run.status}: read ${String(run.read)}, changed ${String(run.changed)}, failed ${String(run.failed)}`;
        if (run.status === "succeeded") context.log(line);
        else context.warn(run.error === null ? line : `${line} (${run.error})`);
      }
      // A run that threw is not in the run history; failing the invocation makes it visible in the monitor.
      if (report.errors.length > 0)
        throw new Error(
          `inventory schedule: ${report.errors.map((failure) => `${failure.map}: ${failure.message}`).join("; ")}`,
        );
    },
  };
}
