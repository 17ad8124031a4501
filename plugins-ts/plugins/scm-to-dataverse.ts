/**
 * (4) SCM → Dataverse through SCM's data events (core/scm/data-events.ts), posted to
 * `/plugins/scm-events` after SCM committed the change — asynchronously, at least once, in no
 * particular order, possibly late or lost. So the event only says *which* row changed: the row is
 * read again from SCM by its natural key (OData), and Field Service is made equal to it — deleted
 * when SCM no longer has it. A repeated, reordered or late event then changes nothing, and the
 * final state is SCM's. A row Field Service already holds as SCM has it is not written (this is
 * also how the echo of the integration's own SCM writes ends).
 *
 * Field Service may refuse the change (its own rules): SCM has committed and nothing can undo that,
 * so the change goes to the catch-up list (held in the change queue) with Dataverse's reason, the
 * row says Failed with the reason in `fsi_scmlasterror`, and the event is answered 202. It is
 * retried by `fsi sync retry <map>`, by the row's next data event and by the catch-up pass.
 *
 * A row whose lookup target has not arrived yet (a warehouse before its site) is queued durably
 * and replayed when that row arrives (or on the retry timer). Events lost for good are made up for
 * by the catch-up pass (scm-catch-up.ts).
 */
import { mapModeOf } from "@fsi/core/maps/map-modes";
import { lookupsToResolve } from "@fsi/core/maps/lookups";
import { toDataverseRecord } from "@fsi/core/maps/to-dataverse";
import type { EntityMap } from "@fsi/core/maps/template-schema";
import { ScmSyncStatus, tableByLogicalName } from "@fsi/core/dataverse/tables";
import { type DataverseRecord, sameValue } from "@fsi/core/dataverse/record";
import type { TableDefinition } from "@fsi/core/dataverse/schema";
import type { ScmDataChange } from "@fsi/core/scm/data-events";
import { scmEntityByCollection } from "@fsi/core/scm/entities";
import type { ScmEntityDefinition, ScmKey, ScmRow } from "@fsi/core/scm/schema";
import type { ValidationIssue } from "@fsi/core/validation/contract";
import { IntegrationError, describeIssues } from "../integration/errors";
import { resolveDataverseLookups } from "../integration/lookup-resolver";
import { type Reference, dataverseReferencesTo, describeReferences } from "../integration/referenced-rows";
import { arrivedRowNames, dependencyName, rowKey } from "../integration/row-identity";
import type { KeyValues } from "../services/dataverse-client";
import { DataverseRequestError } from "../services/dataverse-request";
import type { QueuedChange } from "../sync/change-queue";
import { SYNC_STATUS_COLUMNS } from "@fsi/core/registration";
import type { PluginResult, PluginServices } from "./plugin";
import type { QueuedScmWrite } from "./sync-to-scm-plugin";

/** What the inbound handler did, plus the rows that arrived (so changes waiting for them can run). */
export interface InboundResult extends PluginResult {
  readonly arrived: readonly string[];
}

/** What a queued SCM → Dataverse change holds: the row to read again, never its values. */
export interface ScmRowReference {
  readonly collection: string;
  readonly key: ScmKey;
}

interface RowTarget {
  readonly map: EntityMap;
  readonly entity: ScmEntityDefinition;
  readonly table: TableDefinition;
  readonly company: string;
  readonly key: ScmKey;
  readonly rowKey: string;
  /** The natural key by Dataverse key column (`msdyn_warehouseidentifier: "11"`). */
  readonly naturalKey: Readonly<Record<string, string>>;
}

function targetOf(entity: ScmEntityDefinition, key: ScmKey, services: Pick<PluginServices, "maps">): RowTarget {
  const map = services.maps.forScmCollection(entity.collection);
  const table = map === undefined ? undefined : tableByLogicalName(map.dataverseTable);
  if (map === undefined || table === undefined) {
    throw new IntegrationError(
      "UNMAPPED_TABLE",
      `No entity map covers SCM entity ${entity.collection}; activate data events only for the mapped entities.`,
    );
  }
  const company = (key[map.company.scm] ?? "").toLowerCase();
  if (company === "")
    throw new IntegrationError("INCOMPLETE_CONTEXT", `The ${entity.collection} change names no ${map.company.scm}.`);
  const naturalKey: Record<string, string> = {};
  for (const pair of map.keys) {
    const value = key[pair.scm];
    if (value === undefined || value === "")
      throw new IntegrationError("INCOMPLETE_CONTEXT", `The ${entity.collection} change lacks key ${pair.scm}.`);
    naturalKey[pair.dataverse] = value;
  }
  return { map, entity, table, company, key, naturalKey, rowKey: rowKey(company, Object.values(naturalKey)) };
}

