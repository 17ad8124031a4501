import { GeoError, distanceKm, nearest, type GeoPoint } from "..";
import { thrown } from "@fsi/test/support/thrown";

interface Warehouse {
  readonly id: string;
  readonly latitude: number | null;
  readonly longitude: number | null;
}

const pointOf = (w: Warehouse): GeoPoint | undefined =>
  w.latitude === null || w.longitude === null ? undefined : { latitude: w.latitude, longitude: w.longitude };

const seattle: GeoPoint = { latitude: 47.6062, longitude: -122.3321 };
const warehouses: Warehouse[] = [
  { id: "portland", latitude: 45.5152, longitude: -122.6784 },
  { id: "no-coordinates", latitude: null, longitude: null },
  { id: "tacoma", latitude: 47.2529, longitude: -122.4443 },
  { id: "spokane", latitude: 47.6588, longitude: -117.426 },
  { id: "bad-data", latitude: 123, longitude: 0 },
  { id: "everett", latitude: 47.979, longitude: -122.2021 },
];

describe("nearest", () => {
  it("orders rows nearest first with their distances", () => {
    const result = nearest(seattle, warehouses, 10, pointOf);
    expect(result.map((r) => r.row.id)).toEqual(["tacoma", "everett", "portland", "spokane"]);
    for (const { row, distanceKm: d } of result) expect(d).toBeCloseTo(distanceKm(seattle, pointOf(row)!), 9);
  });

  it("returns at most k rows, and none for k = 0", () => {
    expect(nearest(seattle, warehouses, 2, pointOf).map((r) => r.row.id)).toEqual(["tacoma", "everett"]);
    expect(nearest(seattle, warehouses, 0, pointOf)).toEqual([]);
  });

  it("leaves out rows farther than maxKm", () => {
    expect(nearest(seattle, warehouses, 10, pointOf, 100).map((r) => r.row.id)).toEqual(["tacoma", "everett"]);
    expect(nearest(seattle, warehouses, 10, pointOf, 0)).toEqual([]);
  });

  it("keeps input order for rows at the same distance", () => {
    const ring: Warehouse[] = [
      { id: "east", latitude: 0, longitude: 1 },
      { id: "north", latitude: 1, longitude: 0 },
      { id: "west", latitude: 0, longitude: -1 },
      { id: "centre", latitude: 0, longitude: 0 },
    ];
    expect(nearest({ latitude: 0, longitude: 0 }, ring, 4, pointOf).map((r) => r.row.id)).toEqual([
      "centre",
      "east",
      "north",
      "west",
    ]);
    expect(nearest({ latitude: 0, longitude: 0 }, [...ring].reverse(), 4, pointOf).map((r) => r.row.id)).toEqual([
      "centre",
      "west",
      "north",
      "east",
    ]);
  });

  it("measures across the antimeridian", () => {
    const fiji: Warehouse[] = [
      { id: "far-west", latitude: -17, longitude: 170 },
      { id: "just-across", latitude: -17, longitude: -179.9 },
    ];
    expect(nearest({ latitude: -17, longitude: 179.9 }, fiji, 1, pointOf)[0]?.row.id).toBe("just-across");
  });

  it("refuses an invalid position, k or maxKm with a GeoError", () => {
    expect(() => nearest({ latitude: Number.NaN, longitude: 0 }, warehouses, 1, pointOf)).toThrow(GeoError);
    expect(thrown(() => nearest({ latitude: -90.5, longitude: 0 }, warehouses, 1, pointOf))).toMatchObject({
      code: "INVALID_POSITION",
    });
    expect(thrown(() => nearest(seattle, warehouses, -1, pointOf))).toMatchObject({ code: "INVALID_COUNT" });
    expect(thrown(() => nearest(seattle, warehouses, 1.5, pointOf))).toMatchObject({ code: "INVALID_COUNT" });
    expect(thrown(() => nearest(seattle, warehouses, 1, pointOf, Number.NaN))).toMatchObject({
      code: "INVALID_RADIUS",
    });
  });
});
