/**
 * Unit of measure conversion: SCM keeps every inventory quantity in the item's inventory unit and
 * sells in its sales unit, so a Field Service quantity in another unit (a box of 12) is converted
 * before it leaves. Field Service units convert within a unit group: each unit holds `quantity`
 * base units, so `q [from] = q × from.quantity / to.quantity [to]`. The SCM unit is found in Field
 * Service by name (a Field Service unit is named after SCM's unit symbol).
 */
import type { References, UnitInfo } from "./references";

export class UnitConversionError extends Error {
  override readonly name = "UnitConversionError";
  readonly code = "UNIT_CONVERSION";
}

const round6 = (value: number): number => Math.round(value * 1e6) / 1e6;

/** Converts `quantity` in the Field Service unit `fromUnitId` to the unit named `targetSymbol`. */
export async function convertToUnit(
  quantity: number,
  fromUnitId: string,
  targetSymbol: string,
  references: References,
  what: string,
): Promise<number> {
  const from: UnitInfo | undefined = await references.unitById(fromUnitId);
  if (from === undefined)
    throw new UnitConversionError(`${what}: its unit (${fromUnitId}) does not exist in Field Service.`);
  if (from.name.toLowerCase() === targetSymbol.toLowerCase()) return quantity;
  const to = await references.unitByName(targetSymbol);
  if (to === undefined) {
    throw new UnitConversionError(
      `${what}: Field Service has no unit named '${targetSymbol}' (SCM's unit for the item), so '${from.name}' cannot be converted; add it to the unit group.`,
    );
  }
  if (from.baseId !== to.baseId) {
    throw new UnitConversionError(
      `${what}: '${from.name}' and '${to.name}' are in different unit groups, so the quantity cannot be converted to '${to.name}'.`,
    );
  }
  return round6((quantity * from.quantity) / to.quantity);
}

/** Minutes per unit of time SCM sells services in. */
const minutesPer: Readonly<Record<string, number>> = {
  min: 1,
  mins: 1,
  minute: 1,
  minutes: 1,
  h: 60,
  hr: 60,
  hrs: 60,
  hour: 60,
  hours: 60,
};

/** A work order service's duration (Field Service keeps minutes) in the service's sales unit. */
export function minutesToUnit(minutes: number, targetSymbol: string, what: string): number {
  const factor = minutesPer[targetSymbol.toLowerCase()];
  if (factor === undefined) {
    throw new UnitConversionError(
      `${what}: the service sells in '${targetSymbol}', which is not a unit of time (h or min), so its duration cannot be converted.`,
    );
  }
  return round6(minutes / factor);
}
