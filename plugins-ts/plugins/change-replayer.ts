/**
 * Replays the durable change queue, oldest first. A row's changes stay in order: once one of them
 * fails, the later changes to the same row wait for the next pass. Passes repeat while they make
 * progress, since an applied row may be the dependency a change earlier in the queue waited for.
 * A change that still fails is rescheduled with backoff and keeps its error (what the sync CLI's
 * catch-up list will show); nothing is dropped.
 */
import type { DataverseRecord } from "../../core/dataverse/record";
import { ScmSyncStatus, tableByLogicalName } from "../../core/dataverse/tables";
import { ScmRejectedError } from "../services/scm-client";
import type { QueuedChange } from "../sync/change-queue";
import type { PluginServices } from "./plugin";
import { type QueuedScmWrite, applyScmWrite } from "./sync-to-scm-plugin";
import { DependencyMissingError, type ScmToDataverseSync } from "./scm-to-dataverse";
import { SYNC_STATUS_COLUMNS } from "./sync-status-plugin";

export interface ReplaySummary {
  readonly applied: number;
  readonly failed: number;
  /** Left in the queue after the replay. */
  readonly remaining: number;
}

export class ChangeReplayer {
  /** Replays run one at a time, so no change is applied twice by overlapping replays. */
  private last: Promise<unknown> = Promise.resolve();

  constructor(private readonly inbound: ScmToDataverseSync) {}

  /** `dueOnly`: only changes whose backoff has elapsed (the timer); otherwise all (a dependency arrived). */
  replay(services: PluginServices, options: { readonly dueOnly: boolean }): Promise<ReplaySummary> {
    const run = this.last.then(() => this.replayNow(services, options.dueOnly));
    this.last = run.catch(() => undefined);
    return run;
  }

  private async replayNow(services: PluginServices, dueOnly: boolean): Promise<ReplaySummary> {
    let applied = 0;
    let failed = 0;
    // Another pass after any progress: an applied row may unblock a change, and changes queued
    // behind a replayed one while it ran must not wait for the timer.
    for (let progress = true; progress; ) {
      const pass = await this.pass(services, dueOnly ? services.queue.due() : services.queue.pending());
      applied += pass.applied;
      failed += pass.failed;
      progress = pass.applied > 0;
    }
    return { applied, failed, remaining: services.queue.depth() };
  }

  private async pass(services: PluginServices, changes: readonly QueuedChange[]): Promise<{ applied: number; failed: number }> {
    const blocked = new Set<string>();
    let applied = 0;
    let failed = 0;
    for (const change of changes) {
      const row = `${change.map}|${change.direction}|${change.rowKey}`;
      if (blocked.has(row)) continue;
      try {
        await this.apply(change, services);
        services.queue.complete(change.sequence);
        applied += 1;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        services.queue.retryLater(change.sequence, message, error instanceof DependencyMissingError ? error.waitingFor : undefined);
        if (error instanceof ScmRejectedError) await this.markFailed(change, message, services);
        services.log.warn("Queued change still cannot be applied", { sequence: change.sequence, rowKey: change.rowKey, reason: message });
        blocked.add(row);
        failed += 1;
      }
    }
    return { applied, failed };
  }

  private async apply(change: QueuedChange, services: PluginServices): Promise<void> {
    if (change.direction === "scm-to-fs") {
      await this.inbound.replay(change, services);
      return;
    }
    const write = change.payload as QueuedScmWrite;
    await applyScmWrite(write, services);
    services.ledger.record({ map: change.map, rowKey: change.rowKey, dataverseId: write.dataverseId, status: "synced", ...(write.stamp === undefined ? {} : { fsStamp: write.stamp }) });
    await this.markSynced(change, write, services);
  }

  /** The Dataverse row said "Pending" while its change waited; now it is in SCM. */
  private markSynced(change: QueuedChange, write: QueuedScmWrite, services: PluginServices): Promise<void> {
    return this.writeStatus(change, write, services, { fsi_scmsyncstatus: ScmSyncStatus.Synced, fsi_scmlastsyncedon: new Date().toISOString(), fsi_scmlasterror: null });
  }

  /**
   * SCM refused a replayed change: retrying will not help until someone fixes the row (or SCM's
   * rules), so the row says Failed, with SCM's reason. The change stays queued, for the catch-up list.
   */
  private async markFailed(change: QueuedChange, reason: string, services: PluginServices): Promise<void> {
    if (change.direction !== "fs-to-scm") return;
    const write = change.payload as QueuedScmWrite;
    services.ledger.record({ map: change.map, rowKey: change.rowKey, dataverseId: write.dataverseId, status: "failed", error: reason });
    await this.writeStatus(change, write, services, { fsi_scmsyncstatus: ScmSyncStatus.Failed, fsi_scmlasterror: reason.slice(0, 4000) });
  }

  private async writeStatus(change: QueuedChange, write: QueuedScmWrite, services: PluginServices, status: DataverseRecord): Promise<void> {
    const map = services.maps.byName(change.map);
    const table = map === undefined ? undefined : tableByLogicalName(map.dataverseTable);
    if (table === undefined || write.operation === "delete" || !SYNC_STATUS_COLUMNS.every((column) => column in table.columns)) return;
    try {
      await services.dataverse.update(table, write.dataverseId, status);
    } catch (error) {
      services.log.warn("The Dataverse row's sync status could not be updated", {
        rowKey: change.rowKey,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