/**
 * Writes of a row that lost to another write between our read and our write (412 on the `If-Match`
 * / `If-None-Match` of the upsert) before the event is given back to SCM to deliver again.
 */
const STALE_WRITE_ATTEMPTS = 3;

const isStaleWrite = (error: unknown): boolean => error instanceof DataverseRequestError && error.status === 412;

function dataverseFailure(error: DataverseRequestError): IntegrationError {
  if (isStaleWrite(error))
    return new IntegrationError(
      "DATAVERSE_UNAVAILABLE",
      `Field Service's row kept changing while it was written: ${error.message}`,
    );
  return error.unreachable
    ? new IntegrationError("DATAVERSE_UNAVAILABLE", `Dataverse could not be reached: ${error.message}`)
    : new IntegrationError("DATAVERSE_REJECTED", `Dataverse refused the change: ${error.message}`);
}

export class ScmToDataverseSync {
  /** Handles a data event as it arrives from SCM. */
  async receive(change: ScmDataChange, services: PluginServices): Promise<InboundResult> {
    const target = targetOf(change.entity, change.key, services);
    if (mapModeOf(services.settings.mapModes, target.map.name) !== "fsi") {
      return {
        outcome: "skipped",
        message: `Map ${target.map.name} is not synced by the toolkit here (Microsoft's dual-write or off).`,
        arrived: [],
      };
    }
    const reference: ScmRowReference = { collection: change.entity.collection, key: change.key };
    const resyncing = await resyncQueued(target, services);
    const paused = await services.mapStates.isPaused(target.map.name);
    const waiting = (await services.queue.pending({ map: target.map.name, direction: "scm-to-fs" })).filter(
      (queued) => queued.rowKey === target.rowKey && !queued.held,
    );
    if (paused || resyncing || waiting.length > 0) {
      // One queued read of the row is enough: whenever it runs, it reads SCM's latest row.
      if (waiting.length > 0)
        return {
          outcome: "queued",
          message: `Already queued as change ${waiting[0]?.sequence ?? "?"}: it reads SCM's latest row when it runs.`,
          arrived: [],
        };
      // A queued resync (Field Service → SCM) of the row goes first: SCM's row may be the effect of
      // a write whose outcome Dataverse never learnt; this read runs after it and finds SCM settled.
      const why = paused
        ? `map ${target.map.name} is paused`
        : `a resync of ${target.rowKey} to Field Service's row goes first`;
      const queued = await services.queue.enqueue({
        map: target.map.name,
        direction: "scm-to-fs",
        rowKey: target.rowKey,
        operation: "upsert",
        payload: reference,
        reason: paused ? "paused" : "dependency",
        error: why,
      });
      return { outcome: "queued", message: `Queued as change ${queued.sequence}: ${why}.`, arrived: [] };
    }
    try {
      const result = await this.apply(target, services, undefined);
      await this.completeHeld(target, services);
      return result;
    } catch (error) {
      if (!(error instanceof IntegrationError) || error.code !== "DATAVERSE_REJECTED") throw error;
      const sequence = await this.holdRefused(target, reference, error.message, services);
      services.log.warn("Field Service refused SCM's change; it waits on the catch-up list", {
        rowKey: target.rowKey,
        sequence,
        reason: error.message,
      });
      return {
        outcome: "queued",
        message: `Field Service refused the change; on the catch-up list as change ${sequence}: ${error.message}`,
        arrived: [],
      };
    }
  }

  /** Replays a queued change (reads SCM's latest row again); throws when it still cannot be applied. */
  async replay(change: QueuedChange, services: PluginServices): Promise<InboundResult> {
    const reference = referenceOf(change);
    if (reference === undefined)
      throw new IntegrationError("INCOMPLETE_CONTEXT", `Queued change ${change.sequence} names no SCM row to read.`);
    const target = targetOf(reference.entity, reference.key, services);
    const result = await this.apply(target, services, change);
    await this.completeHeld(target, services, change.sequence);
    return result;
  }

