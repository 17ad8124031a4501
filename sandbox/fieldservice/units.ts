/**
 * **Unconfirmed** (kept here only): how Field Service converts a journal's unit into the unit its
 * product inventory row keeps. Field Service's docs say journals and product inventory both carry
 * a unit, and that units convert within a unit group (each unit holds `quantity` base units), but
 * not how its journal processing applies that. The emulation converts a journal's quantity into
 * the row's unit within the unit group; a new row takes the journal's unit.
 */
import { unitOfMeasure } from "@fsi/core/dataverse/tables";
import type { PlatformService } from "../dataverse";
import { isLookupValue, type LookupValue } from "../dataverse/storage/values";

interface Unit {
  readonly id: string;
  readonly baseId: string;
  readonly quantity: number;
}

function unit(service: PlatformService, id: string): Unit | undefined {
  const row = service.retrieve(unitOfMeasure, id);
  if (row === undefined) return undefined;
  const base = row.baseuom ?? null;
  return {
    id,
    baseId: isLookupValue(base) ? base.id.toLowerCase() : id.toLowerCase(),
    quantity: typeof row.quantity === "number" && row.quantity > 0 ? row.quantity : 1,
  };
}

/** `quantity` in `from` expressed in `to`; unchanged when either is unknown or they are in different unit groups. */
export function convert(
  service: PlatformService,
  quantity: number,
  from: LookupValue | undefined,
  to: LookupValue | undefined,
): number {
  if (from === undefined || to === undefined || from.id.toLowerCase() === to.id.toLowerCase()) return quantity;
  const source = unit(service, from.id);
  const target = unit(service, to.id);
  if (source === undefined || target === undefined || source.baseId !== target.baseId) return quantity;
  return (quantity * source.quantity) / target.quantity;
}
