/**
 * One map's rows on both sides, in the shapes the initial sync compares and writes: Field Service
 * rows (Dataverse records) and SCM rows, each named by its row key (`usmf/1001`, the ledger's name)
 * and matched case-insensitively. Mapping goes through core's maps with lookups answered from the
 * key index; comparison is field by field, as each system stores values.
 */
import { type DataverseRecord, type DataverseValue, isEntityReference } from "@fsi/core/dataverse/record";
import type { ColumnDefinition, EntityReference, TableDefinition } from "@fsi/core/dataverse/schema";
import { dataverseLookups, scmLookups } from "@fsi/core/maps/lookups";
import type { ColumnPair, EntityMap } from "@fsi/core/maps/template-schema";
import { toDataverseRecord } from "@fsi/core/maps/to-dataverse";
import { toScmRow } from "@fsi/core/maps/to-scm";
import type { ScmEntityDefinition, ScmRow } from "@fsi/core/scm/schema";
import { mapRowKey, rowKey } from "../../integration/row-identity";
import { changedFields } from "../../integration/scm-writer";
import type { FoundRow } from "../../services/dataverse-client";
import type { DataverseKeyIndex } from "./key-index";

export const COMPANY_TABLE = "cdm_company";

export interface FsSideRow {
  readonly id: string;
  readonly rowKey: string;
  readonly match: string;
  readonly company: string;
  readonly record: DataverseRecord;
  /** `versionnumber` when read: the ledger's FS → SCM stamp, and the `If-Match` of an update. */
  readonly version: number | undefined;
}

export interface ScmSideRow {
  readonly rowKey: string;
  readonly match: string;
  readonly company: string;
  readonly row: ScmRow;
}

/** A row that cannot take part: no company, no key. */
export interface UnusableRow {
  readonly rowKey: string;
  readonly message: string;
}

export const matchOf = (key: string): string => key.toLowerCase();

export function fsRowsOf(
  map: EntityMap,
  table: TableDefinition,
  found: readonly FoundRow[],
  index: DataverseKeyIndex,
): { rows: FsSideRow[]; unusable: UnusableRow[] } {
  const rows: FsSideRow[] = [];
  const unusable: UnusableRow[] = [];
  for (const { id, record } of found) {
    const companyRef = record[map.company.dataverse];
    const company = isEntityReference(companyRef)
      ? index.keyOf(COMPANY_TABLE, companyRef.id)?.toLowerCase()
      : undefined;
    const key = company === undefined ? undefined : mapRowKey(map, company, record);
    if (company === undefined || key === undefined) {
      unusable.push({
        rowKey: `${table.logicalName}(${id})`,
        message:
          company === undefined
            ? `The row names no company (${map.company.dataverse}), so it has no SCM row.`
            : `The row has no ${map.keys.map((pair) => pair.dataverse).join(", ")}.`,
      });
      continue;
    }
    const version = record.versionnumber;
    rows.push({
      id,
      rowKey: key,
      match: matchOf(key),
      company,
      record,
      version: typeof version === "number" ? version : undefined,
    });
  }
  return { rows, unusable };
}

export function scmRowsOf(map: EntityMap, found: readonly ScmRow[]): { rows: ScmSideRow[]; unusable: UnusableRow[] } {
  const rows: ScmSideRow[] = [];
  const unusable: UnusableRow[] = [];
  for (const row of found) {
    const company = row[map.company.scm];
    const keys = map.keys.map((pair) => row[pair.scm]);
    if (
      typeof company !== "string" ||
      company === "" ||
      keys.some((value) => typeof value !== "string" || value === "")
    ) {
      unusable.push({
        rowKey: `${map.scmCollection}${JSON.stringify(keys)}`,
        message: `The row lacks ${map.company.scm} or ${map.keys.map((pair) => pair.scm).join(", ")}.`,
      });
      continue;
    }
    const key = rowKey(company, keys as string[]);
    rows.push({ rowKey: key, match: matchOf(key), company: company.toLowerCase(), row });
  }
  return { rows, unusable };
}