  /**
   * Puts a change Field Service refused on the catch-up list (once per row: a change already held
   * for it stays the one to replay) and marks the row Failed with the reason. SCM has committed, so
   * only a catch-up can bring Field Service there once the cause is fixed. Returns the change's sequence.
   */
  private async holdRefused(
    target: RowTarget,
    reference: ScmRowReference,
    reason: string,
    services: PluginServices,
  ): Promise<number> {
    const held = (await services.queue.held({ map: target.map.name, direction: "scm-to-fs" })).find(
      (queued) => queued.rowKey === target.rowKey,
    );
    const sequence =
      held?.sequence ??
      (
        await services.queue.enqueue({
          map: target.map.name,
          direction: "scm-to-fs",
          rowKey: target.rowKey,
          operation: "upsert",
          payload: reference,
          reason: "dependency",
          error: reason,
        })
      ).sequence;
    await services.queue.hold(sequence, reason);
    await this.markRefused(target, reason, services);
    return sequence;
  }

  /** The row's status when Field Service refused it: Failed, with the reason (the row may not exist). */
  async markRefusedByKey(change: QueuedChange, reason: string, services: PluginServices): Promise<void> {
    const reference = referenceOf(change);
    if (reference === undefined) return;
    await this.markRefused(targetOf(reference.entity, reference.key, services), reason, services);
  }

  /**
   * Makes Field Service's row equal to SCM's `row` (read by the caller) — the catch-up pass's entry,
   * which has just read every row. Refusals go to the catch-up list as in `receive`.
   */
  async applyRow(entity: ScmEntityDefinition, row: ScmRow, services: PluginServices): Promise<InboundResult> {
    const key: Record<string, string> = {};
    for (const field of entity.keys) key[field] = String(row[field] ?? "");
    const target = targetOf(entity, key, services);
    try {
      const result = await this.upsert(row, target, services, undefined);
      await this.completeHeld(target, services);
      return result;
    } catch (error) {
      let failure = error;
      if (isStaleWrite(error)) {
        // Written meanwhile: the row is compared again from fresh reads of both systems.
        try {
          const result = await this.apply(target, services, undefined);
          await this.completeHeld(target, services);
          return result;
        } catch (again) {
          failure = again;
        }
      }
      const refusal =
        failure instanceof DataverseRequestError && !failure.unreachable ? dataverseFailure(failure) : failure;
      if (!(refusal instanceof IntegrationError) || refusal.code !== "DATAVERSE_REJECTED") throw refusal;
      const reference: ScmRowReference = { collection: entity.collection, key };
      await this.holdRefused(target, reference, refusal.message, services);
      return { outcome: "queued", message: `Field Service refused ${target.rowKey}: ${refusal.message}`, arrived: [] };
    }
  }

  /** Deletes Field Service's row when SCM no longer has it (the catch-up pass). */
  async deleteIfGone(entity: ScmEntityDefinition, key: ScmKey, services: PluginServices): Promise<InboundResult> {
    const target = targetOf(entity, key, services);
    if ((await services.scm.getRow(entity, key)) !== undefined)
      return { outcome: "unchanged", message: `SCM still has ${target.rowKey}.`, arrived: [] };
    try {
      return await this.delete(target, services);
    } catch (error) {
      if (error instanceof DataverseRequestError) throw dataverseFailure(error);
      throw error;
    }
  }

  private async apply(
    target: RowTarget,
    services: PluginServices,
    queued: QueuedChange | undefined,
  ): Promise<InboundResult> {
    for (let attempt = 1; ; attempt += 1) {
      const row = await services.scm.getRow(target.entity, target.key);
      try {
        const result =
          row === undefined ? await this.delete(target, services) : await this.upsert(row, target, services, queued);
        if (result.outcome !== "queued")
          await services.ledger.record({ map: target.map.name, rowKey: target.rowKey, status: "synced" });
        return result;
      } catch (error) {
        // Field Service's row changed between the read and the write: read both systems again.
        if (isStaleWrite(error) && attempt < STALE_WRITE_ATTEMPTS) continue;
        if (error instanceof DataverseRequestError) throw dataverseFailure(error);
        throw error;
      }
    }
  }

