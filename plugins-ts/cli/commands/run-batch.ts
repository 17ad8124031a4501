/**
 * `fsi sync run <map> [--full]`: one batch run of an inventory or project map, by the inventory
 * engine (plugins-ts/inventory), with a progress bar.
 */
import { InventoryConfigurationError, UnknownMapError, inventoryConfigFromEnv, runBatch } from "../../inventory";
import type { RunRecord } from "../../inventory";
import { type CommandContext, ExitCode, UsageError } from "../context";
import { table } from "../format";
import { progressReporter } from "../progress";

export async function runBatchCommand(
  context: CommandContext,
  map: string,
  options: { readonly full: boolean; readonly json: boolean },
): Promise<number> {
  const progress = progressReporter(context.io.progressStream);
  let record: RunRecord;
  try {
    // The engine logs through the CLI's logger (warnings to stderr), not JSON lines on stdout.
    const config = { ...inventoryConfigFromEnv(context.settings.env), log: context.log };
    record = await runBatch(map, {
      config,
      full: options.full,
      onProgress: (line) => {
        progress.update({
          label: `${line.map}, ${line.phase}`,
          done: line.read,
          total: line.total ?? line.read,
          failed: line.failed,
        });
      },
    });
  } catch (error) {
    if (error instanceof UnknownMapError || error instanceof InventoryConfigurationError)
      throw new UsageError(error.message);
    throw error;
  } finally {
    progress.stop();
  }
  if (options.json) context.io.out(JSON.stringify(record, null, 2));
  else {
    context.io.out(
      `Batch run ${record.id} of ${record.map}: ${record.status}; read ${record.read}, changed ${record.changed}, unchanged ${record.unchanged}, filtered ${record.filtered}, failed ${record.failed}.`,
    );
    if (record.error !== null) context.io.out(`Stopped: ${record.error}`);
    if (record.errors.length > 0)
      context.io.out(
        table(
          ["row", "error"],
          record.errors.map((error) => [error.rowKey, error.message]),
        ),
      );
  }
  return record.status === "succeeded"
    ? ExitCode.Ok
    : record.status === "failed"
      ? ExitCode.Stopped
      : ExitCode.RowsFailed;
}
