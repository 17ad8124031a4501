import type { GeoPoint } from "@fsi/core/geo";

/**
 * A route from the position used to the warehouse, as a Google Maps URL ("Maps URLs", documented to
 * open the maps app on phones and the web elsewhere; no API key). Coordinates rather than the
 * address, so the link works for warehouses whose address is not geocodable text.
 */
export function directionsUrl(from: GeoPoint | null, to: GeoPoint): string {
  const point = (p: GeoPoint) => `${p.latitude.toFixed(6)},${p.longitude.toFixed(6)}`;
  const origin = from ? `&origin=${point(from)}` : "";
  return `https://www.google.com/maps/dir/?api=1${origin}&destination=${point(to)}`;
}
