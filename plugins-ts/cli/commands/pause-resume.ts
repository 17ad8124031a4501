/**
 * `pause <map>`, `resume <map>`, `retry <map>`, `errors <map>`.
 * - pause: the running host queues the map's changes (both directions) instead of applying them;
 * - resume: the map runs again and its queued changes are replayed here, oldest first; a change
 *   the other system refuses goes to the catch-up list;
 * - retry: the catch-up list is replayed again (after someone fixed the rows);
 * - errors: the catch-up list and the rows that stand Failed.
 */
import type { ReplaySummary } from "../../plugins/change-replayer";
import { type CommandContext, ExitCode, namedMaps } from "../context";
import { table } from "../format";
import { replayMap } from "../replay";

export async function pauseCommand(context: CommandContext, names: readonly string[]): Promise<number> {
  for (const map of namedMaps(context.maps, names)) {
    const before = await context.state.mapStates.pause(map);
    context.io.out(
      before === "paused"
        ? `${map}: already paused; ${await context.state.queue.depth({ map })} changes queued.`
        : `${map}: paused. Changes in either system are queued until \`fsi sync resume ${map}\`.`,
    );
  }
  return ExitCode.Ok;
}

export async function resumeCommand(context: CommandContext, names: readonly string[]): Promise<number> {
  let code: number = ExitCode.Ok;
  for (const map of namedMaps(context.maps, names)) {
    const before = await context.state.mapStates.resume(map);
    const summary = await replayMap(
      { settings: context.settings, state: context.state, maps: context.maps, log: context.log },
      map,
    );
    context.io.out(
      `${map}: ${before === "paused" ? "resumed" : "was running"}; ${await describeReplay(context, map, summary)}`,
    );
    if ((await context.state.queue.held({ map })).length > 0) code = ExitCode.RowsFailed;
  }
  return code;
}

export async function retryCommand(context: CommandContext, names: readonly string[]): Promise<number> {
  let code: number = ExitCode.Ok;
  for (const map of namedMaps(context.maps, names)) {
    if (await context.state.mapStates.isPaused(map)) {
      context.io.out(`${map}: paused; \`fsi sync resume ${map}\` replays its changes, the catch-up list included.`);
      await context.state.queue.release({ map });
      continue;
    }
    const released = await context.state.queue.release({ map });
    const summary = await replayMap(
      { settings: context.settings, state: context.state, maps: context.maps, log: context.log },
      map,
    );
    context.io.out(
      `${map}: ${released} change${released === 1 ? "" : "s"} off the catch-up list; ${await describeReplay(context, map, summary)}`,
    );
    if ((await context.state.queue.held({ map })).length > 0) code = ExitCode.RowsFailed;
  }
  return code;
}

export async function errorsCommand(context: CommandContext, names: readonly string[], json: boolean): Promise<number> {
  const maps = namedMaps(context.maps, names);
  const held = (await Promise.all(maps.map((map) => context.state.queue.held({ map })))).flat();
  const failed = (await Promise.all(maps.map((map) => context.state.ledger.failures(map)))).flat();
  if (json) {
    context.io.out(JSON.stringify({ catchUp: held, failedRows: failed }, null, 2));
    return held.length === 0 ? ExitCode.Ok : ExitCode.RowsFailed;
  }
  if (held.length === 0) context.io.out("Catch-up list: empty.");
  else {
    context.io.out(`Catch-up list (${held.length}; \`fsi sync retry <map>\` replays them):`);
    context.io.out(
      table(
        ["change", "map", "direction", "row", "attempts", "error"],
        held.map((change) => [
          String(change.sequence),
          change.map,
          change.direction,
          change.rowKey,
          String(change.attempts),
          change.lastError ?? "",
        ]),
      ),
    );
  }
  if (failed.length > 0) {
    context.io.out(`Rows that stand Failed (${failed.length}):`);
    context.io.out(
      table(
        ["map", "row", "error"],
        failed.map((entry) => [entry.map, entry.rowKey, entry.lastError ?? ""]),
      ),
    );
  }
  return held.length === 0 ? ExitCode.Ok : ExitCode.RowsFailed;
}

async function describeReplay(context: CommandContext, map: string, summary: ReplaySummary): Promise<string> {
  const held = await context.state.queue.held({ map });
  const waiting = summary.remaining - held.length;
  const parts = [`${summary.applied} queued change${summary.applied === 1 ? "" : "s"} replayed in order`];
  if (held.length > 0) {
    parts.push(`${held.length} refused, on the catch-up list:`);
    return `${parts.join("; ")}\n${table(
      ["change", "row", "error"],
      held.map((change) => [String(change.sequence), change.rowKey, change.lastError ?? ""]),
    )}${waiting > 0 ? `\n${waiting} more wait behind them or for the other system.` : ""}`;
  }
  if (waiting > 0)
    parts.push(
      `${waiting} still queued (the other system did not answer, or a row they need has not arrived); the host retries them`,
    );
  return `${parts.join("; ")}.`;
}