  private async upsert(
    row: ScmRow,
    target: RowTarget,
    services: PluginServices,
    queued: QueuedChange | undefined,
  ): Promise<InboundResult> {
    const { map, table } = target;
    const lookups = await resolveDataverseLookups(
      services.dataverse,
      services.companies,
      lookupsToResolve(map, { row }),
    );
    if (lookups.missing.length > 0) {
      const waitingFor = lookups.missing.map((query) => dependencyName(query.reference));
      const message = `waits for ${waitingFor.join(", ")}`;
      if (queued !== undefined) throw new DependencyMissingError(message, waitingFor);
      const reference: ScmRowReference = { collection: target.entity.collection, key: target.key };
      const change = await services.queue.enqueue({
        map: map.name,
        direction: "scm-to-fs",
        rowKey: target.rowKey,
        operation: "upsert",
        payload: reference,
        reason: "dependency",
        waitingFor,
        error: message,
      });
      services.log.info("SCM change queued until its lookups arrive", {
        rowKey: target.rowKey,
        sequence: change.sequence,
        waitingFor,
      });
      return { outcome: "queued", message: `Queued as change ${change.sequence}: ${message}.`, arrived: [] };
    }
    const mapped = toDataverseRecord(row, map, lookups.answers);
    if (mapped.issues.length > 0) {
      const issues = mapped.issues.map(
        (issue): ValidationIssue => ({
          ...(issue.attribute === undefined ? {} : { attribute: issue.attribute }),
          code: issue.code,
          message: issue.message,
        }),
      );
      throw new IntegrationError(
        "MAPPING_FAILED",
        `The SCM row cannot be written to Dataverse: ${describeIssues(issues)}`,
        issues,
      );
    }
    const key: Record<string, KeyValues[string]> = {};
    for (const pair of [...map.keys.map((k) => k.dataverse), map.company.dataverse]) {
      const value = mapped.record[pair];
      if (typeof value !== "string" && (typeof value !== "object" || value === null)) {
        throw new IntegrationError("MAPPING_FAILED", `The SCM row maps to no ${pair}.`);
      }
      key[pair] = typeof value === "string" ? value : { id: value.id, logicalName: value.logicalName };
    }
    const arrived = arrivedRowNames(map, target.company, mapped.record);
    const statusColumns = hasStatusColumns(table);
    const current = await services.dataverse.findByKey(table, key, [
      ...Object.keys(mapped.record),
      ...(statusColumns ? ["fsi_scmsyncstatus"] : []),
    ]);
    // Equal and not marked Failed (a Pending row is Field Service's own change on its way to SCM).
    if (
      current !== undefined &&
      sameColumns(mapped.record, current.record) &&
      (!statusColumns || current.record.fsi_scmsyncstatus !== ScmSyncStatus.Failed)
    ) {
      return {
        outcome: "unchanged",
        message: `Dataverse ${table.logicalName} ${target.rowKey} already equals SCM's row.`,
        arrived,
      };
    }
    // Only over the version compared: a Field Service save committed since (its own change on its
    // way to SCM, whose echo this may be) must not be overwritten with what SCM had a moment ago.
    await services.dataverse.upsertByKey(
      table,
      key,
      { ...mapped.record, ...syncedColumns(table) },
      current === undefined ? { ifNoneMatch: "*" } : current.etag === undefined ? undefined : { ifMatch: current.etag },
    );
    services.log.info(`Dataverse ${table.logicalName} ${target.rowKey}: made equal to SCM's row`);
    return { outcome: "applied", message: `Dataverse ${table.logicalName} ${target.rowKey} upserted.`, arrived };
  }

  private async delete(target: RowTarget, services: PluginServices): Promise<InboundResult> {
    const { map, table } = target;
    const companyId = await services.companies.idOf(services.dataverse, target.company);
    if (companyId === undefined)
      return { outcome: "unchanged", message: `Company ${target.company} has no rows in Dataverse.`, arrived: [] };
    const key: KeyValues = {
      ...target.naturalKey,
      [map.company.dataverse]: { id: companyId, logicalName: "cdm_company" },
    };
    const found = await services.dataverse.findByKey(table, key, [table.primaryNameAttribute]);
    if (found === undefined)
      return { outcome: "unchanged", message: `Dataverse has no ${table.logicalName} ${target.rowKey}.`, arrived: [] };
    const references = await dataverseReferencesTo(services.dataverse, map, table, found.id);
    if (references.length > 0) return await restoreInScm(target, found.id, references, services);
    await services.dataverse.delete(table, found.id);
    return {
      outcome: "applied",
      message: `Dataverse ${table.logicalName} ${target.rowKey} deleted: SCM no longer has it.`,
      arrived: [],
    };
  }

