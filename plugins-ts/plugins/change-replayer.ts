/**
 * Replays the durable change queue, oldest first. A row's changes stay in order: once one of them
 * fails, the later changes to the same row wait for the next pass. Passes repeat while they make
 * progress, since an applied row may be the dependency a change earlier in the queue waited for.
 * A change that fails for a reason time may cure (the other system down, a dependency missing) is
 * rescheduled with backoff; one the other system *refused* goes on the catch-up list (held, with
 * the refusal) until `fsi sync retry <map>` — retrying it on a timer would not help. Nothing is
 * dropped. Paused maps are left alone (`ChangeQueue.replayable`).
 *
 * With a lease (the host and the sync CLI share the state file), a pass runs only while this
 * replayer holds it, so two processes never apply the same change.
 */
import type { DataverseRecord } from "@fsi/core/dataverse/record";
import { ScmSyncStatus, tableByLogicalName } from "@fsi/core/dataverse/tables";
import { IntegrationError, type IntegrationErrorCode } from "../integration/errors";
import { ScmRejectedError } from "../services/scm-client";
import type { QueuedChange } from "../sync/change-queue";
import type { ReplayLeaseHandle } from "../sync/state-store";
import type { PluginServices } from "./plugin";
import { resyncScmRow } from "./scm-resync";
import { syncCommittedRow } from "./trimmed-context";
import { type QueuedScmWrite, applyScmWrite } from "./sync-to-scm-plugin";
import { InvalidDataEventError } from "../integration/scm-data-event";
import { DependencyMissingError, type ScmToDataverseSync } from "./scm-to-dataverse";
import { SYNC_STATUS_COLUMNS } from "@fsi/core/registration";

export interface ReplaySummary {
  readonly applied: number;
  readonly failed: number;
  /** Left in the queue after the replay (of the replayed map, when one was named). */
  readonly remaining: number;
  /** Set when another process held the replay lease, so nothing was tried. */
  readonly busy?: true;
}

export interface ReplayOptions {
  /** Only changes whose backoff has elapsed (the timer); otherwise all that may run (a dependency arrived, a resume). */
  readonly dueOnly: boolean;
  /** Only this map's changes (`fsi sync resume <map>`, `retry <map>`). */
  readonly map?: string;
}

/** Refusals by the other system (or the map): the same change would be refused again. */
const REFUSALS: ReadonlySet<IntegrationErrorCode> = new Set([
  "SCM_REJECTED",
  "DATAVERSE_REJECTED",
  "MAPPING_FAILED",
  "VALIDATION_FAILED",
  "UNMAPPED_TABLE",
  "INCOMPLETE_CONTEXT",
]);

export function isRefusal(error: unknown): boolean {
  if (error instanceof ScmRejectedError || error instanceof InvalidDataEventError) return true;
  return error instanceof IntegrationError && REFUSALS.has(error.code);
}

/**
 * Attempts a change waiting for a row that never arrives gets before its wait becomes an error:
 * with the default backoff (5 s doubling to 15 min) about 50 minutes. Then it goes on the catch-up
 * list (`fsi sync errors` / `status`) naming what is missing — a company that exists only in SCM,
 * say — instead of waiting in the queue forever, silently.
 */
export const DEFAULT_DEPENDENCY_ATTEMPTS = 10;

export class ChangeReplayer {
  /** Replays run one at a time, so no change is applied twice by overlapping replays. */
  private last: Promise<unknown> = Promise.resolve();
  /** Replays asked for while another runs, not started yet, by scope: a repeat joins the waiting one. */
  private readonly waiting = new Map<string, Promise<ReplaySummary>>();

  constructor(
    private readonly inbound: ScmToDataverseSync,
    private readonly lease?: ReplayLeaseHandle,
    private readonly dependencyAttempts = DEFAULT_DEPENDENCY_ATTEMPTS,
  ) {}

  /**
   * Runs a replay after the one running, if any. A replay of the same scope already waiting its
   * turn covers this request too (it reads the queue when it starts), so requests arriving while
   * the other system is slow never stack up passes.
   */
  replay(services: PluginServices, options: ReplayOptions): Promise<ReplaySummary> {
    const scope = `${options.map ?? "*"}|${options.dueOnly ? "due" : "all"}`;
    const waiting = this.waiting.get(scope);
    if (waiting !== undefined) return waiting;
    const run = this.last.then(() => {
      this.waiting.delete(scope);
      return this.replayNow(services, options);
    });
    this.waiting.set(scope, run);
    this.last = run.catch(() => undefined);
    return run;
  }

  private async replayNow(services: PluginServices, options: ReplayOptions): Promise<ReplaySummary> {
    const scope = options.map === undefined ? {} : { map: options.map };
    if (this.lease !== undefined && !(await this.lease.acquire())) {
      services.log.info("Another process is replaying the change queue; this replay waits for the next turn", {
        holder: await this.lease.currentHolder(),
      });
      return { applied: 0, failed: 0, remaining: await services.queue.depth(scope), busy: true };
    }
    services.log.debug("Replaying the change queue", { dueOnly: options.dueOnly, ...scope });
    let applied = 0;
    let failed = 0;
    try {
      // Another pass after any progress: an applied row may unblock a change, and changes queued
      // behind a replayed one while it ran must not wait for the timer.
      for (let progress = true; progress; ) {
        const pass = await this.pass(services, await services.queue.replayable({ ...scope, dueOnly: options.dueOnly }));
        applied += pass.applied;
        failed += pass.failed;
        progress = pass.applied > 0 && !pass.leaseLost;
      }
    } finally {
      await this.lease?.release();
    }
    return { applied, failed, remaining: await services.queue.depth(scope) };
  }

