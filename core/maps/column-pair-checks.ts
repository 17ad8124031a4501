/**
 * Checks of one column pair against the table's column and the entity's field: names exist, types
 * fit, value map entries and defaults are values the receiving side can store, lookups resolve
 * through a natural key.
 */
import { type ColumnDefinition, type TableDefinition, tableColumn } from "../dataverse/schema";
import { tableByLogicalName } from "../dataverse/tables";
import { type ScmEntityDefinition, type ScmFieldDefinition, scmField } from "../scm/schema";
import { goesToDataverse, goesToScm, type ColumnPair } from "./template-schema";
import { dataverseAccepts, describeColumn, describeField, scmAccepts, typesCompatible } from "./value-rules";

export type Report = (path: readonly PropertyKey[], message: string) => void;

export const unknownColumn = (table: TableDefinition, name: string) =>
  `unknown Dataverse column ${name} of ${table.logicalName}`;
export const unknownField = (entity: ScmEntityDefinition, name: string) =>
  `unknown SCM field ${name} of ${entity.collection}`;

/** Checks one column pair; `at` is where the pair sits in the document being reported on. */
export function checkColumnPair(
  pair: ColumnPair,
  at: readonly PropertyKey[],
  table: TableDefinition,
  entity: ScmEntityDefinition,
  report: Report,
): void {
  const column = tableColumn(table, pair.dataverse);
  const field = scmField(entity, pair.scm);
  if (column === undefined) report([...at, "dataverse"], unknownColumn(table, pair.dataverse));
  if (field === undefined) report([...at, "scm"], unknownField(entity, pair.scm));
  if (column === undefined || field === undefined) return;

  if (column.readOnly === true && goesToDataverse(pair.direction)) {
    report([...at, "direction"], `${pair.dataverse} is read-only in Dataverse; it can only go toScm`);
  }
  if (pair.trim === true && !(column.type === "string" || column.type === "memo")) {
    report([...at, "trim"], `trim applies to text; ${pair.dataverse} is ${describeColumn(column)}`);
  }
  if (pair.zeroIsEmpty === true && !(field.type === "Real" || field.type === "Int")) {
    report([...at, "zeroIsEmpty"], `zeroIsEmpty applies to SCM numbers; ${pair.scm} is ${field.type}`);
  }
  if (pair.lookup !== undefined || column.type === "lookup") {
    checkLookupPair(pair, at, column, field, report);
    return;
  }
  if (pair.valueMap !== undefined) checkValueMap(pair, at, column, field, report);
  else if (!typesCompatible(column, field)) {
    report(
      [...at, "scm"],
      `type mismatch: Dataverse ${pair.dataverse} is ${describeColumn(column)} and SCM ${pair.scm} is ${describeField(field)}; pair compatible types or add a valueMap`,
    );
  }
  if (pair.default?.toScm !== undefined && !scmAccepts(field, pair.default.toScm)) {
    report(
      [...at, "default", "toScm"],
      `${JSON.stringify(pair.default.toScm)} is not a value of SCM ${pair.scm} (${describeField(field)})`,
    );
  }
  if (pair.default?.toDataverse !== undefined && !dataverseAccepts(column, pair.default.toDataverse)) {
    report(
      [...at, "default", "toDataverse"],
      `${JSON.stringify(pair.default.toDataverse)} is not a value of Dataverse ${pair.dataverse} (${describeColumn(column)})`,
    );
  }
}

