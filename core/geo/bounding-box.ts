import { EARTH_MEAN_RADIUS_KM, assertValidPoint, type GeoPoint } from "./distance";
import { GeoError } from "./geo-error";

/**
 * A latitude/longitude rectangle. `west > east` when the box crosses the antimeridian (±180);
 * `west = -180, east = 180` when a pole lies inside the circle (every longitude is then near).
 */
export interface BoundingBox {
  south: number;
  north: number;
  west: number;
  east: number;
}

const degrees = (radians: number) => (radians * 180) / Math.PI;
const radians = (degrees: number) => (degrees * Math.PI) / 180;

/**
 * Widening that absorbs floating-point error at the rim (1e-7° is about 1 cm), so a point at
 * exactly `radiusKm` is inside.
 */
const RIM_MARGIN_DEGREES = 1e-7;

/**
 * The smallest latitude/longitude box containing every point within `radiusKm` of `center`, after
 * J. P. Matuschek, "Finding Points Within a Distance of a Latitude/Longitude Using Bounding
 * Coordinates": the longitude half-width is asin(sin(d) / cos(lat)), d the angular radius.
 */
export function boundingBox(center: GeoPoint, radiusKm: number): BoundingBox {
  assertValidPoint(center, "center");
  if (!Number.isFinite(radiusKm) || radiusKm < 0) {
    throw new GeoError("INVALID_RADIUS", `The radius ${radiusKm} km is not valid: it must be a finite number ≥ 0.`);
  }
  const angular = degrees(radiusKm / EARTH_MEAN_RADIUS_KM) + RIM_MARGIN_DEGREES;
  const south = center.latitude - angular;
  const north = center.latitude + angular;
  if (south <= -90 || north >= 90) {
    // A pole is inside the circle: every meridian passes through it.
    return { south: Math.max(south, -90), north: Math.min(north, 90), west: -180, east: 180 };
  }
  // Neither pole inside means |lat| + d < 90°, so the ratio is below 1 (rounding aside).
  const ratio = Math.sin(radians(angular)) / Math.cos(radians(center.latitude));
  if (ratio >= 1) return { south, north, west: -180, east: 180 };
  const halfWidth = degrees(Math.asin(ratio)) + RIM_MARGIN_DEGREES;
  return {
    south,
    north,
    west: wrapLongitude(center.longitude - halfWidth),
    east: wrapLongitude(center.longitude + halfWidth),
  };
}

function wrapLongitude(longitude: number): number {
  if (longitude < -180) return longitude + 360;
  if (longitude > 180) return longitude - 360;
  return longitude;
}

/** True when the point lies in the box (antimeridian-aware). */
export function boxContains(box: BoundingBox, point: GeoPoint): boolean {
  if (point.latitude < box.south || point.latitude > box.north) return false;
  return box.west <= box.east
    ? point.longitude >= box.west && point.longitude <= box.east
    : point.longitude >= box.west || point.longitude <= box.east;
}