  /** A row that is now as SCM has it leaves the catch-up list. */
  private async completeHeld(target: RowTarget, services: PluginServices, except?: number): Promise<void> {
    for (const held of await services.queue.held({ map: target.map.name, direction: "scm-to-fs" })) {
      if (held.rowKey === target.rowKey && held.sequence !== except) await services.queue.complete(held.sequence);
    }
  }

  private async markRefused(target: RowTarget, reason: string, services: PluginServices): Promise<void> {
    await services.ledger.record({ map: target.map.name, rowKey: target.rowKey, status: "failed", error: reason });
    if (!hasStatusColumns(target.table)) return;
    try {
      const companyId = await services.companies.idOf(services.dataverse, target.company);
      if (companyId === undefined) return;
      const found = await services.dataverse.findByKey(
        target.table,
        { ...target.naturalKey, [target.map.company.dataverse]: { id: companyId, logicalName: "cdm_company" } },
        [target.table.primaryNameAttribute],
      );
      if (found === undefined) return;
      await services.dataverse.update(target.table, found.id, {
        fsi_scmsyncstatus: ScmSyncStatus.Failed,
        fsi_scmlasterror: `SCM's change was refused by Field Service: ${reason}`.slice(0, 4000),
      });
    } catch (error) {
      services.log.warn("The row's sync status could not be set to Failed", {
        rowKey: target.rowKey,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

/**
 * SCM deleted a row other rows name (restrict, docs/design.md §3.b): SCM tells us only after it
 * committed, so Field Service keeps the row and a resync gives it back to SCM, which resolves the
 * other rows' references again.
 */
async function restoreInScm(
  target: RowTarget,
  dataverseId: string,
  references: readonly Reference[],
  services: PluginServices,
): Promise<InboundResult> {
  const key: Record<string, string> = { [target.map.company.scm]: target.company };
  for (const pair of target.map.keys) key[pair.scm] = target.naturalKey[pair.dataverse] ?? "";
  const write: QueuedScmWrite = {
    collection: target.entity.collection,
    key,
    operation: "upsert",
    row: {},
    dataverseId,
  };
  const reason = `SCM deleted ${target.rowKey}, which ${describeReferences(references)} name; it is kept and restored in SCM`;
  const queued = await services.queue.enqueue({
    map: target.map.name,
    direction: "fs-to-scm",
    rowKey: target.rowKey,
    operation: "upsert",
    payload: write,
    reason: "unavailable",
    error: reason,
    resync: true,
  });
  services.log.warn("Delete of a referenced row refused: Field Service keeps it and SCM gets it back", {
    rowKey: target.rowKey,
    references,
    sequence: queued.sequence,
  });
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

/** A resync Field Service → SCM of this row is waiting (scm-resync.ts): Field Service's row is the truth for it. */
async function resyncQueued(target: RowTarget, services: PluginServices): Promise<boolean> {
  return (await services.queue.pending({ map: target.map.name, direction: "fs-to-scm" })).some(
    (change) => change.resync && change.rowKey === target.rowKey,
  );
}

/** The SCM row a queued change names (`ScmRowReference`), when it names one. */
function referenceOf(change: QueuedChange): { entity: ScmEntityDefinition; key: ScmKey } | undefined {
  const payload = change.payload as { collection?: unknown; key?: unknown } | null;
  const entity = typeof payload?.collection === "string" ? scmEntityByCollection(payload.collection) : undefined;
  const key = payload?.key;
  if (entity === undefined || typeof key !== "object" || key === null) return undefined;
  return { entity, key: key as ScmKey };
}

function hasStatusColumns(table: TableDefinition): boolean {
  return SYNC_STATUS_COLUMNS.every((column) => column in table.columns);
}

/** The status columns an inbound write sets itself (the sync-status step skips echoes). */
function syncedColumns(table: TableDefinition): DataverseRecord {
  if (!hasStatusColumns(table)) return {};
  return {
    fsi_scmsyncstatus: ScmSyncStatus.Synced,
    fsi_scmlastsyncedon: new Date().toISOString(),
    fsi_scmlasterror: null,
  };
}

/** Every mapped column already has SCM's value (absent in the row read means null). */
function sameColumns(mapped: Readonly<DataverseRecord>, current: Readonly<DataverseRecord>): boolean {
  return Object.entries(mapped).every(([column, value]) => sameValue(value ?? null, current[column] ?? null));
}