function checkLookupPair(
  pair: ColumnPair,
  at: readonly PropertyKey[],
  column: ColumnDefinition,
  field: ScmFieldDefinition,
  report: Report,
) {
  const { lookup } = pair;
  if (column.type !== "lookup") {
    report([...at, "lookup"], `${pair.dataverse} is ${describeColumn(column)}, not a lookup`);
    return;
  }
  if (lookup === undefined) {
    report(
      [...at],
      `${pair.dataverse} is a lookup; add "lookup": { "table", "key" } naming the natural key the SCM field holds`,
    );
    return;
  }
  if (field.type !== "String") {
    report(
      [...at, "scm"],
      `type mismatch: a lookup's natural key travels as text, but SCM ${pair.scm} is ${describeField(field)}`,
    );
  }
  if (pair.valueMap !== undefined) report([...at, "valueMap"], "a lookup pair cannot also have a value map");
  if (pair.default?.toDataverse !== undefined) {
    report(
      [...at, "default", "toDataverse"],
      "a lookup cannot default to a fixed row; default toScm (a key value) instead",
    );
  }
  if (pair.default?.toScm !== undefined && !scmAccepts(field, pair.default.toScm)) {
    report(
      [...at, "default", "toScm"],
      `${JSON.stringify(pair.default.toScm)} is not a value of SCM ${pair.scm} (${describeField(field)})`,
    );
  }
  if (!column.targets.includes(lookup.table)) {
    report([...at, "lookup", "table"], `${pair.dataverse} points to ${column.targets.join(", ")}, not ${lookup.table}`);
    return;
  }
  const target = tableByLogicalName(lookup.table);
  const keyColumn = target === undefined ? undefined : tableColumn(target, lookup.key);
  if (target === undefined || keyColumn?.type !== "string") {
    report([...at, "lookup", "key"], `${lookup.table} has no text column ${lookup.key}`);
    return;
  }
  if (!target.alternateKeys.some((key) => key.columns.includes(lookup.key))) {
    report(
      [...at, "lookup", "key"],
      `${lookup.table}.${lookup.key} is not part of an alternate key, so it cannot identify a row`,
    );
  }
  if (lookup.sameCompany === true && !("msdyn_company" in target.columns)) {
    report(
      [...at, "lookup", "sameCompany"],
      `${lookup.table} has no company column; it cannot be matched within a company`,
    );
  }
}

function checkValueMap(
  pair: ColumnPair,
  at: readonly PropertyKey[],
  column: ColumnDefinition,
  field: ScmFieldDefinition,
  report: Report,
) {
  const valueMap = pair.valueMap;
  if (valueMap === undefined) return;
  const path = [...at, "valueMap"];
  const seenDataverse = new Set<string | number | boolean>();
  const seenScm = new Set<string | number | boolean>();
  valueMap.pairs.forEach((entry, index) => {
    if (!dataverseAccepts(column, entry.dataverse)) {
      report(
        [...path, "pairs", index, "dataverse"],
        `${JSON.stringify(entry.dataverse)} is not a value of Dataverse ${pair.dataverse} (${describeColumn(column)})`,
      );
    }
    if (!scmAccepts(field, entry.scm)) {
      report(
        [...path, "pairs", index, "scm"],
        `${JSON.stringify(entry.scm)} is not a value of SCM ${pair.scm} (${describeField(field)})`,
      );
    }
    // Each direction the pair carries must be a function: one source value, one target value.
    if (goesToScm(pair.direction) && seenDataverse.has(entry.dataverse)) {
      report(
        [...path, "pairs", index, "dataverse"],
        `${JSON.stringify(entry.dataverse)} is listed twice, so its SCM value is ambiguous`,
      );
    }
    if (goesToDataverse(pair.direction) && seenScm.has(entry.scm)) {
      report(
        [...path, "pairs", index, "scm"],
        `${JSON.stringify(entry.scm)} is listed twice, so its Dataverse value is ambiguous`,
      );
    }
    seenDataverse.add(entry.dataverse);
    seenScm.add(entry.scm);
  });
  if (valueMap.unmappedToScm !== undefined && !scmAccepts(field, valueMap.unmappedToScm)) {
    report(
      [...path, "unmappedToScm"],
      `${JSON.stringify(valueMap.unmappedToScm)} is not a value of SCM ${pair.scm} (${describeField(field)})`,
    );
  }
  if (valueMap.unmappedToDataverse !== undefined && !dataverseAccepts(column, valueMap.unmappedToDataverse)) {
    report(
      [...path, "unmappedToDataverse"],
      `${JSON.stringify(valueMap.unmappedToDataverse)} is not a value of Dataverse ${pair.dataverse} (${describeColumn(column)})`,
    );
  }
}
