/**
 * (2) Sync to SCM — synchronous PostOperation step on Create, Update and Delete of the mapped
 * tables: upserts (or deletes) the SCM row by natural key + company. SCM refuses → 422, and
 * Dataverse rolls the operation back, so the two sides never disagree about an accepted change.
 *
 * Idempotent and order-safe: the write only sends fields that differ from SCM's row, and a change
 * whose Dataverse `versionnumber` is not newer than the last one applied to the row is dropped — a
 * late repeat must not bring back a row deleted since, nor undo a newer change that came from SCM.
 *
 * When the outcome is unknown — SCM did not answer a write (it may apply it late) in a step that
 * fails, or Dataverse stopped waiting for a step whose write SCM applied — Dataverse rolls back
 * while SCM may keep the change; a resync of the row is queued to set SCM back to Dataverse's row.
 */
import type { DataverseRecord } from "@fsi/core/dataverse/record";
import { isEntityReference } from "@fsi/core/dataverse/record";
import { scmLookups } from "@fsi/core/maps/lookups";
import { toScmRow } from "@fsi/core/maps/to-scm";
import { scmErrorsToDataverse } from "@fsi/core/maps/scm-errors";
import { type EntityMap, goesToScm } from "@fsi/core/maps/template-schema";
import { scmEntityByCollection } from "@fsi/core/scm/entities";
import type { ScmKey, ScmRow } from "@fsi/core/scm/schema";
import type { ValidationIssue } from "@fsi/core/validation/contract";
import { type PluginExecutionContext, preImageOf } from "../context/execution-context";
import { entityToRecord } from "../context/entity-record";
import { isDataverseEcho } from "../integration/echo";
import { IntegrationError, describeIssues } from "../integration/errors";
import { resolveScmLookups } from "../integration/lookup-resolver";
import { describeReferences, scmReferencesTo } from "../integration/referenced-rows";
import { mapRowKey } from "../integration/row-identity";
import { ScmCreateConflictError, deleteScmRow, upsertScmRow } from "../integration/scm-writer";
import { ScmRejectedError, ScmUnavailableError, keyOf } from "../services/scm-client";
import { mapModeOf } from "@fsi/core/maps/map-modes";
import { executionRow, mappedTable, scmEntityOf } from "./execution-row";
import { type AfterCommit, committedRow, queueSyncAfterCommit } from "./trimmed-context";
import type { Plugin, PluginResult, PluginServices } from "./plugin";

/** What a queued FS → SCM change holds: the mapped row, ready to write when SCM answers again. */
export interface QueuedScmWrite {
  readonly collection: string;
  readonly key: ScmKey;
  readonly operation: "upsert" | "delete";
  readonly row: ScmRow;
  readonly dataverseId: string;
  readonly stamp?: number;
  /**
   * For an Update: the SCM fields of the columns the operation set. An existing SCM row gets only
   * these, so a field SCM changed meanwhile (its data event still on its way) is not overwritten
   * with Field Service's older value. Absent: the whole row (a create, a resync).
   */
  readonly fields?: readonly string[];
  /** Set for a change whose context Dataverse trimmed for size: copied from Dataverse once committed (`trimmed-context.ts`). */
  readonly afterCommit?: AfterCommit;
}

function versionOf(record: Readonly<DataverseRecord>): number | undefined {
  const version = record.versionnumber;
  return typeof version === "number" ? version : undefined;
}

export class SyncToScmPlugin implements Plugin {
  readonly name = "sync-to-scm";

