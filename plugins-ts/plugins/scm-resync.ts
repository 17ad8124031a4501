/**
 * Resync of one row, Dataverse → SCM: SCM's row is made equal to Dataverse's committed row of the
 * same natural key, as it stands now. Queued (and replayed after Dataverse has settled) when a
 * write's outcome is unknown: the host's SCM write got no answer in a step that then failed — SCM
 * may apply it after Dataverse rolled back — or Dataverse stopped waiting for the step whose write
 * SCM applied. Either way Dataverse's committed row is the truth for the row, and this restores it.
 */
import { scmLookups } from "@fsi/core/maps/lookups";
import { toScmRow } from "@fsi/core/maps/to-scm";
import type { EntityMap } from "@fsi/core/maps/template-schema";
import { tableByLogicalName } from "@fsi/core/dataverse/tables";
import { IntegrationError } from "../integration/errors";
import { resolveScmLookups } from "../integration/lookup-resolver";
import { changedFields, deleteScmRow, upsertScmRow, type ScmWriteOutcome } from "../integration/scm-writer";
import type { KeyValues } from "../services/dataverse-client";
import { mapColumns, scmEntityOf } from "./execution-row";
import type { PluginServices } from "./plugin";
import type { QueuedScmWrite } from "./sync-to-scm-plugin";

export interface ResyncResult {
  readonly outcome: ScmWriteOutcome | "kept";
  /** The Dataverse row the resync copied, when Dataverse has one. */
  readonly dataverseId?: string;
}

/**
 * `write` is the write whose outcome is unknown. When Dataverse has no row, SCM's row is deleted
 * only if it is that write's result (a create Dataverse rolled back); a row SCM holds otherwise
 * (created there before the two were synced) is kept and reported.
 */
export async function resyncScmRow(
  map: EntityMap,
  write: QueuedScmWrite,
  services: Pick<PluginServices, "dataverse" | "scm" | "companies" | "log">,
): Promise<ResyncResult> {
  const entity = scmEntityOf(map);
  const table = tableByLogicalName(map.dataverseTable);
  const company = write.key[map.company.scm];
  if (table === undefined || company === undefined)
    throw new IntegrationError(
      "UNMAPPED_TABLE",
      `Map ${map.name} has no Dataverse table or company key for ${write.collection}.`,
    );
  const companyId = await services.companies.idOf(services.dataverse, company);
  if (companyId === undefined)
    throw new IntegrationError(
      "MAPPING_FAILED",
      `Company ${company} is not in Dataverse, so ${write.collection} ${JSON.stringify(write.key)} cannot be resynced.`,
    );
  const key: Record<string, KeyValues[string]> = {
    [map.company.dataverse]: { id: companyId, logicalName: "cdm_company" },
  };
  for (const pair of map.keys) key[pair.dataverse] = write.key[pair.scm] ?? "";
  const found = await services.dataverse.findByKey(table, key, mapColumns(map));
  if (found === undefined) {
    const current = await services.scm.getRow(entity, write.key);
    if (current === undefined) return { outcome: "absent" };
    if (write.operation === "upsert" && Object.keys(changedFields(entity, write.row, current)).length === 0) {
      return { outcome: await deleteScmRow(services.scm, entity, write.key) };
    }
    services.log.warn(
      "Resync: Dataverse has no such row and SCM's row is not the integration's write; SCM's row is kept",
      { collection: write.collection, key: write.key },
    );
    return { outcome: "kept" };
  }
  const lookups = await resolveScmLookups(services.dataverse, scmLookups(map, found.record));
  const mapped = toScmRow(found.record, map, company, lookups.answers);
  if (lookups.missing.length > 0 || mapped.issues.length > 0) {
    const problems = [
      ...lookups.missing.map((query) => `${query.column}: the row it points to has no ${query.keyColumn}`),
      ...mapped.issues.map((issue) => issue.message),
    ];
    throw new IntegrationError(
      "MAPPING_FAILED",
      `Dataverse's ${table.displayName} cannot be copied to SCM: ${problems.join("; ")}`,
    );
  }
  return { outcome: await upsertScmRow(services.scm, entity, write.key, mapped.row), dataverseId: found.id };
}
