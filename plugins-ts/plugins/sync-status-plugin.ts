/**
 * (3) Sync status — asynchronous PostOperation step on Create and Update: writes where the row
 * stands with SCM (`fsi_scmsyncstatus`, `fsi_scmlastsyncedon`, `fsi_scmlasterror`) from the sync
 * ledger the Sync to SCM step filled in. The write does not trigger another sync: those columns
 * are in no step's filtering attributes, and the write carries the integration's echo tag.
 */
import { ScmSyncStatus } from "@fsi/core/dataverse/tables";
import { SYNC_STATUS_COLUMNS } from "@fsi/core/registration";
import type { PluginExecutionContext } from "../context/execution-context";
import { isDataverseEcho } from "../integration/echo";
import { IntegrationError } from "../integration/errors";
import type { LedgerEntry } from "../sync/sync-ledger";
import { DataverseRequestError } from "../services/dataverse-request";
import { mapModeOf } from "@fsi/core/maps/map-modes";
import { mappedTable } from "./execution-row";
import type { Plugin, PluginResult, PluginServices } from "./plugin";

function statusValue(entry: LedgerEntry | undefined): number {
  switch (entry?.status) {
    case "synced":
      return ScmSyncStatus.Synced;
    case "pending":
      return ScmSyncStatus.Pending;
    case "failed":
      return ScmSyncStatus.Failed;
    case undefined:
      return ScmSyncStatus.NotSynced;
  }
}

export class SyncStatusPlugin implements Plugin {
  readonly name = "sync-status";

  async execute(context: PluginExecutionContext, services: PluginServices): Promise<PluginResult> {
    if (context.messageName !== "Create" && context.messageName !== "Update") {
      throw new IntegrationError(
        "UNSUPPORTED_MESSAGE",
        `The sync-status plug-in runs on Create and Update, not ${context.messageName}.`,
      );
    }
    if (isDataverseEcho(context, services.settings)) {
      return { outcome: "skipped", message: "Written by the integration, which set the status itself." };
    }
    const { map, table } = mappedTable(context, services);
    if (mapModeOf(services.settings.mapModes, map.name) !== "fsi") {
      return { outcome: "skipped", message: "The toolkit does not sync this table here, so it writes no sync status." };
    }
    if (!SYNC_STATUS_COLUMNS.every((column) => column in table.columns)) {
      return { outcome: "skipped", message: `${table.logicalName} has no SCM sync status columns.` };
    }
    const entry = await services.ledger.byDataverseId(map.name, context.primaryEntityId);
    const status = statusValue(entry);
    try {
      await services.dataverse.update(table, context.primaryEntityId, {
        fsi_scmsyncstatus: status,
        fsi_scmlastsyncedon: entry?.lastSyncedOn ?? null,
        fsi_scmlasterror: entry?.status === "synced" ? null : (entry?.lastError ?? null),
      });
    } catch (error) {
      if (error instanceof DataverseRequestError && error.status === 404) {
        return { outcome: "skipped", message: "The row was deleted before its status could be written." };
      }
      throw error;
    }
    return { outcome: "applied", message: `Sync status ${entry?.status ?? "not synced"} written.` };
  }
}
