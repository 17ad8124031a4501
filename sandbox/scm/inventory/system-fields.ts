/**
 * Fields SCM sets itself, never the client:
 * - computed fields: an on-hand row's `AvailablePhysical` is `PhysicalInventory − ReservedPhysical`
 *   (F&O computes available physical from the on-hand transactions); a formatted address is built
 *   from its parts (`../address-format.ts`);
 * - `SysRowVersion`: one increasing sequence, stamped on every committed create and update of an
 *   entity that has the field (row version change tracking), so a batch reader asks for
 *   `SysRowVersion gt <last>` and gets exactly the rows changed since.
 * A value a client sends for either is replaced.
 */
import { type ScmEntityDefinition, SCM_ROW_VERSION_FIELD, inventoryOnHand } from "@fsi/core";
import { type ScmDatabase, nextSequenceValue } from "../store/database";
import type { StoredRow } from "../store/fields";
import { deriveFormattedAddress } from "../address-format";

const ROW_VERSION_SEQUENCE = "SysRowVersion";

/** Quantities are kept to 6 decimals, so a computed difference has no floating-point tail. */
export const roundQuantity = (value: number): number => Math.round(value * 1e6) / 1e6;

/** Sets the computed fields and restores the stored row version before a row is checked. */
export function deriveFields(entity: ScmEntityDefinition, row: StoredRow, existing: StoredRow | undefined): void {
  if (entity.collection === inventoryOnHand.collection) {
    row.AvailablePhysical = roundQuantity(Number(row.PhysicalInventory ?? 0) - Number(row.ReservedPhysical ?? 0));
  }
  deriveFormattedAddress(entity.fields, row);
  if (SCM_ROW_VERSION_FIELD in entity.fields) row[SCM_ROW_VERSION_FIELD] = existing?.[SCM_ROW_VERSION_FIELD] ?? 0;
}

export function hasRowVersion(entity: ScmEntityDefinition): boolean {
  return SCM_ROW_VERSION_FIELD in entity.fields;
}

/**
 * Stamps the next row version on a row that is created or changed; returns the changed fields
 * with the version added. The sequence value is committed at once, so a write that is later
 * refused leaves a gap, never a repeat.
 */
export function stampRowVersion(
  db: ScmDatabase,
  entity: ScmEntityDefinition,
  row: StoredRow,
  changedFields: readonly string[],
  creating: boolean,
): string[] {
  if (!hasRowVersion(entity) || (!creating && changedFields.length === 0)) return [...changedFields];
  row[SCM_ROW_VERSION_FIELD] = nextSequenceValue(db, ROW_VERSION_SEQUENCE);
  return [...changedFields, SCM_ROW_VERSION_FIELD];
}
