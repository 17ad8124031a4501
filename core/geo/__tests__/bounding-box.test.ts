import fc from "fast-check";
import {
  EARTH_MEAN_RADIUS_KM,
  GeoError,
  boundingBox,
  boundingBoxFilter,
  boxContains,
  distanceKm,
  type GeoPoint,
} from "..";
import { compileOfflineFilter } from "./odata-filter-evaluator";
import { thrown } from "@fsi/test/support/thrown";

const toRadians = (d: number) => (d * Math.PI) / 180;
const toDegrees = (r: number) => (r * 180) / Math.PI;

/** The point `km` away from `from` on the initial bearing `bearing` (degrees), on the same sphere. */
function destination(from: GeoPoint, km: number, bearing: number): GeoPoint {
  const d = km / EARTH_MEAN_RADIUS_KM;
  const lat1 = toRadians(from.latitude);
  const theta = toRadians(bearing);
  const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(theta));
  const lon2 =
    toRadians(from.longitude) +
    Math.atan2(Math.sin(theta) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2));
  const longitude = ((toDegrees(lon2) + 540) % 360) - 180;
  return { latitude: Math.max(-90, Math.min(90, toDegrees(lat2))), longitude };
}

/**
 * Doubles spread evenly over [min, max], plus the ends. (fc.double favours extreme and tiny values,
 * which would leave mid-latitudes and mid-range radii almost untested.)
 */
const uniform = (min: number, max: number) =>
  fc.oneof(
    {
      weight: 9,
      arbitrary: fc.integer({ min: 0, max: 1_000_000_000 }).map((i) => min + ((max - min) * i) / 1_000_000_000),
    },
    { weight: 1, arbitrary: fc.constantFrom(min, max) },
  );

const anyLatitude = uniform(-90, 90);
const anyLongitude = uniform(-180, 180);
const nearPole = fc.oneof(uniform(80, 90), uniform(-90, -80));
const nearAntimeridian = fc.oneof(uniform(170, 180), uniform(-180, -170));

const centers = fc.oneof(
  fc.record({ latitude: anyLatitude, longitude: anyLongitude }),
  fc.record({ latitude: nearPole, longitude: anyLongitude }),
  fc.record({ latitude: anyLatitude, longitude: nearAntimeridian }),
  fc.record({ latitude: nearPole, longitude: nearAntimeridian }),
);
const radii = fc.oneof(uniform(0, 50), uniform(0, 3000));
const fractions = fc.oneof({ weight: 3, arbitrary: uniform(0.9, 1) }, { weight: 1, arbitrary: uniform(0, 1) });
const bearings = uniform(0, 360);

