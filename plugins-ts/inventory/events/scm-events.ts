/**
 * Live SCM → FS: SCM's data events for on-hand rows and projects (core/scm/data-events.ts), after
 * SCM committed them — asynchronously, at least once, in any order. An event only says which row
 * changed: the row is read again from SCM by its key, so a repeated, late or reordered event
 * applies SCM's latest row and a row never goes back in time; a row SCM no longer has is applied
 * as deleted.
 * - echoes are not dropped: the on-hand a posting of ours moved is still SCM's on-hand, and these
 *   flows never write back to SCM;
 * - a row that cannot be carried now (its warehouse has not arrived) is remembered and answered
 *   202, and tried again (`retryPending`);
 * - Dataverse or SCM out of reach answers 503, so the event is delivered again later.
 */
import type { ScmDataChange } from "@fsi/core/scm/data-events";
import type { ScmRow } from "@fsi/core/scm/schema";
import { IntegrationError } from "../../integration/errors";
import type { PluginResult } from "../../plugins/plugin";
import { DataverseRequestError } from "../../services/dataverse-request";
import type { OnHandFlow } from "../flows/on-hand";
import type { ProjectsFlow } from "../flows/projects";
import { type FlowRuntime, RowFailure, type RowOutcome } from "../flows/runtime";

export class InventoryEventReceiver {
  constructor(
    private readonly onHand: OnHandFlow,
    private readonly projects: ProjectsFlow,
    private readonly runtime: FlowRuntime,
  ) {}

  /** The SCM collections whose events these flows take (in either mode). */
  collections(): string[] {
    return [this.onHand, this.projects].map((flow) => flow.entity.collection);
  }

  /** The SCM collections the live subscription should be limited to. */
  liveCollections(): string[] {
    return [this.onHand, this.projects]
      .filter((flow) => flow.flow.mode === "live")
      .map((flow) => flow.entity.collection);
  }

  async receive(change: ScmDataChange): Promise<PluginResult> {
    const flow = [this.onHand, this.projects].find(
      (candidate) => candidate.entity.collection === change.entity.collection,
    );
    if (flow === undefined) {
      throw new IntegrationError(
        "UNMAPPED_TABLE",
        `No inventory map reads SCM entity ${change.entity.collection}; activate data events only for ${[this.onHand, this.projects].map((f) => f.entity.collection).join(", ")}.`,
      );
    }
    const map = flow.flow.name;
    const { store, log } = this.runtime;
    if (flow.flow.mode !== "live") {
      await store.recordLive(map, "skipped");
      return { outcome: "skipped", message: `Map ${map} runs in batch mode; its next run reads this change.` };
    }
    const keyRow: ScmRow = { ...change.key };
    const rowKey = flow.rowKey(keyRow);
    try {
      const current = await this.runtime.scm.getRow(change.entity, change.key);
      const outcome: RowOutcome = current === undefined ? await flow.applyDeleted(keyRow) : await flow.apply(current);
      await store.forgetFailure(map, rowKey);
      await store.recordLive(map, outcome === "filtered" ? "skipped" : outcome);
      log.info(`${map}: ${rowKey} ${outcome} (${change.operation} event ${change.eventId})`);
      return {
        outcome: outcome === "changed" ? "applied" : outcome === "unchanged" ? "unchanged" : "skipped",
        message: `${map} ${rowKey}: ${outcome}.`,
      };
    } catch (error) {
      if (error instanceof DataverseRequestError && error.unreachable) {
        await store.recordLive(map, "failed", error.message);
        throw new IntegrationError("DATAVERSE_UNAVAILABLE", `Dataverse could not be reached: ${error.message}`);
      }
      if (!(error instanceof RowFailure) && !(error instanceof DataverseRequestError)) throw error;
      await store.rememberFailure(map, rowKey, flow.keyOf(keyRow), error.message);
      await store.recordLive(map, "failed", `${rowKey}: ${error.message}`);
      log.warn(`${map}: ${rowKey} kept for a retry`, { reason: error.message, eventId: change.eventId });
      return { outcome: "queued", message: `${map} ${rowKey} kept for a retry: ${error.message}` };
    }
  }
}