  async execute(context: PluginExecutionContext, services: PluginServices): Promise<PluginResult> {
    if (isDataverseEcho(context, services.settings)) {
      return { outcome: "skipped", message: "Written by the integration from SCM; not sent back." };
    }
    const mode = mapModeOf(services.settings.mapModes, mappedTable(context, services).map.name);
    if (mode !== "fsi") {
      return {
        outcome: "skipped",
        message:
          mode === "dual-write"
            ? "Microsoft's dual-write syncs this table here; this step stays idle."
            : "This map is off here.",
      };
    }
    if (context.sizeExceeded && context.messageName !== "Delete") return queueSyncAfterCommit(context, services);
    switch (context.messageName) {
      case "Create":
      case "Update":
        return this.upsert(context, services);
      case "Delete":
        return this.delete(context, services);
      default:
        throw new IntegrationError(
          "UNSUPPORTED_MESSAGE",
          `The sync-to-scm plug-in runs on Create, Update and Delete, not ${context.messageName}.`,
        );
    }
  }

  private async upsert(context: PluginExecutionContext, services: PluginServices): Promise<PluginResult> {
    const row = await executionRow(context, services);
    const entity = scmEntityOf(row.map);
    if (row.company === undefined) {
      throw new IntegrationError(
        "INCOMPLETE_CONTEXT",
        `${row.table.displayName} ${row.id} names no company, so it has no SCM row.`,
      );
    }
    const rowKey = mapRowKey(row.map, row.company, row.record);
    if (rowKey === undefined) {
      throw new IntegrationError(
        "MAPPING_FAILED",
        `${row.table.displayName} ${row.id} has no ${row.map.keys.map((key) => key.dataverse).join(", ")}.`,
      );
    }
    const stamp = versionOf(row.record);
    const last = await services.ledger.get(row.map.name, rowKey);
    if (stamp !== undefined && last?.fsStamp != null && stamp <= last.fsStamp) {
      services.log.info("Stale or repeated change dropped", { rowKey, stamp, applied: last.fsStamp });
      return {
        outcome: "skipped",
        message: `Version ${stamp} is not newer than version ${last.fsStamp}, already in SCM.`,
      };
    }
    const lookups = await resolveScmLookups(services.dataverse, scmLookups(row.map, row.record));
    const mapped = toScmRow(row.record, row.map, row.company, lookups.answers);
    const issues: ValidationIssue[] = [
      ...lookups.missing.map(
        (query): ValidationIssue => ({
          attribute: query.column,
          code: "referenceNotFound",
          message: `The ${query.reference.logicalName} it points to has no ${query.keyColumn}.`,
        }),
      ),
      ...mapped.issues.map(
        (issue): ValidationIssue => ({
          ...(issue.attribute === undefined ? {} : { attribute: issue.attribute }),
          code: issue.code,
          message: issue.message,
        }),
      ),
    ];
    if (issues.length > 0)
      throw new IntegrationError(
        "MAPPING_FAILED",
        `${row.table.displayName} cannot be sent to SCM: ${describeIssues(issues)}`,
        issues,
      );
    const key = keyOf(entity, mapped.row);
    if (key === undefined)
      throw new IntegrationError(
        "MAPPING_FAILED",
        `${row.table.displayName} ${row.id} maps to no complete ${entity.collection} key.`,
      );
    const fields = context.messageName === "Update" ? fieldsSetBy(row.map, row.changes) : undefined;
    const write: QueuedScmWrite = {
      collection: entity.collection,
      key,
      operation: "upsert",
      row: mapped.row,
      dataverseId: row.id,
      ...(stamp === undefined ? {} : { stamp }),
      ...(fields === undefined ? {} : { fields }),
    };
    return this.write(row.map, rowKey, write, services);
  }

