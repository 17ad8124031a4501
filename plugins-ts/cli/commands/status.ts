/**
 * `fsi sync status`: per dual-write map its state, queue depth, catch-up list, last sync, rows
 * standing Failed and its last initial run; then the inventory engine's batch maps,
 * when it has a state file.
 */
import { existsSync } from "node:fs";
import { DEFAULT_INVENTORY_STATE_PATH, batchStatus } from "../../inventory";
import type { MapStatus } from "../../inventory";
import { type CommandContext, ExitCode } from "../context";
import { table } from "../format";
import { type SharedTableCheck, sharedTableCheck } from "./shared-tables";

export interface DualWriteMapStatus {
  readonly map: string;
  readonly state: "running" | "paused";
  readonly stateChangedAt: string | null;
  readonly queueDepth: number;
  readonly catchUp: number;
  readonly lastSync: string | null;
  readonly errors: number;
  readonly lastInitialRun: {
    readonly id: number;
    readonly direction: string;
    readonly status: string;
    readonly rows: number;
    readonly errors: number;
    readonly startedAt: string;
  } | null;
}

export interface StatusReport {
  readonly stateFile: string;
  /** Who syncs each map here, and any table two writers would share. */
  readonly writers: SharedTableCheck;
  readonly maps: readonly DualWriteMapStatus[];
  readonly batchMaps: readonly MapStatus[] | null;
  /** Why the batch maps are missing, when they are. */
  readonly batchNote: string | null;
}

export async function statusReport(context: CommandContext): Promise<StatusReport> {
  const { state } = context;
  const maps = await Promise.all(
    context.maps.maps.map(async (map): Promise<DualWriteMapStatus> => {
      const entry = await state.mapStates.get(map.name);
      const ledger = await state.ledger.summary(map.name);
      const run = await state.initial.lastRunOf(map.name);
      return {
        map: map.name,
        state: entry?.state ?? "running",
        stateChangedAt: entry?.changedAt ?? null,
        queueDepth: await state.queue.depth({ map: map.name }),
        catchUp: (await state.queue.held({ map: map.name })).length,
        lastSync: ledger.lastSyncedOn,
        errors: ledger.failed,
        lastInitialRun:
          run === undefined
            ? null
            : {
                id: run.id,
                direction: run.direction,
                status: run.status,
                rows: run.rows,
                errors: run.errors,
                startedAt: run.startedAt,
              },
      };
    }),
  );
  const inventoryState = context.settings.env.FSI_INVENTORY_STATE_PATH?.trim() || DEFAULT_INVENTORY_STATE_PATH;
  let batchMaps: MapStatus[] | null = null;
  let batchNote: string | null = null;
  if (state.kind === "sqlite" && inventoryState !== ":memory:" && !existsSync(inventoryState)) {
    batchNote = `no inventory state file at ${inventoryState} yet (no batch run so far)`;
  } else {
    try {
      batchMaps = await batchStatus({
        env: context.settings.env,
        ...(state.kind === "azure" ? { store: state.inventory } : {}),
      });
    } catch (error) {
      batchNote = error instanceof Error ? error.message : String(error);
    }
  }
  const writers = await sharedTableCheck(context.settings.connection, context.maps.maps);
  return { stateFile: context.settings.statePath, writers, maps, batchMaps, batchNote };
}

export async function statusCommand(context: CommandContext, json: boolean): Promise<number> {
  const report = await statusReport(context);
  if (json) {
    context.io.out(JSON.stringify(report, null, 2));
    return ExitCode.Ok;
  }
  context.io.out(`State file: ${report.stateFile}`);
  context.io.out(
    table(
      ["map", "mode", "state", "queued", "catch-up", "last sync", "errors", "initial sync"],
      report.maps.map((map) => [
        map.map,
        report.writers.maps.find((writer) => writer.map === map.map)?.mode ?? "fsi",
        map.state,
        String(map.queueDepth),
        String(map.catchUp),
        map.lastSync ?? "never",
        String(map.errors),
        map.lastInitialRun === null
          ? "-"
          : `run ${map.lastInitialRun.id} ${map.lastInitialRun.direction} ${map.lastInitialRun.status}, ${map.lastInitialRun.rows} rows, ${map.lastInitialRun.errors} errors`,
      ]),
    ),
  );
  for (const warning of report.writers.warnings) context.io.out(`Warning: ${warning}`);
  if (report.writers.note !== null) context.io.out(`Note: ${report.writers.note}; shared tables were not checked.`);
  if (report.batchMaps === null) {
    context.io.out(`Batch maps: ${report.batchNote ?? "none"}.`);
    return ExitCode.Ok;
  }
  context.io.out("Batch maps:");
  context.io.out(
    table(
      ["map", "mode", "last run", "status", "rows read", "changed", "errors"],
      report.batchMaps.map((map) => [
        map.map,
        map.mode,
        map.lastRun?.finishedAt ?? map.lastRun?.startedAt ?? "never",
        map.lastRun?.status ?? "-",
        String(map.lastRun?.read ?? 0),
        String(map.lastRun?.changed ?? 0),
        String(map.lastRun?.failed ?? 0),
      ]),
    ),
  );
  return ExitCode.Ok;
}
