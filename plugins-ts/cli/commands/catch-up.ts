/**
 * `catch-up [--map <name>]...`: the catch-up pass from SCM (plugins/scm-catch-up.ts), the same pass
 * as the host's `POST /plugins/scm-catch-up`, run from the shell with the CLI's own connection and
 * the host's state file. It makes Field Service equal to SCM for each map, which makes up for data
 * events SCM could not deliver (they sit in SCM's data event error log) or never sent (a
 * deactivated data event). Without --map it runs every map; maps in dual-write or off mode are
 * skipped, as the host skips them.
 */
import { catchUpFromScm } from "../../plugins/scm-catch-up";
import { ScmToDataverseSync } from "../../plugins/scm-to-dataverse";
import { type CommandContext, ExitCode, namedMaps } from "../context";
import { table } from "../format";
import { replayMap, replayServices } from "../replay";

export async function catchUpCommand(
  context: CommandContext,
  names: readonly string[],
  json: boolean,
): Promise<number> {
  const selected =
    names.length === 0
      ? context.maps.maps
      : namedMaps(context.maps, names).flatMap((name) => context.maps.maps.filter((map) => map.name === name));
  const environment = { settings: context.settings, state: context.state, maps: context.maps, log: context.log };
  const summaries = await catchUpFromScm(selected, new ScmToDataverseSync(), replayServices(environment));
  // Rows that waited for a lookup the pass just wrote can go now, as after the host's pass.
  for (const summary of summaries) {
    if ((await context.state.queue.depth({ map: summary.map, direction: "scm-to-fs" })) > 0)
      await replayMap(environment, summary.map);
  }
  const held = await Promise.all(
    summaries.map(async (summary) => ({
      map: summary.map,
      held: await context.state.queue.held({ map: summary.map }),
    })),
  );
  if (json) context.io.out(JSON.stringify({ maps: summaries }, null, 2));
  else if (summaries.length === 0) context.io.out("No map runs in fsi mode; nothing to catch up.");
  else {
    context.io.out(
      table(
        ["map", "read in SCM", "written", "deleted", "unchanged", "queued"],
        summaries.map((summary) => [
          summary.map,
          String(summary.read),
          String(summary.applied),
          String(summary.deleted),
          String(summary.unchanged),
          String(summary.queued),
        ]),
      ),
    );
    for (const entry of held.filter((candidate) => candidate.held.length > 0))
      context.io.out(
        `${entry.map}: ${entry.held.length} row${entry.held.length === 1 ? "" : "s"} refused by Field Service, on the catch-up list (\`fsi sync errors ${entry.map}\`).`,
      );
  }
  return held.some((entry) => entry.held.length > 0) ? ExitCode.RowsFailed : ExitCode.Ok;
}