  private async delete(context: PluginExecutionContext, services: PluginServices): Promise<PluginResult> {
    const { map, table } = mappedTable(context, services);
    const preImage = preImageOf(context);
    // Trimmed for size: the row is still committed (the delete is not), so it is read.
    const before =
      preImage === undefined
        ? context.sizeExceeded
          ? await committedRow(context, services)
          : undefined
        : entityToRecord(preImage, table);
    const company = before?.[map.company.dataverse];
    const companyCode = isEntityReference(company)
      ? await services.companies.codeOf(services.dataverse, company.id)
      : undefined;
    const rowKey = before === undefined || companyCode === undefined ? undefined : mapRowKey(map, companyCode, before);
    if (before === undefined || companyCode === undefined || rowKey === undefined) {
      throw new IntegrationError(
        "INCOMPLETE_CONTEXT",
        `Delete of ${table.logicalName} ${context.primaryEntityId} needs a PreImage with ${map.company.dataverse} and ${map.keys.map((key) => key.dataverse).join(", ")}; register one on the step.`,
      );
    }
    const entity = scmEntityOf(map);
    const mapped = toScmRow(before, map, companyCode);
    const key = keyOf(entity, mapped.row);
    if (key === undefined)
      throw new IntegrationError(
        "MAPPING_FAILED",
        `The deleted ${table.displayName} maps to no complete ${entity.collection} key.`,
      );
    if (!(await services.mapStates.isPaused(map.name))) {
      // Restrict (docs/design.md §3.b): SCM would keep the other rows' references to a deleted row,
      // and neither system could save them afterwards. Dataverse rolls the delete back.
      const references = await scmReferencesTo(services.scm, map, entity, key).catch((error: unknown) => {
        // SCM cannot tell now: fail closed refuses the delete anyway; fail open queues it unchecked.
        if (error instanceof ScmUnavailableError && services.settings.scmUnavailablePolicy === "fail-open") return [];
        throw error;
      });
      if (references.length > 0) {
        throw new IntegrationError(
          "VALIDATION_FAILED",
          `${table.displayName} ${rowKey} cannot be deleted while other rows name it: ${describeReferences(references)}. Point them to another ${table.displayName.toLowerCase()} first.`,
          [{ code: "crossField", message: `Named by ${describeReferences(references)}.` }],
        );
      }
    }
    return this.write(
      map,
      rowKey,
      { collection: entity.collection, key, operation: "delete", row: {}, dataverseId: context.primaryEntityId },
      services,
    );
  }

  /** Writes now; when SCM does not answer, refuses (fail closed) or queues for replay (fail open). */
  private async write(
    map: EntityMap,
    rowKey: string,
    write: QueuedScmWrite,
    services: PluginServices,
  ): Promise<PluginResult> {
    if (await services.mapStates.isPaused(map.name)) {
      // Dataverse commits the change; SCM gets it, in order, when the map is resumed.
      return await this.enqueue(map, rowKey, write, services, "paused", `map ${map.name} is paused`);
    }
    if (await services.queue.hasQueued(map.name, "fs-to-scm", rowKey)) {
      // An earlier change to this row is still waiting for SCM; this one must not overtake it.
      return await this.enqueue(
        map,
        rowKey,
        write,
        services,
        "unavailable",
        "an earlier change to this row is still queued",
      );
    }
    try {
      const outcome = await applyScmWrite(write, services);
      await services.ledger.record({
        map: map.name,
        rowKey,
        dataverseId: write.dataverseId,
        status: "synced",
        ...(write.stamp === undefined ? {} : { fsStamp: write.stamp }),
      });
      services.log.info(`SCM ${write.collection} ${rowKey}: ${outcome}`);
      if (services.callerGone?.() === true) {
        // Dataverse's wait ran out first (a save in SCM held the row): its operation is rolled back
        // and its user sees the error, so SCM must not keep this change.
        services.log.warn(
          "Conflict: Dataverse stopped waiting for this change and rolled it back; it loses, and SCM's row is set back to Dataverse's",
          { rowKey, lost: write.row },
        );
        await this.enqueueResync(map, rowKey, write, services, "Dataverse rolled the change back after SCM applied it");
      }
      return {
        outcome: outcome === "unchanged" || outcome === "absent" ? "unchanged" : "applied",
        message: `SCM ${write.collection} ${rowKey}: ${outcome}.`,
      };
    } catch (error) {
      if (error instanceof ScmRejectedError) {
        const issues = scmErrorsToDataverse(error.fieldErrors, map);
        services.log.warn("SCM refused the change; Dataverse rolls it back", {
          rowKey,
          errors: issues,
          reason: error.message,
        });
        // SCM holds a row under the key that this create did not write as it stands: never leave
        // it only in SCM unexamined — the resync compares it with Dataverse's row once settled.
        if (error instanceof ScmCreateConflictError)
          await this.enqueueResync(map, rowKey, write, services, error.message);
        throw new IntegrationError(
          "SCM_REJECTED",
          issues.length > 0 ? `SCM refused the change: ${describeIssues(issues)}` : error.message,
          issues,
        );
      }
      if (!(error instanceof ScmUnavailableError)) throw error;
      if (services.settings.scmUnavailablePolicy === "fail-closed") {
        if (error.maybeApplied)
          await this.enqueueResync(
            map,
            rowKey,
            write,
            services,
            `SCM may apply the refused change late (${error.message})`,
          );
        throw new IntegrationError(
          "SCM_UNAVAILABLE",
          `SCM could not be reached, so the change is refused: ${error.message}`,
        );
      }
      return await this.enqueue(map, rowKey, write, services, "unavailable", error.message);
    }
  }

