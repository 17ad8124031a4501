/**
 * (4) SCM → Dataverse — the business events SCM posts to `/plugins/scm-events`. Maps the SCM row
 * with core, resolves its lookups (and company) through natural keys, and upserts the Dataverse
 * row by alternate key, marked as the integration's write (echo tag, integration user). Dataverse
 * refuses → 422, and a synchronous SCM subscription rolls SCM's write back.
 *
 * A row whose lookup target has not arrived yet (a warehouse before its site) is queued durably
 * and replayed when that row arrives (or on the retry timer) — answered 202, never dropped.
 * Redelivered and out-of-order events are dropped by ControlNumber (see sync-ledger.ts).
 *
 * A synchronous subscription that stops waiting (SCM's timeout ran out while the Dataverse write
 * waited behind a Dataverse save of the same row) has rolled the SCM write back: that change loses,
 * and the Dataverse row is set back to SCM's committed row once the write here finishes.
 */
import { mapModeOf } from "../../core/maps/map-modes";
import { lookupsToResolve } from "../../core/maps/lookups";
import { toDataverseRecord } from "../../core/maps/to-dataverse";
import type { EntityMap } from "../../core/maps/template-schema";
import { ScmSyncStatus, tableByLogicalName } from "../../core/dataverse/tables";
import type { DataverseRecord } from "../../core/dataverse/record";
import type { TableDefinition } from "../../core/dataverse/schema";
import { type ScmBusinessEvent, scmBusinessEventSchema, scmEntityForEvent } from "../../core/scm/business-events";
import type { ScmEntityDefinition, ScmRow } from "../../core/scm/schema";
import type { ValidationIssue } from "../../core/validation/contract";
import { formatZodError } from "../../core/validation/format-zod-error";
import { isScmEcho } from "../integration/echo";
import { IntegrationError, describeIssues } from "../integration/errors";
import { resolveDataverseLookups } from "../integration/lookup-resolver";
import { type Reference, dataverseReferencesTo, describeReferences } from "../integration/referenced-rows";
import { arrivedRowNames, dependencyName, rowKey } from "../integration/row-identity";
import type { KeyValues } from "../services/dataverse-client";
import { DataverseRequestError } from "../services/dataverse-request";
import type { QueuedChange } from "../sync/change-queue";
import { SYNC_STATUS_COLUMNS } from "../../core/registration";
import type { PluginResult, PluginServices } from "./plugin";
import type { QueuedScmWrite } from "./sync-to-scm-plugin";

/** The event was not a business event of the documented shape (answered with 400). */
export class InvalidBusinessEventError extends Error {
  override readonly name = "InvalidBusinessEventError";
  readonly code = "INVALID_BUSINESS_EVENT";
}

export function parseBusinessEvent(json: unknown): ScmBusinessEvent {
  const parsed = scmBusinessEventSchema.safeParse(json);
  if (!parsed.success) throw new InvalidBusinessEventError(formatZodError(parsed.error, "SCM business event"));
  return parsed.data;
}

/** What the inbound handler did, plus the rows that arrived (so changes waiting for them can run). */
export interface InboundResult extends PluginResult {
  readonly arrived: readonly string[];
}

interface EventTarget {
  readonly map: EntityMap;
  readonly entity: ScmEntityDefinition;
  readonly table: TableDefinition;
  readonly company: string;
  readonly rowKey: string;
  /** The natural key by Dataverse key column (`msdyn_warehouseidentifier: "11"`). */
  readonly naturalKey: Readonly<Record<string, string>>;
}

function targetOfEvent(event: ScmBusinessEvent, services: PluginServices): EventTarget {
  const entity = scmEntityForEvent(event);
  const map = entity === undefined ? undefined : services.maps.forScmCollection(entity.collection);
  const table = map === undefined ? undefined : tableByLogicalName(map.dataverseTable);
  if (entity === undefined || map === undefined || table === undefined) {
    throw new IntegrationError("UNMAPPED_TABLE", `No entity map covers SCM entity ${event.EntityName}; limit the subscription to mapped entities.`);
  }
  const company = (event.Keys[map.company.scm] ?? event.LegalEntity).toLowerCase();
  const naturalKey: Record<string, string> = {};
  for (const key of map.keys) {
    const value = event.Keys[key.scm];
    if (value === undefined || value === "") {
      throw new IntegrationError("INCOMPLETE_CONTEXT", `The ${event.EntityName} event lacks key ${key.scm}.`);
    }
    naturalKey[key.dataverse] = value;
  }
  return { map, entity, table, company, naturalKey, rowKey: rowKey(company, Object.values(naturalKey)) };
}

function dataverseFailure(error: DataverseRequestError): IntegrationError {
  return error.unreachable
    ? new IntegrationError("DATAVERSE_UNAVAILABLE", `Dataverse could not be reached: ${error.message}`)
    : new IntegrationError("DATAVERSE_REJECTED", `Dataverse refused the change: ${error.message}`);
}

