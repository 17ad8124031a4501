import { EARTH_MEAN_RADIUS_KM, GeoError, distanceKm, type GeoPoint } from "..";
import { thrown } from "@fsi/test/support/thrown";

const paris: GeoPoint = { latitude: 48.8566, longitude: 2.3522 };
const london: GeoPoint = { latitude: 51.5074, longitude: -0.1278 };
const newYork: GeoPoint = { latitude: 40.7128, longitude: -74.006 };
const sydney: GeoPoint = { latitude: -33.8688, longitude: 151.2093 };
const losAngeles: GeoPoint = { latitude: 34.0522, longitude: -118.2437 };

/** Within `tolerance` (a fraction) of a published great-circle distance. */
function expectAbout(actual: number, published: number, tolerance = 0.005) {
  expect(Math.abs(actual - published) / published).toBeLessThan(tolerance);
}

describe("distanceKm", () => {
  it("matches published great-circle distances between cities", () => {
    expectAbout(distanceKm(paris, london), 344);
    expectAbout(distanceKm(london, newYork), 5570);
    expectAbout(distanceKm(sydney, losAngeles), 12051);
  });

  it("is symmetric and zero for the same point", () => {
    expect(distanceKm(paris, london)).toBeCloseTo(distanceKm(london, paris), 9);
    expect(distanceKm(paris, paris)).toBe(0);
  });

  it("measures one degree of the equator across the antimeridian as about 111.2 km", () => {
    const oneDegree = (Math.PI / 180) * EARTH_MEAN_RADIUS_KM;
    expect(distanceKm({ latitude: 0, longitude: 179.5 }, { latitude: 0, longitude: -179.5 })).toBeCloseTo(oneDegree, 6);
    expect(oneDegree).toBeCloseTo(111.195, 3);
  });

  it("gives half the circumference for antipodal points, not NaN", () => {
    // Haversine loses precision near antipodes (asin near 1): a few decimetres here, which is fine.
    expect(distanceKm({ latitude: 90, longitude: 0 }, { latitude: -90, longitude: 0 })).toBeCloseTo(
      Math.PI * EARTH_MEAN_RADIUS_KM,
      3,
    );
    expect(distanceKm({ latitude: 10, longitude: 20 }, { latitude: -10, longitude: -160 })).toBeCloseTo(
      Math.PI * EARTH_MEAN_RADIUS_KM,
      3,
    );
  });

  it.each([
    { latitude: Number.NaN, longitude: 0 },
    { latitude: 0, longitude: Number.NaN },
    { latitude: 90.0001, longitude: 0 },
    { latitude: -91, longitude: 0 },
    { latitude: 0, longitude: 180.5 },
    { latitude: Infinity, longitude: 0 },
  ])("refuses the invalid position %p with a GeoError", (point) => {
    expect(() => distanceKm(point, paris)).toThrow(GeoError);
    expect(thrown(() => distanceKm(paris, point))).toMatchObject({ code: "INVALID_POSITION" });
  });
});