  /** Queues a resync of the row (see scm-resync.ts); replayed once Dataverse has settled. */
  private async enqueueResync(
    map: EntityMap,
    rowKey: string,
    write: QueuedScmWrite,
    services: PluginServices,
    reason: string,
  ): Promise<void> {
    const queued = await services.queue.enqueue({
      map: map.name,
      direction: "fs-to-scm",
      rowKey,
      operation: write.operation,
      payload: write,
      reason: "unavailable",
      error: reason,
      resync: true,
    });
    services.log.warn("Resync of the row queued: SCM will be set to Dataverse's row", {
      rowKey,
      sequence: queued.sequence,
      reason,
    });
  }

  private async enqueue(
    map: EntityMap,
    rowKey: string,
    write: QueuedScmWrite,
    services: PluginServices,
    why: "unavailable" | "paused",
    reason: string,
  ): Promise<PluginResult> {
    const queued = await services.queue.enqueue({
      map: map.name,
      direction: "fs-to-scm",
      rowKey,
      operation: write.operation,
      payload: write,
      reason: why,
      error: reason,
    });
    await services.ledger.record({
      map: map.name,
      rowKey,
      dataverseId: write.dataverseId,
      status: "pending",
      error: `Queued for SCM (${reason}).`,
    });
    services.log.warn("Change queued for SCM", { rowKey, sequence: queued.sequence, reason });
    return { outcome: "queued", message: `Queued as change ${queued.sequence}: ${reason}` };
  }
}

/** Applies one FS → SCM write (now, or when a queued change is replayed). */
export async function applyScmWrite(write: QueuedScmWrite, services: Pick<PluginServices, "scm">): Promise<string> {
  const entity = scmEntityByCollection(write.collection);
  if (entity === undefined) throw new IntegrationError("UNMAPPED_TABLE", `Unknown SCM collection ${write.collection}.`);
  return write.operation === "delete"
    ? deleteScmRow(services.scm, entity, write.key)
    : upsertScmRow(services.scm, entity, write.key, write.row, write.fields);
}

/**
 * The SCM fields an Update's Target sets. The Target of an Update carries the columns the request
 * set — what filtering attributes select steps by (PA `powerapps-docs/developer/data-platform/
 * best-practices/business-logic/include-filtering-attributes-plugin-registration.md`) — so the
 * rest of the row is not this change's to send.
 */
function fieldsSetBy(map: EntityMap, changes: Readonly<DataverseRecord>): string[] {
  return map.columns.filter((pair) => goesToScm(pair.direction) && pair.dataverse in changes).map((pair) => pair.scm);
}
