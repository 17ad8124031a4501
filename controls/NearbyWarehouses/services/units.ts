/**
 * Kilometres or miles, by the user's language (`context.userSettings.languageId`, an LCID): road
 * distances are given in miles in the United States and the United Kingdom, in kilometres elsewhere.
 */
export type DistanceUnit = "km" | "mi";

export const kmPerMile = 1.609344;

/** en-US (1033) and en-GB (2057). */
const milesLanguages: ReadonlySet<number> = new Set([1033, 2057]);

export function distanceUnitFor(languageId: number): DistanceUnit {
  return milesLanguages.has(languageId) ? "mi" : "km";
}

export function fromKm(km: number, unit: DistanceUnit): number {
  return unit === "mi" ? km / kmPerMile : km;
}

/** One decimal below 10 (1.4 km matters on foot), whole numbers above. */
export function distanceDecimals(value: number): number {
  return value < 10 ? 1 : 0;
}

/**
 * The next radius to offer when nothing is found: double it, up to half the Earth's circumference
 * (beyond that every point on the globe is already inside).
 */
export const largestRadiusKm = 20016;

export function widenedRadiusKm(radiusKm: number): number {
  return Math.min(radiusKm * 2, largestRadiusKm);
}
