import { GeoError } from "./geo-error";

export interface GeoPoint {
  latitude: number;
  longitude: number;
}

/** Mean Earth radius (IUGG R1), the usual choice for the spherical model. */
export const EARTH_MEAN_RADIUS_KM = 6371.0088;

const radians = (degrees: number) => (degrees * Math.PI) / 180;

export function isValidPoint(point: GeoPoint): boolean {
  const { latitude, longitude } = point;
  return (
    Number.isFinite(latitude) && Number.isFinite(longitude) && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180
  );
}

/** Throws a `GeoError` unless the point has a finite latitude in [-90, 90] and longitude in [-180, 180]. */
export function assertValidPoint(point: GeoPoint, what = "position"): void {
  if (!isValidPoint(point)) {
    throw new GeoError(
      "INVALID_POSITION",
      `The ${what} (${point.latitude}, ${point.longitude}) is not a valid position: latitude must be within -90..90 and longitude within -180..180.`,
    );
  }
}

/**
 * Great-circle distance on the mean-radius sphere (haversine). The spherical model errs by at most
 * about 0.5% against the ellipsoid, which is far below what "nearby warehouses" needs.
 */
export function distanceKm(a: GeoPoint, b: GeoPoint): number {
  assertValidPoint(a, "first point");
  assertValidPoint(b, "second point");
  return haversineKm(a, b);
}

/** Haversine without input checks, for callers that validated their points already. */
export function haversineKm(a: GeoPoint, b: GeoPoint): number {
  const dLat = radians(b.latitude - a.latitude);
  const dLon = radians(b.longitude - a.longitude);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(radians(a.latitude)) * Math.cos(radians(b.latitude)) * Math.sin(dLon / 2) ** 2;
  // Rounding can push h a hair above 1 for antipodal points; asin would then return NaN.
  return 2 * EARTH_MEAN_RADIUS_KM * Math.asin(Math.sqrt(Math.min(1, h)));
}