export interface Mapped<T> {
  readonly value: T;
  /** Why the row cannot be written as is (a lookup's row missing, a value the map cannot carry). */
  readonly problems: readonly string[];
}

/** The SCM row an FS row maps to; `omit`: Dataverse columns left out (deferred self-lookups). */
export function fsToScm(
  map: EntityMap,
  fs: FsSideRow,
  index: DataverseKeyIndex,
  omit: ReadonlySet<string> = new Set(),
): Mapped<ScmRow> {
  const record = withoutColumns(fs.record, omit);
  const answers: Record<string, string> = {};
  const problems: string[] = [];
  for (const query of scmLookups(map, record)) {
    const key = index.keyOf(query.reference.logicalName, query.reference.id);
    if (key === undefined)
      problems.push(
        `${query.column}: the ${query.reference.logicalName} it points to (${query.reference.id}) is not in Dataverse or has no ${query.keyColumn}.`,
      );
    else answers[query.column] = key;
  }
  const mapped = toScmRow(record, map, fs.company, answers);
  for (const issue of mapped.issues) problems.push(`${issue.attribute ?? "(row)"}: ${issue.message}`);
  return { value: mapped.row, problems };
}

/** The Dataverse record an SCM row maps to (company and lookups bound); `omit`: Dataverse columns left out. */
export function scmToFs(
  map: EntityMap,
  scm: ScmSideRow,
  index: DataverseKeyIndex,
  omit: ReadonlySet<string> = new Set(),
): Mapped<DataverseRecord> {
  const omittedFields = new Set(map.columns.filter((pair) => omit.has(pair.dataverse)).map((pair) => pair.scm));
  const row: ScmRow = Object.fromEntries(Object.entries(scm.row).filter(([field]) => !omittedFields.has(field)));
  const answers: Record<string, EntityReference> = {};
  const problems: string[] = [];
  for (const query of dataverseLookups(map, row)) {
    const [keyValue] = Object.values(query.reference.keys);
    const id =
      keyValue === undefined
        ? undefined
        : index.idOf(
            query.reference.logicalName,
            keyValue,
            query.reference.logicalName === COMPANY_TABLE ? undefined : query.reference.companyCode,
          );
    if (id === undefined) {
      const where = query.reference.companyCode === undefined ? "" : `${query.reference.companyCode}/`;
      problems.push(
        `${query.scmField} '${keyValue ?? ""}': no ${query.reference.logicalName} ${where}${keyValue ?? ""} in Dataverse.`,
      );
    } else {
      answers[query.column] = { id, logicalName: query.reference.logicalName };
    }
  }
  const mapped = toDataverseRecord(row, map, answers);
  for (const issue of mapped.issues)
    problems.push(`${issue.attribute ?? "(row)"} (SCM ${issue.field ?? ""}): ${issue.message}`);
  return { value: mapped.record, problems };
}

/**
 * How the initial sync compares a value on both sides: as the side that keeps less would store it.
 * Numbers at the precision of the Dataverse column (Dataverse keeps the coordinates with 5
 * decimals, SCM with 6: a 6-decimal SCM value written to Dataverse reads back rounded, and must not
 * count as a difference on the next run); text of a pair with `trim` trimmed, as SCM stores it.
 */
function comparable(
  column: ColumnDefinition | undefined,
  pair: ColumnPair | undefined,
  value: DataverseValue | ScmRow[string] | undefined,
) {
  if (
    typeof value === "number" &&
    column !== undefined &&
    (column.type === "double" || column.type === "decimal" || column.type === "money")
  ) {
    return roundTo(value, column.precision);
  }
  if (typeof value === "string" && pair?.trim === true) return value.trim();
  return value;
}

function roundTo(value: number, precision: number): number {
  const factor = 10 ** precision;
  return Math.round(value * factor) / factor;
}