  private async pass(
    services: PluginServices,
    changes: readonly QueuedChange[],
  ): Promise<{ applied: number; failed: number; leaseLost: boolean }> {
    const blocked = new Set<string>();
    let applied = 0;
    let failed = 0;
    for (const change of changes) {
      // Renewed per change; lost only when this process stalled past the lease and another took it.
      if (this.lease !== undefined && !(await this.lease.acquire())) return { applied, failed, leaseLost: true };
      const row = `${change.map}|${change.direction}|${change.rowKey}`;
      if (blocked.has(row)) continue;
      try {
        await this.apply(change, services);
        await services.queue.complete(change.sequence);
        applied += 1;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof DependencyMissingError && change.attempts + 1 >= this.dependencyAttempts) {
          const reason = `Still ${message} after ${change.attempts + 1} attempts: add ${error.waitingFor.join(", ")} to Field Service (or fix the row in SCM), then run fsi sync retry ${change.map}.`;
          await services.queue.hold(change.sequence, reason);
          await this.markFailed(change, reason, services);
          services.log.warn("Queued change gave up waiting; it waits on the catch-up list (fsi sync retry)", {
            sequence: change.sequence,
            map: change.map,
            rowKey: change.rowKey,
            waitingFor: error.waitingFor,
          });
        } else if (isRefusal(error)) {
          await services.queue.hold(change.sequence, message);
          await this.markFailed(change, message, services);
          services.log.warn("Queued change refused; it waits on the catch-up list (fsi sync retry)", {
            sequence: change.sequence,
            map: change.map,
            rowKey: change.rowKey,
            reason: message,
          });
        } else {
          await services.queue.retryLater(
            change.sequence,
            message,
            error instanceof DependencyMissingError ? error.waitingFor : undefined,
          );
          services.log.warn("Queued change still cannot be applied", {
            sequence: change.sequence,
            rowKey: change.rowKey,
            reason: message,
          });
        }
        blocked.add(row);
        failed += 1;
      }
    }
    return { applied, failed, leaseLost: false };
  }

  private async apply(change: QueuedChange, services: PluginServices): Promise<void> {
    if (change.direction === "scm-to-fs") {
      await this.inbound.replay(change, services);
      return;
    }
    const write = change.payload as QueuedScmWrite;
    if (change.resync) {
      await this.resync(change, write, services);
      return;
    }
    await applyScmWrite(write, services);
    await services.ledger.record({
      map: change.map,
      rowKey: change.rowKey,
      dataverseId: write.dataverseId,
      status: "synced",
      ...(write.stamp === undefined ? {} : { fsStamp: write.stamp }),
    });
    await this.markSynced(change, write, services);
  }

  /** SCM's row set to Dataverse's committed row (scm-resync.ts); the Dataverse row, if any, says Synced. */
  private async resync(change: QueuedChange, write: QueuedScmWrite, services: PluginServices): Promise<void> {
    const map = services.maps.byName(change.map);
    if (map === undefined)
      throw new IntegrationError("UNMAPPED_TABLE", `No map ${change.map} for the queued resync of ${change.rowKey}.`);
    const result =
      write.afterCommit === undefined
        ? await resyncScmRow(map, write, services)
        : await syncCommittedRow(map, write, services);
    services.log.info(`Resync of ${change.rowKey}: SCM ${result.outcome}`);
    await services.ledger.record({
      map: change.map,
      rowKey: change.rowKey,
      status: "synced",
      ...(result.dataverseId === undefined ? {} : { dataverseId: result.dataverseId }),
    });
    if (result.dataverseId !== undefined)
      await this.markSynced(change, { ...write, operation: "upsert", dataverseId: result.dataverseId }, services);
  }

  /** The Dataverse row said "Pending" while its change waited; now it is in SCM. */
  private markSynced(change: QueuedChange, write: QueuedScmWrite, services: PluginServices): Promise<void> {
    return this.writeStatus(change, write, services, {
      fsi_scmsyncstatus: ScmSyncStatus.Synced,
      fsi_scmlastsyncedon: new Date().toISOString(),
      fsi_scmlasterror: null,
    });
  }

  /**
   * SCM refused a replayed change: retrying will not help until someone fixes the row (or SCM's
   * rules), so the row says Failed, with SCM's reason. The change stays queued, for the catch-up list.
   */
  private async markFailed(change: QueuedChange, reason: string, services: PluginServices): Promise<void> {
    if (change.direction !== "fs-to-scm") {
      // An SCM change Field Service refused or could not take: the row (when it exists) says Failed, with the reason.
      await this.inbound.markRefusedByKey(change, reason, services);
      return;
    }
    const write = change.payload as QueuedScmWrite;
    await services.ledger.record({
      map: change.map,
      rowKey: change.rowKey,
      dataverseId: write.dataverseId,
      status: "failed",
      error: reason,
    });
    await this.writeStatus(change, write, services, {
      fsi_scmsyncstatus: ScmSyncStatus.Failed,
      fsi_scmlasterror: reason.slice(0, 4000),
    });
  }

  private async writeStatus(
    change: QueuedChange,
    write: QueuedScmWrite,
    services: PluginServices,
    status: DataverseRecord,
  ): Promise<void> {
    const map = services.maps.byName(change.map);
    const table = map === undefined ? undefined : tableByLogicalName(map.dataverseTable);
    if (
      table === undefined ||
      write.operation === "delete" ||
      !SYNC_STATUS_COLUMNS.every((column) => column in table.columns)
    )
      return;
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
