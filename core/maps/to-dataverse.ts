/** SCM row → Dataverse record draft, through an entity map. */
import type { DataverseRecord, DataverseValue } from "../dataverse/record";
import { scmEntityByCollection } from "../scm/entities";
import type { ScmFieldDefinition, ScmRow } from "../scm/schema";
import { dataverseLookups, type DataverseLookupAnswers, type DataverseLookupQuery, type MappingIssue } from "./lookups";
import { goesToDataverse, type ColumnPair, type EntityMap } from "./template-schema";

export interface DataverseRecordResult {
  /** The draft: company, keys and every mapped field the row carries (absent ones stay absent). */
  readonly record: DataverseRecord;
  /** Lookups (the company included) without an answer; their columns are left out of `record`. */
  readonly unresolved: DataverseLookupQuery[];
  readonly issues: MappingIssue[];
}

/** F&O's "no date" (DateTime fields are never null there). */
const isScmEmptyDate = (value: string) => value.startsWith("1900-01-01");

/**
 * Maps an SCM row (full, or the changed fields of a business event) to a Dataverse record draft.
 * Lookups and the company take their row from `resolved`, answers to `lookupsToResolve(map, { row })`.
 */
export function toDataverseRecord(
  row: Readonly<ScmRow>,
  map: EntityMap,
  resolved: DataverseLookupAnswers = {},
): DataverseRecordResult {
  const entity = scmEntityByCollection(map.scmCollection);
  if (entity === undefined) throw new Error(`map ${map.name} names an unknown collection ${map.scmCollection}`);
  const record: DataverseRecord = {};
  const issues: MappingIssue[] = [];
  const unresolved: DataverseLookupQuery[] = [];
  const queries = new Map(dataverseLookups(map, row).map((query) => [query.column, query]));
  const useAnswer = (column: string) => {
    const answer = resolved[column];
    const query = queries.get(column);
    if (answer !== undefined) record[column] = answer;
    else if (query !== undefined) unresolved.push(query);
  };

  if (queries.has(map.company.dataverse)) useAnswer(map.company.dataverse);
  for (const key of map.keys) {
    const value = row[key.scm];
    if (value === undefined) continue;
    if (typeof value === "string") record[key.dataverse] = value;
    else
      issues.push({
        attribute: key.dataverse,
        field: key.scm,
        code: "invalidValue",
        message: `SCM ${key.scm} must be text.`,
      });
  }
  for (const pair of map.columns) {
    const value = row[pair.scm];
    const field = entity.fields[pair.scm];
    if (!goesToDataverse(pair.direction) || value === undefined || field === undefined) continue;
    if (pair.lookup !== undefined && typeof value === "string" && value !== "") {
      useAnswer(pair.dataverse);
      continue;
    }
    const mapped = dataverseValue(pair, field, value);
    if ("value" in mapped) record[pair.dataverse] = mapped.value;
    else issues.push({ attribute: pair.dataverse, field: pair.scm, code: mapped.code, message: mapped.message });
  }
  return { record, unresolved, issues };
}

export type MappedDataverseValue = { value: DataverseValue } | { code: MappingIssue["code"]; message: string };
type Mapped = MappedDataverseValue;

/** One field's value as Dataverse takes it (trim, empty → default, value map); lookups are not mapped here. */
export function dataverseValue(
  pair: ColumnPair,
  field: ScmFieldDefinition,
  source: string | number | boolean | null,
): Mapped {
  const value = pair.trim === true && typeof source === "string" ? source.trim() : source;
  const empty =
    value === null ||
    value === "" ||
    (pair.zeroIsEmpty === true && value === 0) ||
    (field.type === "DateTime" && typeof value === "string" && isScmEmptyDate(value));
  if (empty) return { value: pair.default?.toDataverse ?? null };
  if (pair.lookup !== undefined) {
    return {
      code: "invalidValue",
      message: `SCM ${pair.scm} holds the key of a ${pair.lookup.table}; it must be text.`,
    };
  }
  const { valueMap } = pair;
  if (valueMap === undefined) return { value };
  const entry = valueMap.pairs.find((candidate) => candidate.scm === value);
  if (entry !== undefined) return { value: entry.dataverse };
  if (valueMap.unmappedToDataverse !== undefined) return { value: valueMap.unmappedToDataverse };
  const known = valueMap.pairs.map((candidate) => JSON.stringify(candidate.scm)).join(", ");
  return {
    code: "allowedValues",
    message: `SCM ${pair.scm} = ${JSON.stringify(value)} has no Dataverse ${pair.dataverse} value; mapped values: ${known}.`,
  };
}