/** The fields of `desired` SCM holds differently, keys and company excluded, compared as `comparable` says. */
export function scmChanges(
  map: EntityMap,
  table: TableDefinition,
  entity: ScmEntityDefinition,
  desired: Readonly<ScmRow>,
  existing: Readonly<ScmRow>,
): ScmRow {
  const keys = new Set(entity.keys);
  const pairs = new Map(map.columns.map((pair) => [pair.scm, pair]));
  const column = (field: string) => {
    const pair = pairs.get(field);
    return pair === undefined ? undefined : table.columns[pair.dataverse];
  };
  const asCompared = (row: Readonly<ScmRow>): ScmRow =>
    Object.fromEntries(
      Object.entries(row).map(([field, value]) => [
        field,
        comparable(column(field), pairs.get(field), value) as ScmRow[string],
      ]),
    );
  const changed = changedFields(entity, asCompared(desired), asCompared(existing));
  return Object.fromEntries(
    Object.keys(changed)
      .filter((field) => !keys.has(field))
      .map((field) => [field, desired[field] ?? null]),
  );
}

/** The columns of `desired` Dataverse holds differently, key and company columns excluded. */
export function fsChanges(
  map: EntityMap,
  table: TableDefinition,
  desired: Readonly<DataverseRecord>,
  existing: Readonly<DataverseRecord>,
): DataverseRecord {
  const fixed = new Set([map.company.dataverse, ...map.keys.map((pair) => pair.dataverse)]);
  const pairs = new Map(map.columns.map((pair) => [pair.dataverse, pair]));
  const changes: DataverseRecord = {};
  for (const [column, value] of Object.entries(desired)) {
    if (fixed.has(column)) continue;
    const definition = table.columns[column];
    const pair = pairs.get(column);
    const left = comparable(definition, pair, value) as DataverseValue;
    const right = comparable(definition, pair, existing[column]);
    if (!sameFsValue(definition, left, right)) changes[column] = value;
  }
  return changes;
}

/** Equal as Dataverse stores them: empty text is null, lookups by id, dates as instants, numbers at the column's precision. */
export function sameFsValue(
  column: ColumnDefinition | undefined,
  a: DataverseValue | undefined,
  b: DataverseValue | undefined,
): boolean {
  const left = a === "" || a === undefined ? null : a;
  const right = b === "" || b === undefined ? null : b;
  if (left === right) return true;
  if (left === null || right === null) return false;
  if (isEntityReference(left) || isEntityReference(right))
    return isEntityReference(left) && isEntityReference(right) && left.id.toLowerCase() === right.id.toLowerCase();
  if (typeof left === "number" && typeof right === "number") {
    if (column !== undefined && "precision" in column)
      return roundTo(left, column.precision) === roundTo(right, column.precision);
    return Math.abs(left - right) <= 1e-9 * Math.max(1, Math.abs(left));
  }
  if (column?.type === "datetime" && typeof left === "string" && typeof right === "string")
    return Date.parse(left) === Date.parse(right);
  return false;
}

function withoutColumns(record: Readonly<DataverseRecord>, omit: ReadonlySet<string>): DataverseRecord {
  return omit.size === 0
    ? { ...record }
    : Object.fromEntries(Object.entries(record).filter(([column]) => !omit.has(column)));
}

/**
 * The row key a self-lookup points to (`usmf/1001`), or undefined when the row names none. Only
 * for single-key maps: a lookup carries one key column.
 */
export function selfReferenceOf(
  map: EntityMap,
  pair: ColumnPair,
  side: { readonly fs: FsSideRow; readonly index: DataverseKeyIndex } | { readonly scm: ScmSideRow },
): string | undefined {
  if (map.keys.length !== 1) return undefined;
  if ("fs" in side) {
    const value = side.fs.record[pair.dataverse];
    const key = isEntityReference(value) ? side.index.keyOf(map.dataverseTable, value.id) : undefined;
    return key === undefined ? undefined : matchOf(rowKey(side.fs.company, [key]));
  }
  const value = side.scm.row[pair.scm];
  return typeof value === "string" && value !== "" ? matchOf(rowKey(side.scm.company, [value])) : undefined;
}
