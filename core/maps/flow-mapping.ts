/**
 * Column pairs of a flow template applied to one row. Like the two-way maps, lookups cross by
 * natural key in two steps (list the queries, the caller answers them, map with the answers), and
 * only pairs in the flow's direction are mapped. Structural fields (keys, company, quantities) are
 * the flow engine's, so these functions map the template's pairs and nothing else.
 */
import { isEntityReference, type DataverseRecord } from "../dataverse/record";
import { tableByLogicalName } from "../dataverse/tables";
import type { ScmEntityDefinition, ScmRow } from "../scm/schema";
import type {
  DataverseLookupAnswers,
  DataverseLookupQuery,
  MappingIssue,
  NaturalKeyReference,
  ScmLookupAnswers,
  ScmLookupQuery,
} from "./lookups";
import type { ColumnPair } from "./template-schema";
import { dataverseValue } from "./to-dataverse";
import { scmValue } from "./to-scm";

export interface FlowRecordResult {
  readonly record: DataverseRecord;
  readonly unresolved: DataverseLookupQuery[];
  readonly issues: MappingIssue[];
}

export interface FlowRowResult {
  readonly row: ScmRow;
  readonly unresolved: ScmLookupQuery[];
  readonly issues: MappingIssue[];
}

/** SCM → FS: the natural-key lookups of a row's pairs; `company` scopes company-specific tables. */
export function flowDataverseLookups(
  pairs: readonly ColumnPair[],
  row: Readonly<ScmRow>,
  company: string,
): DataverseLookupQuery[] {
  const queries: DataverseLookupQuery[] = [];
  for (const pair of pairs) {
    const value = row[pair.scm];
    if (pair.direction !== "toDataverse" || pair.lookup === undefined || typeof value !== "string" || value === "")
      continue;
    const sameCompany = pair.lookup.sameCompany ?? tableByLogicalName(pair.lookup.table)?.companyScoped ?? false;
    const reference: NaturalKeyReference = {
      logicalName: pair.lookup.table,
      keys: { [pair.lookup.key]: value },
      ...(sameCompany ? { companyCode: company } : {}),
    };
    queries.push({ column: pair.dataverse, scmField: pair.scm, reference });
  }
  return queries;
}

/** SCM → FS: the template's columns of one row (fields the row lacks stay out, as in a PATCH). */
export function flowRowToDataverse(
  pairs: readonly ColumnPair[],
  entity: ScmEntityDefinition,
  row: Readonly<ScmRow>,
  answers: DataverseLookupAnswers = {},
  company = "",
): FlowRecordResult {
  const record: DataverseRecord = {};
  const issues: MappingIssue[] = [];
  const unresolved: DataverseLookupQuery[] = [];
  const queries = new Map(flowDataverseLookups(pairs, row, company).map((query) => [query.column, query]));
  for (const pair of pairs) {
    const value = row[pair.scm];
    const field = entity.fields[pair.scm];
    if (pair.direction !== "toDataverse" || value === undefined || field === undefined) continue;
    if (pair.lookup !== undefined && typeof value === "string" && value !== "") {
      const answer = answers[pair.dataverse];
      const query = queries.get(pair.dataverse);
      if (answer !== undefined) record[pair.dataverse] = answer;
      else if (query !== undefined) unresolved.push(query);
      continue;
    }
    const mapped = dataverseValue(pair, field, value);
    if ("value" in mapped) record[pair.dataverse] = mapped.value;
    else issues.push({ attribute: pair.dataverse, field: pair.scm, code: mapped.code, message: mapped.message });
  }
  return { record, unresolved, issues };
}

/** FS → SCM: which referenced rows' natural keys the pairs need. */
export function flowScmLookups(pairs: readonly ColumnPair[], record: Readonly<DataverseRecord>): ScmLookupQuery[] {
  const queries: ScmLookupQuery[] = [];
  for (const pair of pairs) {
    const value = record[pair.dataverse];
    if (pair.direction !== "toScm" || pair.lookup === undefined || !isEntityReference(value)) continue;
    queries.push({ column: pair.dataverse, scmField: pair.scm, reference: value, keyColumn: pair.lookup.key });
  }
  return queries;
}

/** FS → SCM: the template's fields of one record. */
export function flowRecordToScm(
  pairs: readonly ColumnPair[],
  entity: ScmEntityDefinition,
  record: Readonly<DataverseRecord>,
  answers: ScmLookupAnswers = {},
): FlowRowResult {
  const row: ScmRow = {};
  const issues: MappingIssue[] = [];
  const unresolved: ScmLookupQuery[] = [];
  const queries = new Map(flowScmLookups(pairs, record).map((query) => [query.column, query]));
  for (const pair of pairs) {
    const value = record[pair.dataverse];
    const field = entity.fields[pair.scm];
    if (pair.direction !== "toScm" || field === undefined) continue;
    if (pair.lookup !== undefined && isEntityReference(value)) {
      const answer = answers[pair.dataverse];
      const query = queries.get(pair.dataverse);
      if (answer !== undefined) row[pair.scm] = answer;
      else if (query !== undefined) unresolved.push(query);
      continue;
    }
    // A document is built whole, so an absent column is empty, and defaults apply to it.
    const mapped = scmValue(pair, field, value ?? null);
    if ("value" in mapped) row[pair.scm] = mapped.value;
    else issues.push({ attribute: pair.dataverse, field: pair.scm, code: mapped.code, message: mapped.message });
  }
  return { row, unresolved, issues };
}
