/**
 * SDK entities → the Dataverse-shape record (`core/dataverse/record.ts`) the maps work on. Only
 * columns the table definition knows are kept: the platform adds owner and system columns to a
 * Target that no map reads.
 */
import type { DataverseRecord, DataverseValue } from "@fsi/core/dataverse/record";
import type { TableDefinition } from "@fsi/core/dataverse/schema";
import { type SdkEntity, type SdkValue, isSdkEntityReference } from "./sdk-values";

/** A value the record shape cannot carry (an entity collection in a column, an opaque type). */
export class UnsupportedValueError extends Error {
  override readonly name = "UnsupportedValueError";
  readonly code = "UNSUPPORTED_VALUE";
}

export function toDataverseValue(column: string, value: SdkValue): DataverseValue {
  if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean")
    return value;
  if (value instanceof Date) return value.toISOString();
  if (isSdkEntityReference(value)) {
    return value.name === null
      ? { id: value.id.toLowerCase(), logicalName: value.logicalName }
      : { id: value.id.toLowerCase(), logicalName: value.logicalName, name: value.name };
  }
  if (Array.isArray(value)) throw new UnsupportedValueError(`${column}: a collection cannot be a column value.`);
  const tagged = value as Exclude<SdkValue, readonly SdkValue[] | string | number | boolean | null | Date>;
  switch (tagged.kind) {
    case "OptionSetValue":
    case "Money":
      return tagged.value;
    case "Opaque":
      throw new UnsupportedValueError(`${column}: values of type ${tagged.type} are not supported.`);
    default:
      throw new UnsupportedValueError(`${column}: a ${tagged.kind} cannot be a column value.`);
  }
}

export function entityToRecord(entity: SdkEntity, table: TableDefinition): DataverseRecord {
  const record: DataverseRecord = {};
  for (const [column, value] of Object.entries(entity.attributes)) {
    if (!Object.hasOwn(table.columns, column)) continue;
    record[column] = toDataverseValue(column, value);
  }
  return record;
}

/**
 * The row as it will be after the operation: the pre image overlaid with the Target's changes
 * (an Update's Target holds only the columns that changed).
 */
export function mergedRecord(
  table: TableDefinition,
  target: SdkEntity,
  preImage: SdkEntity | undefined,
): DataverseRecord {
  return { ...(preImage === undefined ? {} : entityToRecord(preImage, table)), ...entityToRecord(target, table) };
}