export class ScmToDataverseSync {
  /** Handles an event as it arrives from SCM. */
  async receive(event: ScmBusinessEvent, services: PluginServices): Promise<InboundResult> {
    if (isScmEcho(event, services.settings)) {
      return { outcome: "skipped", message: `Written by the integration (${event.InitiatingUser}); not sent back.`, arrived: [] };
    }
    const target = targetOfEvent(event, services);
    if (mapModeOf(services.settings.mapModes, target.map.name) !== "fsi") {
      return { outcome: "skipped", message: `Map ${target.map.name} is not synced by the toolkit here (Microsoft's dual-write or off).`, arrived: [] };
    }
    // A paused map queues everything (SCM commits; Dataverse gets it on resume). Otherwise an
    // earlier change to this row still waiting must not be overtaken.
    const paused = services.mapStates.isPaused(target.map.name);
    if (paused || services.queue.hasQueued(target.map.name, "scm-to-fs", target.rowKey)) {
      const queued = services.queue.enqueue({
        map: target.map.name,
        direction: "scm-to-fs",
        rowKey: target.rowKey,
        operation: event.Operation === "Delete" ? "delete" : "upsert",
        payload: event,
        reason: paused ? "paused" : "dependency",
        error: paused ? `map ${target.map.name} is paused` : "an earlier change to this row is still queued",
      });
      const why = paused ? `map ${target.map.name} is paused` : `behind an earlier change to ${target.rowKey}`;
      return { outcome: "queued", message: `Queued as change ${queued.sequence}: ${why}.`, arrived: [] };
    }
    const result = await this.apply(event, target, services, undefined);
    if (result.outcome === "applied" && services.callerGone?.() === true) {
      // A synchronous subscription rolls the write back (the conflict's loser); an asynchronous one
      // has committed it and sends it again. Either way SCM's committed row is what Dataverse must hold.
      services.log.warn("Conflict: SCM stopped waiting for this change (a synchronous subscription rolls it back: it loses); Dataverse's row is set to SCM's committed row", {
        rowKey: target.rowKey,
        controlNumber: event.ControlNumber,
        initiatingUser: event.InitiatingUser,
        lost: event.Row,
      });
      await this.resyncFromScm(event, target, services);
    }
    return result;
  }

  /** Dataverse's row made equal to SCM's committed row (deleted when SCM has none). */
  private async resyncFromScm(event: ScmBusinessEvent, target: EventTarget, services: PluginServices): Promise<void> {
    try {
      const row = await services.scm.getRow(target.entity, event.Keys);
      const result = row === undefined ? await this.delete(target, services) : await this.upsert(row, target, services, { ...event, Row: row }, undefined);
      services.log.info(`Resync of ${target.rowKey} from SCM: ${result.outcome}`, { detail: result.message });
    } catch (error) {
      if (error instanceof DataverseRequestError) throw dataverseFailure(error);
      throw error;
    }
  }

  /** Replays a queued event; throws when it still cannot be applied (the caller reschedules it). */
  async replay(change: QueuedChange, services: PluginServices): Promise<InboundResult> {
    const event = parseBusinessEvent(change.payload);
    return this.apply(event, targetOfEvent(event, services), services, change);
  }

  private async apply(event: ScmBusinessEvent, target: EventTarget, services: PluginServices, queued: QueuedChange | undefined): Promise<InboundResult> {
    const last = services.ledger.get(target.map.name, target.rowKey);
    if (last?.scmStamp != null && event.ControlNumber <= last.scmStamp) {
      services.log.info("Stale or repeated SCM event dropped", { rowKey: target.rowKey, controlNumber: event.ControlNumber, applied: last.scmStamp });
      return { outcome: "skipped", message: `Event ${event.ControlNumber} is not newer than event ${last.scmStamp}, already applied.`, arrived: [] };
    }
    try {
      const result = event.Operation === "Delete" || event.Row === null ? await this.delete(target, services) : await this.upsert(event.Row, target, services, event, queued);
      if (result.outcome !== "queued") services.ledger.record({ map: target.map.name, rowKey: target.rowKey, status: "synced", scmStamp: event.ControlNumber });
      return result;
    } catch (error) {
      if (error instanceof DataverseRequestError) throw dataverseFailure(error);
      throw error;
    }
  }

