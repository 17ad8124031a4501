/**
 * The row a Create or Update execution is about, as the maps need it: the map, the table, the
 * record (images overlaid with the Target) and the company code. Columns the context does not
 * carry (an Update step registered without a pre image) are read from Dataverse, inside the
 * step's transaction.
 */
import type { DataverseRecord } from "@fsi/core/dataverse/record";
import { isEntityReference } from "@fsi/core/dataverse/record";
import type { TableDefinition } from "@fsi/core/dataverse/schema";
import { tableByLogicalName } from "@fsi/core/dataverse/tables";
import type { EntityMap } from "@fsi/core/maps/template-schema";
import { goesToScm } from "@fsi/core/maps/template-schema";
import { scmEntityByCollection } from "@fsi/core/scm/entities";
import type { ScmEntityDefinition } from "@fsi/core/scm/schema";
import { type PluginExecutionContext, postImageOf, preImageOf, targetOf } from "../context/execution-context";
import { entityToRecord } from "../context/entity-record";
import { isSdkEntity } from "../context/sdk-values";
import { IntegrationError } from "../integration/errors";
import type { PluginServices } from "./plugin";

export interface ExecutionRow {
  readonly map: EntityMap;
  readonly table: TableDefinition;
  readonly id: string;
  /** The row after the operation (as far as the mapped columns go). */
  readonly record: DataverseRecord;
  /** Only the columns the operation set. */
  readonly changes: DataverseRecord;
  /** The row before an Update, when known. */
  readonly before: DataverseRecord | undefined;
  /** undefined when the row names no company (a problem the caller reports). */
  readonly company: string | undefined;
}

/** The SCM entity a map writes to. */
export function scmEntityOf(map: EntityMap): ScmEntityDefinition {
  const entity = scmEntityByCollection(map.scmCollection);
  if (entity === undefined)
    throw new IntegrationError(
      "UNMAPPED_TABLE",
      `Map ${map.name} names an unknown SCM collection ${map.scmCollection}.`,
    );
  return entity;
}

export function mappedTable(
  context: PluginExecutionContext,
  services: PluginServices,
): { map: EntityMap; table: TableDefinition } {
  const map = services.maps.forTable(context.primaryEntityName);
  const table = tableByLogicalName(context.primaryEntityName);
  if (map === undefined || table === undefined) {
    throw new IntegrationError(
      "UNMAPPED_TABLE",
      `No entity map covers table ${context.primaryEntityName}; remove this step or add a map.`,
    );
  }
  return { map, table };
}

/** Columns a map reads: company, keys, and every pair that goes to SCM. */
export function mapColumns(map: EntityMap): string[] {
  return [
    map.company.dataverse,
    ...map.keys.map((key) => key.dataverse),
    ...map.columns.filter((pair) => goesToScm(pair.direction)).map((pair) => pair.dataverse),
  ];
}

export async function executionRow(context: PluginExecutionContext, services: PluginServices): Promise<ExecutionRow> {
  const { map, table } = mappedTable(context, services);
  const target = targetOf(context);
  if (!isSdkEntity(target)) {
    throw new IntegrationError(
      "INCOMPLETE_CONTEXT",
      `${context.messageName} of ${table.logicalName} carries no Target entity.`,
    );
  }
  const changes = entityToRecord(target, table);
  const preImage = preImageOf(context);
  const postImage = postImageOf(context);
  const before = preImage === undefined ? undefined : entityToRecord(preImage, table);
  let record: DataverseRecord = {
    ...before,
    ...(postImage === undefined ? {} : entityToRecord(postImage, table)),
    ...changes,
  };
  const id = (target.id !== "00000000-0000-0000-0000-000000000000" ? target.id : context.primaryEntityId).toLowerCase();
  const missing = mapColumns(map).filter((column) => !(column in record));
  if (context.messageName === "Update" && missing.length > 0) {
    // Images leave out columns without a value, so a missing column may simply be empty: read the stored row.
    const stored = await services.dataverse.retrieve(table, id, [...missing, "versionnumber"]);
    if (stored !== undefined) record = { ...stored, ...record };
  }
  const company = record[map.company.dataverse];
  return {
    map,
    table,
    id,
    record,
    changes,
    before,
    company: isEntityReference(company) ? await services.companies.codeOf(services.dataverse, company.id) : undefined,
  };
}
