/**
 * Lookups cross the systems by natural key, and core does no I/O, so mapping is two steps:
 * `lookupsToResolve` lists what must be looked up, the caller answers (one query per lookup, or
 * from a cache), and `toScmRow` / `toDataverseRecord` map with those answers. A lookup left
 * unanswered comes back in the result's `unresolved` list and is left out of the mapped output.
 */
import type { DataverseRecord } from "../dataverse/record";
import { isEntityReference } from "../dataverse/record";
import type { EntityReference } from "../dataverse/schema";
import { tableByLogicalName } from "../dataverse/tables";
import type { ScmRow } from "../scm/schema";
import type { ValidationIssueCode } from "../validation/codes";
import { goesToDataverse, goesToScm, type ColumnPair, type EntityMap, type LookupTransform } from "./template-schema";

/** A row named by its natural key: `{ logicalName: "msdyn_operationalsite", keys: { msdyn_siteid: "1" }, companyCode: "usmf" }`. */
export interface NaturalKeyReference {
  readonly logicalName: string;
  readonly keys: Readonly<Record<string, string>>;
  /** Set when the row must belong to this company (data area id). */
  readonly companyCode?: string;
}

/** Dataverse → SCM: "read `keyColumn` of the row `reference` points to". */
export interface ScmLookupQuery {
  readonly column: string;
  readonly scmField: string;
  readonly reference: EntityReference;
  readonly keyColumn: string;
}

/** SCM → Dataverse: "find the row with this natural key". */
export interface DataverseLookupQuery {
  readonly column: string;
  readonly scmField: string;
  readonly reference: NaturalKeyReference;
}

/** Answers for the Dataverse → SCM direction: Dataverse column → natural key value of the referenced row. */
export type ScmLookupAnswers = Readonly<Partial<Record<string, string>>>;
/** Answers for the SCM → Dataverse direction: Dataverse column → the row found by natural key. */
export type DataverseLookupAnswers = Readonly<Partial<Record<string, EntityReference>>>;

/** A value the map could not carry across, named on both sides. */
export interface MappingIssue {
  readonly attribute?: string;
  readonly field?: string;
  readonly code: ValidationIssueCode;
  readonly message: string;
}

export function lookupsToResolve(
  map: EntityMap,
  source: { readonly record: Readonly<DataverseRecord> },
): ScmLookupQuery[];
export function lookupsToResolve(map: EntityMap, source: { readonly row: Readonly<ScmRow> }): DataverseLookupQuery[];
export function lookupsToResolve(
  map: EntityMap,
  source: { readonly record: Readonly<DataverseRecord> } | { readonly row: Readonly<ScmRow> },
): ScmLookupQuery[] | DataverseLookupQuery[] {
  return "record" in source ? scmLookups(map, source.record) : dataverseLookups(map, source.row);
}

export function scmLookups(map: EntityMap, record: Readonly<DataverseRecord>): ScmLookupQuery[] {
  const queries: ScmLookupQuery[] = [];
  for (const pair of lookupPairs(map)) {
    const value = record[pair.dataverse];
    if (!goesToScm(pair.direction) || !isEntityReference(value)) continue;
    queries.push({ column: pair.dataverse, scmField: pair.scm, reference: value, keyColumn: pair.lookup.key });
  }
  return queries;
}

export function dataverseLookups(map: EntityMap, row: Readonly<ScmRow>): DataverseLookupQuery[] {
  const queries: DataverseLookupQuery[] = [];
  const companyCode = row[map.company.scm];
  const company = typeof companyCode === "string" && companyCode !== "" ? companyCode : undefined;
  if (company !== undefined) {
    queries.push({
      column: map.company.dataverse,
      scmField: map.company.scm,
      reference: companyReference(map, company),
    });
  }
  for (const pair of lookupPairs(map)) {
    const value = row[pair.scm];
    if (!goesToDataverse(pair.direction) || typeof value !== "string" || value === "") continue;
    const reference: NaturalKeyReference = {
      logicalName: pair.lookup.table,
      keys: { [pair.lookup.key]: value },
      ...(matchesWithinCompany(pair.lookup) && company !== undefined ? { companyCode: company } : {}),
    };
    queries.push({ column: pair.dataverse, scmField: pair.scm, reference });
  }
  return queries;
}

/** The company row (`cdm_company` by `cdm_companycode`) a data area id names. */
export function companyReference(map: EntityMap, companyCode: string): NaturalKeyReference {
  const companyTable = tableByLogicalName(map.dataverseTable)?.columns[map.company.dataverse];
  const logicalName = companyTable?.type === "lookup" ? (companyTable.targets[0] ?? "cdm_company") : "cdm_company";
  return { logicalName, keys: { [map.company.key]: companyCode } };
}

function matchesWithinCompany(lookup: LookupTransform): boolean {
  return lookup.sameCompany ?? tableByLogicalName(lookup.table)?.companyScoped ?? false;
}

type LookupPair = ColumnPair & { readonly lookup: LookupTransform };

export function lookupPairs(map: EntityMap): LookupPair[] {
  return map.columns.filter((pair): pair is LookupPair => pair.lookup !== undefined);
}