describe("boundingBox", () => {
  it("contains every point within the radius (poles and antimeridian included)", () => {
    fc.assert(
      fc.property(centers, radii, fractions, bearings, (center, radius, fraction, bearing) => {
        const point = destination(center, radius * fraction, bearing);
        fc.pre(distanceKm(center, point) <= radius);
        const box = boundingBox(center, radius);
        expect(boxContains(box, point)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it("contains every uniformly drawn point that happens to be within the radius", () => {
    fc.assert(
      fc.property(
        centers,
        uniform(0, 8000),
        fc.record({ latitude: anyLatitude, longitude: anyLongitude }),
        (center, radius, point) => {
          fc.pre(distanceKm(center, point) <= radius);
          expect(boxContains(boundingBox(center, radius), point)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("is tight: a 1° radius at the equator spans about ±1° both ways", () => {
    const oneDegreeKm = toRadians(1) * EARTH_MEAN_RADIUS_KM;
    const box = boundingBox({ latitude: 0, longitude: 10 }, oneDegreeKm);
    expect(box.south).toBeCloseTo(-1, 5);
    expect(box.north).toBeCloseTo(1, 5);
    expect(box.west).toBeCloseTo(9, 5);
    expect(box.east).toBeCloseTo(11, 5);
  });

  it("widens the longitude range by 1/cos(latitude) away from the equator", () => {
    const box = boundingBox({ latitude: 60, longitude: 0 }, 100);
    const expected = (box.north - box.south) / Math.cos(toRadians(60));
    expect(Math.abs(box.east - box.west - expected) / expected).toBeLessThan(0.01);
  });

  it("wraps across the antimeridian with west > east", () => {
    const box = boundingBox({ latitude: -17.7, longitude: 179.9 }, 50);
    expect(box.west).toBeGreaterThan(box.east);
    expect(box.west).toBeGreaterThan(179);
    expect(box.east).toBeLessThan(-179);
    expect(boxContains(box, { latitude: -17.7, longitude: -179.95 })).toBe(true);
    expect(boxContains(box, { latitude: -17.7, longitude: 0 })).toBe(false);
  });

  it("spans every longitude when a pole is inside the circle", () => {
    const arctic = boundingBox({ latitude: 89.5, longitude: 40 }, 100);
    expect(arctic).toMatchObject({ north: 90, west: -180, east: 180 });
    expect(arctic.south).toBeCloseTo(88.6, 1);
    expect(boundingBox({ latitude: -89.9, longitude: -120 }, 20)).toMatchObject({ south: -90, west: -180, east: 180 });
  });

  it("refuses invalid centers and radii with a GeoError", () => {
    expect(() => boundingBox({ latitude: Number.NaN, longitude: 0 }, 10)).toThrow(GeoError);
    expect(thrown(() => boundingBox({ latitude: 95, longitude: 0 }, 10))).toMatchObject({ code: "INVALID_POSITION" });
    expect(thrown(() => boundingBox({ latitude: 0, longitude: 0 }, -1))).toMatchObject({ code: "INVALID_RADIUS" });
    expect(thrown(() => boundingBox({ latitude: 0, longitude: 0 }, Number.NaN))).toMatchObject({
      code: "INVALID_RADIUS",
    });
  });
});

describe("boundingBoxFilter", () => {
  it("writes one longitude range for an ordinary box", () => {
    expect(boundingBoxFilter({ south: 47.25, north: 48.5, west: -1.125, east: 2 }, "lat", "lon")).toBe(
      "(lat ge 47.25 and lat le 48.5) and (lon ge -1.125 and lon le 2)",
    );
  });

  it("splits a box crossing the antimeridian into two ranges joined by or", () => {
    expect(boundingBoxFilter({ south: 1, north: 2, west: 170, east: -170 }, "lat", "lon")).toBe(
      "(lat ge 1 and lat le 2) and ((lon ge 170 and lon le 180) or (lon ge -180 and lon le -170))",
    );
  });

  it("rounds outward to six decimals and never writes exponents", () => {
    const filter = boundingBoxFilter({ south: 1e-9, north: 0.1234561, west: -0.0000004, east: 3.0000001 }, "a", "b");
    expect(filter).toBe("(a ge 0 and a le 0.123457) and (b ge -0.000001 and b le 3.000001)");
    expect(filter).not.toMatch(/e[-+]?\d/);
  });

  it("selects every row within the radius when evaluated as OData (parsed with @odata/parser)", () => {
    fc.assert(
      fc.property(centers, radii, fractions, bearings, (center, radius, fraction, bearing) => {
        const point = destination(center, radius * fraction, bearing);
        fc.pre(distanceKm(center, point) <= radius);
        const matches = compileOfflineFilter(
          boundingBoxFilter(boundingBox(center, radius), "msdyn_latitude", "msdyn_longitude"),
        );
        expect(matches({ msdyn_latitude: point.latitude, msdyn_longitude: point.longitude })).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("refuses column names that are not identifiers, and invalid boxes", () => {
    const box = { south: 0, north: 1, west: 0, east: 1 };
    expect(thrown(() => boundingBoxFilter(box, "lat) or (1 eq 1", "lon"))).toMatchObject({ code: "INVALID_COLUMN" });
    expect(thrown(() => boundingBoxFilter({ ...box, south: 2 }, "lat", "lon"))).toMatchObject({
      code: "INVALID_BOUNDING_BOX",
    });
    expect(() => boundingBoxFilter({ ...box, east: 181 }, "lat", "lon")).toThrow(GeoError);
    expect(() => boundingBoxFilter({ ...box, north: Number.NaN }, "lat", "lon")).toThrow(GeoError);
  });
});
