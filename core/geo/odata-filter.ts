import type { BoundingBox } from "./bounding-box";
import { GeoError } from "./geo-error";

/** Column names go into the filter text verbatim, so only plain identifiers are accepted. */
const columnName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Six decimals (about 0.1 m) in plain notation: the mobile offline store evaluates `$filter` itself
 * and its support for exponent literals (`1e-7`) is not documented, so none are emitted.
 */
const DECIMALS = 6;

/** Rounds outward so the rounded box still contains the original one. */
const down = (value: number) => trimZeros((Math.floor(value * 10 ** DECIMALS) / 10 ** DECIMALS).toFixed(DECIMALS));
const up = (value: number) => trimZeros((Math.ceil(value * 10 ** DECIMALS) / 10 ** DECIMALS).toFixed(DECIMALS));

function trimZeros(text: string): string {
  const trimmed = text.replace(/\.?0+$/, "");
  return trimmed === "-0" ? "0" : trimmed;
}

/**
 * An OData `$filter` selecting the rows inside the box, written with `ge`, `le`, `and` and `or`
 * only: offline, the mobile app's `context.webAPI` evaluates eq/ne/gt/ge/lt/le with and/or but not
 * functions such as `contains()` (docs/design.md §4). Rows without coordinates fail the comparisons and
 * are left out.
 *
 * A box that crosses the antimeridian becomes two longitude ranges joined by `or`.
 */
export function boundingBoxFilter(box: BoundingBox, latitudeColumn: string, longitudeColumn: string): string {
  for (const column of [latitudeColumn, longitudeColumn]) {
    if (!columnName.test(column)) {
      throw new GeoError("INVALID_COLUMN", `"${column}" is not a column name usable in a filter.`);
    }
  }
  assertValidBox(box);
  const lat = latitudeColumn;
  const lon = longitudeColumn;
  const latitudeRange = `(${lat} ge ${down(box.south)} and ${lat} le ${up(box.north)})`;
  const longitudeRange =
    box.west <= box.east
      ? `(${lon} ge ${down(box.west)} and ${lon} le ${up(box.east)})`
      : `((${lon} ge ${down(box.west)} and ${lon} le 180) or (${lon} ge -180 and ${lon} le ${up(box.east)}))`;
  return `${latitudeRange} and ${longitudeRange}`;
}

function assertValidBox(box: BoundingBox): void {
  const { south, north, west, east } = box;
  const finite = [south, north, west, east].every(Number.isFinite);
  if (!finite || south < -90 || north > 90 || south > north || Math.abs(west) > 180 || Math.abs(east) > 180) {
    throw new GeoError(
      "INVALID_BOUNDING_BOX",
      `The box (south ${south}, north ${north}, west ${west}, east ${east}) is not valid: latitudes must be within -90..90 with south ≤ north, longitudes within -180..180.`,
    );
  }
}
