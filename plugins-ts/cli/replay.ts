/**
 * Replays a map's queued changes from the shell (`resume`, `retry`), with the same replayer the
 * host runs, against the same state file: the replay lease keeps the host's timer off these
 * changes while this process applies them, so each change is applied once, in order.
 */
import { CompanyDirectory } from "../integration/company-directory";
import { ChangeReplayer, type ReplaySummary } from "../plugins/change-replayer";
import type { PluginServices } from "../plugins/plugin";
import { ScmToDataverseSync } from "../plugins/scm-to-dataverse";
import { DataverseClient } from "../services/dataverse-client";
import { type Logger } from "../services/logger";
import type { MapCatalog } from "../services/map-catalog";
import { ScmClient } from "../services/scm-client";
import type { HostStateStore } from "../sync/state-store";
import type { CliSettings } from "./config";

export interface ReplayEnvironment {
  readonly settings: CliSettings;
  readonly state: HostStateStore;
  readonly maps: MapCatalog;
  readonly log: Logger;
  /** How long to wait for a replay the host is running; default 60 s. */
  readonly leaseWaitMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export class ReplayBusyError extends Error {
  override readonly name = "ReplayBusyError";
  readonly code = "REPLAY_BUSY";
}

export function replayServices(environment: ReplayEnvironment): PluginServices {
  const { connection } = environment.settings;
  return {
    dataverse: new DataverseClient(connection.dataverse).scoped({ tag: connection.integration.echoTag }),
    scm: new ScmClient({ ...connection.scm, integrationUser: connection.integration.scmIntegrationUser }),
    maps: environment.maps,
    log: environment.log,
    settings: connection.integration,
    companies: new CompanyDirectory(),
    ledger: environment.state.ledger,
    queue: environment.state.queue,
    mapStates: environment.state.mapStates,
  };
}

/** Replays every queued change of the map that may run now, waiting for the lease if the host holds it. */
export async function replayMap(environment: ReplayEnvironment, map: string): Promise<ReplaySummary> {
  const replayer = new ChangeReplayer(new ScmToDataverseSync(), environment.state.lease());
  const services = replayServices(environment);
  const sleep = environment.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = Date.now() + (environment.leaseWaitMs ?? 60_000);
  for (;;) {
    const summary = await replayer.replay(services, { dueOnly: false, map });
    if (summary.busy !== true) return summary;
    if (Date.now() >= deadline) {
      throw new ReplayBusyError(
        `Another process (the plug-in host?) has been replaying the queue for a while; run the command again in a moment.`,
      );
    }
    await sleep(250);
  }
}
