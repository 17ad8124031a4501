/**
 * Answers core's lookup queries with Dataverse reads. Core maps lookups by natural key and does no
 * I/O (core/maps/lookups.ts); this is the I/O half.
 */
import type { EntityReference } from "@fsi/core/dataverse/schema";
import { tableByLogicalName } from "@fsi/core/dataverse/tables";
import type {
  DataverseLookupAnswers,
  DataverseLookupQuery,
  ScmLookupAnswers,
  ScmLookupQuery,
} from "@fsi/core/maps/lookups";
import type { DataverseClient, KeyValues } from "../services/dataverse-client";
import type { CompanyDirectory } from "./company-directory";

/** The company lookup every company-scoped table has (`defineTable` adds it under this name). */
const COMPANY_COLUMN = "msdyn_company";

export interface ScmLookupResolution {
  readonly answers: ScmLookupAnswers;
  /** References whose row is gone or has no natural key. */
  readonly missing: readonly ScmLookupQuery[];
}

/** Dataverse → SCM: reads the natural key of each row a lookup points to. */
export async function resolveScmLookups(
  dataverse: DataverseClient,
  queries: readonly ScmLookupQuery[],
): Promise<ScmLookupResolution> {
  const answers: Record<string, string> = {};
  const missing: ScmLookupQuery[] = [];
  for (const query of queries) {
    const table = tableByLogicalName(query.reference.logicalName);
    const row =
      table === undefined ? undefined : await dataverse.retrieve(table, query.reference.id, [query.keyColumn]);
    const key = row?.[query.keyColumn];
    if (typeof key === "string" && key !== "") answers[query.column] = key;
    else missing.push(query);
  }
  return { answers, missing };
}

export interface DataverseLookupResolution {
  readonly answers: DataverseLookupAnswers;
  /** Natural keys no Dataverse row has yet: the change must wait for them. */
  readonly missing: readonly DataverseLookupQuery[];
}

/** SCM → Dataverse: finds each row by natural key (within the company where the lookup says so). */
export async function resolveDataverseLookups(
  dataverse: DataverseClient,
  companies: CompanyDirectory,
  queries: readonly DataverseLookupQuery[],
): Promise<DataverseLookupResolution> {
  const answers: Record<string, EntityReference> = {};
  const missing: DataverseLookupQuery[] = [];
  for (const query of queries) {
    const found = await findReference(dataverse, companies, query);
    if (found === undefined) missing.push(query);
    else answers[query.column] = found;
  }
  return { answers, missing };
}

async function findReference(
  dataverse: DataverseClient,
  companies: CompanyDirectory,
  query: DataverseLookupQuery,
): Promise<EntityReference | undefined> {
  const { reference } = query;
  const table = tableByLogicalName(reference.logicalName);
  if (table === undefined) return undefined;
  const companyKey = Object.entries(reference.keys).length === 1 ? reference.keys.cdm_companycode : undefined;
  if (reference.logicalName === "cdm_company" && companyKey !== undefined) {
    const id = await companies.idOf(dataverse, companyKey);
    return id === undefined ? undefined : { id, logicalName: "cdm_company" };
  }
  const key: Record<string, KeyValues[string]> = { ...reference.keys };
  if (reference.companyCode !== undefined) {
    const companyId = await companies.idOf(dataverse, reference.companyCode);
    if (companyId === undefined) return undefined;
    key[COMPANY_COLUMN] = { id: companyId, logicalName: "cdm_company" };
  }
  const found = await dataverse.findByKey(table, key, [table.primaryNameAttribute]);
  if (found === undefined) return undefined;
  const name = found.record[table.primaryNameAttribute];
  return typeof name === "string"
    ? { id: found.id, logicalName: table.logicalName, name }
    : { id: found.id, logicalName: table.logicalName };
}
