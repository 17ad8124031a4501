import { assertValidPoint, haversineKm, isValidPoint, type GeoPoint } from "./distance";
import { GeoError } from "./geo-error";

/**
 * The `k` rows closest to `position`, nearest first, with their great-circle distance. Rows whose
 * `pointOf` gives no usable position (undefined, NaN, out of range) are left out, as are rows
 * farther than `maxKm`. Rows at equal distance keep their input order (the sort is stable).
 */
export function nearest<T>(
  position: GeoPoint,
  rows: readonly T[],
  k: number,
  pointOf: (row: T) => GeoPoint | undefined,
  maxKm?: number,
): Array<{ row: T; distanceKm: number }> {
  assertValidPoint(position);
  if (!Number.isInteger(k) || k < 0) {
    throw new GeoError("INVALID_COUNT", `k must be a whole number ≥ 0, not ${k}.`);
  }
  if (maxKm !== undefined && (Number.isNaN(maxKm) || maxKm < 0)) {
    throw new GeoError("INVALID_RADIUS", `maxKm must be a number ≥ 0, not ${maxKm}.`);
  }
  const limit = maxKm ?? Infinity;
  const measured: Array<{ row: T; distanceKm: number }> = [];
  for (const row of rows) {
    const point = pointOf(row);
    if (point === undefined || !isValidPoint(point)) continue;
    const distance = haversineKm(position, point);
    if (distance <= limit) measured.push({ row, distanceKm: distance });
  }
  return measured.sort((a, b) => a.distanceKm - b.distanceKm).slice(0, k);
}
