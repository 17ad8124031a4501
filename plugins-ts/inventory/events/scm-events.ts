/**
 * Live SCM → FS: SCM's business events for on-hand rows and projects, as they happen (an
 * asynchronous subscription — SCM's write never waits on Field Service, and SCM retries until it
 * is answered 2xx). Each event carries the whole row, so the flow applies it as a batch run would:
 * - a redelivered or late event (control number not above the last one applied to the row) is
 *   dropped, so a row never goes back in time;
 * - echoes are not dropped: the on-hand a posting of ours moved is still SCM's on-hand, and these
 *   flows never write back to SCM;
 * - a row that cannot be carried now (its warehouse has not arrived) is remembered and answered
 *   202: SCM's ordered delivery is not held up, and the row is tried again (`retryPending`);
 * - Dataverse out of reach answers 503, so SCM delivers the event again later.
 */
import { type ScmBusinessEvent, scmEntityForEvent } from "../../../core/scm/business-events";
import type { ScmRow } from "../../../core/scm/schema";
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

  /** The SCM collections the live subscription should be limited to. */
  liveCollections(): string[] {
    return [this.onHand, this.projects].filter((flow) => flow.flow.mode === "live").map((flow) => flow.entity.collection);
  }

  async receive(event: ScmBusinessEvent): Promise<PluginResult> {
    const entity = scmEntityForEvent(event);
    const flow = [this.onHand, this.projects].find((candidate) => candidate.entity.collection === entity?.collection);
    if (flow === undefined) {
      throw new IntegrationError("UNMAPPED_TABLE", `No inventory map reads SCM entity ${event.EntityName}; limit the subscription to ${[this.onHand, this.projects].map((f) => f.entity.collection).join(", ")}.`);
    }
    const map = flow.flow.name;
    const { store, log } = this.runtime;
    if (flow.flow.mode !== "live") {
      store.recordLive(map, "skipped");
      return { outcome: "skipped", message: `Map ${map} runs in batch mode; its next run reads this change.` };
    }
    const row: ScmRow = { ...(event.Row ?? {}), ...event.Keys };
    const rowKey = flow.rowKey(row);
    const applied = store.eventStamp(map, rowKey);
    if (applied !== undefined && event.ControlNumber <= applied) {
      store.recordLive(map, "skipped");
      return { outcome: "skipped", message: `Event ${event.ControlNumber} is not newer than event ${applied}, already applied to ${rowKey}.` };
    }
    try {
      let outcome: RowOutcome;
      if (event.Operation === "Delete" || event.Row === null) {
        outcome = await flow.applyDeleted(row);
      } else {
        outcome = await flow.apply(row);
      }
      store.recordEventStamp(map, rowKey, event.ControlNumber);
      store.forgetFailure(map, rowKey);
      store.recordLive(map, outcome === "filtered" ? "skipped" : outcome);
      log.info(`${map}: ${rowKey} ${outcome} (event ${event.ControlNumber})`);
      return { outcome: outcome === "changed" ? "applied" : outcome === "unchanged" ? "unchanged" : "skipped", message: `${map} ${rowKey}: ${outcome}.` };
    } catch (error) {
      if (error instanceof DataverseRequestError && error.unreachable) {
        store.recordLive(map, "failed", error.message);
        throw new IntegrationError("DATAVERSE_UNAVAILABLE", `Dataverse could not be reached: ${error.message}`);
      }
      if (!(error instanceof RowFailure) && !(error instanceof DataverseRequestError)) throw error;
      store.rememberFailure(map, rowKey, flow.keyOf(row), error.message);
      store.recordEventStamp(map, rowKey, event.ControlNumber);
      store.recordLive(map, "failed", `${rowKey}: ${error.message}`);
      log.warn(`${map}: ${rowKey} kept for a retry`, { reason: error.message, controlNumber: event.ControlNumber });
      return { outcome: "queued", message: `${map} ${rowKey} kept for a retry: ${error.message}` };
    }
  }
}
