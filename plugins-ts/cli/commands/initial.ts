/**
 * `fsi sync initial --map <name> --direction fs-to-scm|scm-to-fs [--master fs|scm]`: the initial
 * bulk copy (plugins-ts/sync/initial). Prints a summary per map and every row error.
 */
import type { SyncDirection } from "../../sync/change-queue";
import type { SyncMaster } from "../../sync/initial-sync-store";
import { DataverseBulkClient } from "../../sync/initial/dataverse-bulk";
import { type InitialSyncReport, runInitialSync } from "../../sync/initial/initial-sync";
import { ScmBulkReader } from "../../sync/initial/scm-bulk";
import { ScmClient } from "../../services/scm-client";
import { type CommandContext, ExitCode } from "../context";
import { seconds, table } from "../format";
import { progressReporter } from "../progress";

export interface InitialOptions {
  readonly maps: readonly string[];
  readonly direction: SyncDirection;
  readonly master?: SyncMaster;
  readonly withDependencies: boolean;
  readonly batchSize?: number;
  readonly restart: boolean;
  /** Dataverse writes with MSCRM.BypassBusinessLogicExecution (needs prvBypassCustomBusinessLogic). */
  readonly bypassCustomLogic: boolean;
  readonly json: boolean;
}

export async function initialCommand(context: CommandContext, options: InitialOptions): Promise<number> {
  const { connection } = context.settings;
  const { io } = context;
  const progress = progressReporter(io.progressStream);
  let report: InitialSyncReport;
  try {
    report = await runInitialSync(
      {
        maps: options.maps,
        direction: options.direction,
        withDependencies: options.withDependencies,
        restart: options.restart,
        ...(options.master === undefined ? {} : { master: options.master }),
        ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      },
      {
        catalog: context.maps,
        dataverse: new DataverseBulkClient({
          url: connection.dataverse.url,
          accessToken: connection.dataverse.accessToken,
          tag: connection.integration.echoTag,
          bypassCustomLogic: options.bypassCustomLogic,
        }),
        scmReader: new ScmBulkReader({ ...connection.scm, integrationUser: connection.integration.scmIntegrationUser }),
        scm: new ScmClient({ ...connection.scm, integrationUser: connection.integration.scmIntegrationUser }),
        store: context.state.initial,
        ledger: context.state.ledger,
        log: context.log,
        onStart: ({ run, resumed, alreadyFinished, plan }) => {
          if (options.json) return;
          const order = plan.map((entry) =>
            entry.selfLookups.length === 0
              ? entry.map.name
              : `${entry.map.name} (self-lookups in pass 2: ${entry.selfLookups.map((pair) => pair.dataverse).join(", ")})`,
          );
          io.out(`Initial sync run ${run.id}, ${run.direction}, master ${run.master}: ${order.join(" → ")}`);
          if (resumed)
            io.out(`Resuming run ${run.id} from its checkpoint: ${alreadyFinished} rows were finished before.`);
        },
        onProgress: (line) => {
          if (line.phase === "writing")
            progress.update({
              label: `${line.map}, pass ${line.pass}`,
              done: line.done,
              total: line.total,
              failed: line.failed,
            });
        },
      },
    );
  } finally {
    progress.stop();
  }
  if (options.json) {
    io.out(JSON.stringify(report, null, 2));
    return report.errors.length === 0 ? ExitCode.Ok : ExitCode.RowsFailed;
  }
  io.out(
    table(
      ["map", "created", "updated", "written back", "unchanged", "failed"],
      report.maps.map(({ map, counts }) => [
        map,
        String(counts.created),
        String(counts.updated),
        String(counts["written-back"]),
        String(counts.unchanged),
        String(counts.failed),
      ]),
    ),
  );
  if (report.throttling.throttled > 0) {
    io.out(
      `Throttled ${report.throttling.throttled} times (429); waited ${seconds(report.throttling.waitedMs)} as Retry-After asked.`,
    );
  }
  if (report.errors.length === 0) {
    io.out(`Run ${report.runId} finished without errors in ${seconds(report.durationMs)}.`);
    return ExitCode.Ok;
  }
  io.out(
    `Run ${report.runId} finished in ${seconds(report.durationMs)}; ${report.errors.length} row${report.errors.length === 1 ? "" : "s"} failed:`,
  );
  io.out(
    table(
      ["map", "pass", "row", "error"],
      report.errors.map((error) => [error.map, String(error.pass), error.rowKey, error.message]),
    ),
  );
  return ExitCode.RowsFailed;
}
