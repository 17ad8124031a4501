/** Dataverse record → SCM payload, through an entity map. */
import { isEntityReference, type DataverseRecord, type DataverseValue } from "../dataverse/record";
import { scmEntityByCollection } from "../scm/entities";
import type { ScmFieldDefinition, ScmRow } from "../scm/schema";
import { scmLookups, type MappingIssue, type ScmLookupAnswers, type ScmLookupQuery } from "./lookups";
import { goesToScm, type ColumnPair, type EntityMap } from "./template-schema";

export interface ScmRowResult {
  /** The payload: company, keys and every mapped column the record carries (absent ones stay absent, as in a PATCH). */
  readonly row: ScmRow;
  /** Lookups without an answer; their fields are left out of `row`. */
  readonly unresolved: ScmLookupQuery[];
  readonly issues: MappingIssue[];
}

type Scalar = string | number | boolean | null;

/**
 * Maps a record (a full row, or only the changed columns of an update) to an SCM payload for
 * `company` (the data area id). Lookups take their natural key from `resolved`, answers to
 * `lookupsToResolve(map, { record })`.
 */
export function toScmRow(
  record: Readonly<DataverseRecord>,
  map: EntityMap,
  company: string,
  resolved: ScmLookupAnswers = {},
): ScmRowResult {
  const entity = scmEntityByCollection(map.scmCollection);
  if (entity === undefined) throw new Error(`map ${map.name} names an unknown collection ${map.scmCollection}`);
  const row: ScmRow = { [map.company.scm]: company };
  const issues: MappingIssue[] = [];
  const issue = (pair: { dataverse: string; scm: string }, code: MappingIssue["code"], message: string) =>
    issues.push({ attribute: pair.dataverse, field: pair.scm, code, message });

  for (const key of map.keys) {
    const value = record[key.dataverse];
    if (value === undefined) continue;
    if (typeof value === "string" && value !== "") row[key.scm] = value;
    else if (value === null || value === "")
      issue(key, "required", `${key.dataverse} is the key of ${map.scmCollection} and cannot be empty.`);
    else issue(key, "invalidValue", `${key.dataverse} must be text to become SCM ${key.scm}.`);
  }

  const lookupsByColumn = new Map(scmLookups(map, record).map((query) => [query.column, query]));
  const unresolved: ScmLookupQuery[] = [];
  for (const pair of map.columns) {
    const value = record[pair.dataverse];
    const field = entity.fields[pair.scm];
    if (!goesToScm(pair.direction) || value === undefined || field === undefined) continue;
    if (pair.lookup !== undefined && isEntityReference(value)) {
      const answer = resolved[pair.dataverse];
      const query = lookupsByColumn.get(pair.dataverse);
      if (answer !== undefined) row[pair.scm] = answer;
      else if (query !== undefined) unresolved.push(query);
      continue;
    }
    const mapped = scmValue(pair, field, value);
    if ("value" in mapped) row[pair.scm] = mapped.value;
    else issue(pair, mapped.code, mapped.message);
  }
  return { row, unresolved, issues };
}

export type MappedScmValue = { value: Scalar } | { code: MappingIssue["code"]; message: string };
type Mapped = MappedScmValue;

/** One column's value as SCM takes it (trim, empty → default, value map); lookups are not mapped here. */
export function scmValue(pair: ColumnPair, field: ScmFieldDefinition, source: DataverseValue): Mapped {
  if (isEntityReference(source)) {
    return { code: "invalidValue", message: `${pair.dataverse} is a reference; SCM ${pair.scm} takes a plain value.` };
  }
  const value = pair.trim === true && typeof source === "string" ? source.trim() : source;
  if (value === null || value === "") {
    // F&O text fields have no null: an empty string is their "no value".
    return { value: pair.default?.toScm ?? (field.type === "String" ? "" : null) };
  }
  if (pair.lookup !== undefined) {
    return { code: "invalidValue", message: `${pair.dataverse} is a lookup; its value must be { id, logicalName }.` };
  }
  const { valueMap } = pair;
  if (valueMap === undefined) return { value };
  const entry = valueMap.pairs.find((candidate) => candidate.dataverse === value);
  if (entry !== undefined) return { value: entry.scm };
  if (valueMap.unmappedToScm !== undefined) return { value: valueMap.unmappedToScm };
  const known = valueMap.pairs.map((candidate) => JSON.stringify(candidate.dataverse)).join(", ");
  return {
    code: "allowedValues",
    message: `${pair.dataverse} = ${JSON.stringify(value)} has no SCM ${pair.scm} value; mapped values: ${known}.`,
  };
}