  private async upsert(row: ScmRow, target: EventTarget, services: PluginServices, event: ScmBusinessEvent, queued: QueuedChange | undefined): Promise<InboundResult> {
    const { map, table } = target;
    const fullRow: ScmRow = { ...row, ...event.Keys };
    const lookups = await resolveDataverseLookups(services.dataverse, services.companies, lookupsToResolve(map, { row: fullRow }));
    if (lookups.missing.length > 0) {
      const waitingFor = lookups.missing.map((query) => dependencyName(query.reference));
      const message = `waits for ${waitingFor.join(", ")}`;
      if (queued !== undefined) throw new DependencyMissingError(message, waitingFor);
      const change = services.queue.enqueue({ map: map.name, direction: "scm-to-fs", rowKey: target.rowKey, operation: "upsert", payload: event, reason: "dependency", waitingFor, error: message });
      services.log.info("SCM change queued until its lookups arrive", { rowKey: target.rowKey, sequence: change.sequence, waitingFor });
      return { outcome: "queued", message: `Queued as change ${change.sequence}: ${message}.`, arrived: [] };
    }
    const mapped = toDataverseRecord(fullRow, map, lookups.answers);
    if (mapped.issues.length > 0) {
      const issues = mapped.issues.map((issue): ValidationIssue => ({ ...(issue.attribute === undefined ? {} : { attribute: issue.attribute }), code: issue.code, message: issue.message }));
      throw new IntegrationError("MAPPING_FAILED", `The SCM row cannot be written to Dataverse: ${describeIssues(issues)}`, issues);
    }
    const key: Record<string, KeyValues[string]> = {};
    for (const pair of [...map.keys.map((k) => k.dataverse), map.company.dataverse]) {
      const value = mapped.record[pair];
      if (typeof value !== "string" && (typeof value !== "object" || value === null)) {
        throw new IntegrationError("MAPPING_FAILED", `The SCM row maps to no ${pair}.`);
      }
      key[pair] = typeof value === "string" ? value : { id: value.id, logicalName: value.logicalName };
    }
    await services.dataverse.upsertByKey(table, key, { ...mapped.record, ...syncedColumns(table) });
    services.log.info(`Dataverse ${table.logicalName} ${target.rowKey}: upserted from SCM event ${event.ControlNumber}`);
    return { outcome: "applied", message: `Dataverse ${table.logicalName} ${target.rowKey} upserted.`, arrived: arrivedRowNames(map, target.company, mapped.record) };
  }

  private async delete(target: EventTarget, services: PluginServices): Promise<InboundResult> {
    const { map, table } = target;
    const companyId = await services.companies.idOf(services.dataverse, target.company);
    if (companyId === undefined) return { outcome: "unchanged", message: `Company ${target.company} has no rows in Dataverse.`, arrived: [] };
    const key: KeyValues = { ...target.naturalKey, [map.company.dataverse]: { id: companyId, logicalName: "cdm_company" } };
    const found = await services.dataverse.findByKey(table, key, [table.primaryNameAttribute]);
    if (found === undefined) return { outcome: "unchanged", message: `Dataverse has no ${table.logicalName} ${target.rowKey}.`, arrived: [] };
    const references = await dataverseReferencesTo(services.dataverse, map, table, found.id);
    if (references.length > 0) return restoreInScm(target, found.id, references, services);
    await services.dataverse.delete(table, found.id);
    return { outcome: "applied", message: `Dataverse ${table.logicalName} ${target.rowKey} deleted.`, arrived: [] };
  }
}

/**
 * SCM deleted a row other rows name (restrict, docs/design.md §3.b): SCM tells us only after it
 * committed, so Field Service keeps the row and a resync gives it back to SCM, which resolves the
 * other rows' references again.
 */
function restoreInScm(target: EventTarget, dataverseId: string, references: readonly Reference[], services: PluginServices): InboundResult {
  const key: Record<string, string> = { [target.map.company.scm]: target.company };
  for (const pair of target.map.keys) key[pair.scm] = target.naturalKey[pair.dataverse] ?? "";
  const write: QueuedScmWrite = { collection: target.entity.collection, key, operation: "upsert", row: {}, dataverseId };
  const reason = `SCM deleted ${target.rowKey}, which ${describeReferences(references)} name; it is kept and restored in SCM`;
  const queued = services.queue.enqueue({ map: target.map.name, direction: "fs-to-scm", rowKey: target.rowKey, operation: "upsert", payload: write, reason: "unavailable", error: reason, resync: true });
  services.log.warn("Delete of a referenced row refused: Field Service keeps it and SCM gets it back", { rowKey: target.rowKey, references, sequence: queued.sequence });
  return { outcome: "queued", message: `${reason} (change ${queued.sequence}).`, arrived: [] };
}

/** A replayed change whose lookups are still missing. */
export class DependencyMissingError extends Error {
  override readonly name = "DependencyMissingError";
  readonly code = "DEPENDENCY_MISSING";
  constructor(
    message: string,
    readonly waitingFor: readonly string[],
  ) {
    super(message);
  }
}

/** The status columns an inbound write sets itself (the sync-status step skips echoes). */
function syncedColumns(table: TableDefinition): DataverseRecord {
  if (!SYNC_STATUS_COLUMNS.every((column) => column in table.columns)) return {};
  return { fsi_scmsyncstatus: ScmSyncStatus.Synced, fsi_scmlastsyncedon: new Date().toISOString(), fsi_scmlasterror: null };
}
