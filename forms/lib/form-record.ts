/// <reference types="xrm" />
/**
 * Reads the form into the Dataverse shape the validation contract uses (core's `DataverseRecord`),
 * and picks what to send: the mapped columns that changed. "Mapped" is core/maps' filtering
 * attributes (see form-maps.ts); "changed" is core's `changedMappedColumns` without a pre-image —
 * every mapped column the save submits — which the tests hold this code to.
 */
import type { DataverseRecord, DataverseValue } from "@fsi/core/dataverse/record";
import type { TableDefinition } from "@fsi/core/dataverse/schema";
import type { MapSummary } from "@fsi/core/maps/summary";
import { bareGuid } from "./guid";

/** `XrmEnum.FormType.Create`: a const enum, so the value is written out (isolated modules cannot read it). */
const formTypeCreate = 1;

export function isNewRecord(formContext: Xrm.FormContext): boolean {
  return (
    (formContext.ui.getFormType() as number) === formTypeCreate || bareGuid(formContext.data.entity.getId()) === ""
  );
}

function twoDigits(n: number): string {
  return String(n).padStart(2, "0");
}

/** A date-only column is a calendar date: sent as the date the user picked, not shifted to UTC. */
function dateValue(value: Date, column: TableDefinition["columns"][string] | undefined): string {
  if (column?.type === "datetime" && column.behavior === "DateOnly") {
    return `${value.getFullYear()}-${twoDigits(value.getMonth() + 1)}-${twoDigits(value.getDate())}`;
  }
  return value.toISOString();
}

/** One attribute's value in the Dataverse shape; undefined for types the contract cannot carry. */
export function attributeValue(
  attribute: Xrm.Attributes.Attribute,
  table: TableDefinition,
): DataverseValue | undefined {
  const value: unknown = attribute.getValue();
  if (value === null || value === undefined) return null;
  switch (attribute.getAttributeType()) {
    case "lookup": {
      const first: unknown = Array.isArray(value) ? value[0] : undefined;
      if (typeof first !== "object" || first === null) return null;
      const { id, entityType, name } = first as Partial<Xrm.LookupValue>;
      if (typeof id !== "string" || typeof entityType !== "string") return null;
      return typeof name === "string" && name !== ""
        ? { id: bareGuid(id), logicalName: entityType, name }
        : { id: bareGuid(id), logicalName: entityType };
    }
    case "datetime":
      return value instanceof Date ? dateValue(value, table.columns[attribute.getName()]) : undefined;
    default:
      return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? value : undefined;
  }
}

/**
 * The row as the form will submit it: on update the dirty columns (what the platform sends); on
 * create every column with a value as well (defaults the user never touched are part of the create).
 */
export function submittedRecord(formContext: Xrm.FormContext, table: TableDefinition, isNew: boolean): DataverseRecord {
  const record: DataverseRecord = {};
  formContext.data.entity.attributes.forEach((attribute) => {
    const value = attributeValue(attribute, table);
    if (value === undefined) return;
    if (attribute.getIsDirty() || (isNew && value !== null)) record[attribute.getName()] = value;
  });
  return record;
}

/**
 * The mapped columns to send to the validation API, with their values. Empty means nothing SCM
 * sees has changed, and the save needs no check.
 */
export function recordToValidate(
  formContext: Xrm.FormContext,
  table: TableDefinition,
  map: MapSummary,
  isNew: boolean,
): DataverseRecord {
  const submitted = submittedRecord(formContext, table, isNew);
  const attributes: DataverseRecord = {};
  for (const column of map.columns) {
    const value = submitted[column];
    if (value !== undefined) attributes[column] = value;
  }
  return attributes;
}
