import { distanceKm, nearest } from "@fsi/core/geo";
import { filterNodeTypes, offlineSafeNodeTypes } from "../../testing/offlineFilter";
import { InMemoryWebApi } from "../../testing/inMemoryWebApi";
import { guidFor, inventoryRow, syntheticWarehouses, warehouseRow } from "../../testing/warehouseRows";
import { searchNearby, stockCandidates } from "../services/nearbyWarehouses";
import { firstRing, firstRingShare, rowBudget } from "../services/rings";
import { stockQuery, warehouseColumns, warehouseQuery } from "../services/warehouseQuery";

const usmf = guidFor(0xc0, 1);
const contoso = guidFor(0xc0, 2);
const chicago = { latitude: 41.8781, longitude: -87.6298 };

function optionsOf(options: string): Map<string, string> {
  return new Map(
    options
      .replace(/^\?/, "")
      .split("&")
      .map((part) => {
        const [name = "", ...rest] = part.split("=");
        return [name, decodeURIComponent(rest.join("="))] as const;
      }),
  );
}

function nonOfflineNodes(filter: string): string[] {
  return [...filterNodeTypes(filter)].filter((type) => !offlineSafeNodeTypes.has(type));
}

describe("the warehouse query", () => {
  const centres = [
    { where: "Chicago", center: chicago },
    { where: "Fiji, across the antimeridian", center: { latitude: -17.7, longitude: 179.9 } },
    { where: "west of the antimeridian", center: { latitude: 65, longitude: -179.95 } },
    { where: "near the North Pole", center: { latitude: 89.9, longitude: 10 } },
    { where: "on the equator at 0°", center: { latitude: 0.0001, longitude: 0.0001 } },
  ];

  it.each(centres)("uses only offline-safe operators ($where)", ({ center }) => {
    for (const companyId of [usmf, null]) {
      const filter = optionsOf(warehouseQuery({ center, radiusKm: 50, companyId }).options).get("$filter") ?? "";
      expect(filter).not.toBe("");
      expect(nonOfflineNodes(filter)).toEqual([]);
      expect(filter).not.toMatch(/contains|startswith|endswith|\bnot\b|\bin\b|any\(|all\(/i);
    }
  });

  it("splits the longitude range in two across the antimeridian", () => {
    const filter = optionsOf(
      warehouseQuery({ center: { latitude: -17.7, longitude: 179.9 }, radiusKm: 50, companyId: null }).options,
    ).get("$filter");
    expect(filter).toContain(" or ");
    expect(filterNodeTypes(filter ?? "")).toContain("OrExpression");
  });

  it("selects exactly the columns a row shows", () => {
    const select = optionsOf(warehouseQuery({ center: chicago, radiusKm: 25, companyId: usmf }).options).get("$select");
    expect(select?.split(",").sort()).toEqual(Object.values(warehouseColumns).sort());
  });

  it("filters on the company, active rows and the box", () => {
    const filter = optionsOf(
      warehouseQuery({ center: chicago, radiusKm: 25, companyId: `{${usmf.toUpperCase()}}` }).options,
    ).get("$filter");
    expect(filter).toContain(`_msdyn_company_value eq ${usmf}`);
    expect(filter).toContain("statecode eq 0");
    expect(filter).toContain("msdyn_primaryaddresslatitude ge");
    expect(filter).toContain("msdyn_primaryaddresslongitude le");
  });

  it("refuses a company id that is not a GUID rather than put it in a URL", () => {
    expect(() => warehouseQuery({ center: chicago, radiusKm: 25, companyId: "x' or 1 eq 1" })).toThrow("Not a GUID");
  });

  it("asks for stock of one product in the listed warehouses with eq and or only", () => {
    const ids = [guidFor(0x3a, 1), guidFor(0x3a, 2)];
    const query = stockQuery(guidFor(0xbb, 1), ids);
    const filter = optionsOf(query.options).get("$filter") ?? "";
    expect(nonOfflineNodes(filter)).toEqual([]);
    expect(filter).toBe(
      `_msdyn_product_value eq ${guidFor(0xbb, 1)} and (_msdyn_warehouse_value eq ${ids[0]} or _msdyn_warehouse_value eq ${ids[1]})`,
    );
    expect(optionsOf(query.options).get("$select")).toBe("_msdyn_warehouse_value,msdyn_qtyonhand,msdyn_qtyavailable");
  });
});

describe("searching nearby", () => {
  const near = warehouseRow({
    id: guidFor(0x3a, 1),
    name: "Loop Depot",
    latitude: 41.88,
    longitude: -87.63,
    companyId: usmf,
  });
  const closer = warehouseRow({
    id: guidFor(0x3a, 2),
    name: "Union Station Store",
    latitude: 41.8787,
    longitude: -87.6299,
    companyId: usmf,
  });
  const suburb = warehouseRow({
    id: guidFor(0x3a, 3),
    name: "Evanston Yard",
    latitude: 42.0451,
    longitude: -87.6877,
    companyId: usmf,
  });
  const otherCompany = warehouseRow({
    id: guidFor(0x3a, 4),
    name: "Contoso Loop",
    latitude: 41.879,
    longitude: -87.63,
    companyId: contoso,
  });
  const inactive = warehouseRow({
    id: guidFor(0x3a, 5),
    name: "Closed Depot",
    latitude: 41.879,
    longitude: -87.63,
    companyId: usmf,
    active: false,
  });
  const milwaukee = warehouseRow({
    id: guidFor(0x3a, 6),
    name: "Milwaukee",
    latitude: 43.0389,
    longitude: -87.9065,
    companyId: usmf,
  });
  const noCoordinates = warehouseRow({
    id: guidFor(0x3a, 7),
    name: "Somewhere",
    latitude: null,
    longitude: null,
    companyId: usmf,
  });

  it("returns the warehouses within the radius, nearest first, in two requests when the first ring holds too few", async () => {
    const webApi = new InMemoryWebApi({
      msdyn_warehouse: [near, closer, suburb, otherCompany, inactive, milwaukee, noCoordinates],
    });
    const result = await searchNearby(webApi, {
      center: chicago,
      radiusKm: 25,
      companyId: usmf,
      productId: null,
      maxResults: 50,
    });
    expect(result.warehouses.map((w) => w.name)).toEqual(["Union Station Store", "Loop Depot", "Evanston Yard"]);
    expect(result.warehouses[0]?.distanceKm).toBeCloseTo(
      distanceKm(chicago, { latitude: 41.8787, longitude: -87.6299 }),
      6,
    );
    expect(result.inRadius).toBe(3);
    expect(result.allInRadius).toBe(true);
    expect(result.truncated).toBe(false);
    expect(result.stock).toBe("notRequested");
    // Evanston (18 km) lies beyond the first ring (a quarter of 25 km): the second ring reaches it.
    expect(webApi.requests).toHaveLength(2);
    expect(optionsOf(webApi.requests[0]?.options ?? "").get("$top")).toBe(String(firstRing(25, 50).top));
  });

  it("stops after one request when the first ring, whole, already holds enough warehouses", async () => {
    const webApi = new InMemoryWebApi({ msdyn_warehouse: [near, closer, suburb, milwaukee] });
    const result = await searchNearby(webApi, {
      center: chicago,
      radiusKm: 25,
      companyId: usmf,
      productId: null,
      maxResults: 2,
    });
    expect(result.warehouses.map((w) => w.name)).toEqual(["Union Station Store", "Loop Depot"]);
    expect(webApi.requests).toHaveLength(1);
    expect(result.truncated).toBe(false);
    // Only the first ring was read: the count of the whole radius is not known.
    expect(result.allInRadius).toBe(false);
  });

  it("finds warehouses on the other side of the antimeridian", async () => {
    const fiji = { latitude: -16.5, longitude: 179.95 };
    const east = warehouseRow({
      id: guidFor(0x3a, 10),
      name: "Taveuni East",
      latitude: -16.5,
      longitude: -179.9,
      companyId: usmf,
    });
    const west = warehouseRow({
      id: guidFor(0x3a, 11),
      name: "Vanua Levu",
      latitude: -16.5,
      longitude: 179.8,
      companyId: usmf,
    });
    const far = warehouseRow({
      id: guidFor(0x3a, 12),
      name: "Greenwich",
      latitude: -16.5,
      longitude: 0,
      companyId: usmf,
    });
    const webApi = new InMemoryWebApi({ msdyn_warehouse: [east, west, far] });
    const result = await searchNearby(webApi, {
      center: fiji,
      radiusKm: 30,
      companyId: usmf,
      productId: null,
      maxResults: 50,
    });
    expect(result.warehouses.map((w) => w.name)).toEqual(["Taveuni East", "Vanua Levu"]);
    expect(webApi.requests.at(-1)?.rows).toBe(2);
  });

  it.each([1_000, 10_000, 100_000])(
    "finds the same nearest warehouses as reading every row, with at most two requests and the row budget (%i warehouses)",
    async (size) => {
      const rows = syntheticWarehouses(size, usmf);
      const webApi = new InMemoryWebApi({ msdyn_warehouse: rows });
      const search = { center: chicago, radiusKm: 25, companyId: usmf, productId: null, maxResults: 50 };
      const result = await searchNearby(webApi, search);
      const expected = nearest(
        chicago,
        rows,
        50,
        (row) => ({
          latitude: Number(row.msdyn_primaryaddresslatitude),
          longitude: Number(row.msdyn_primaryaddresslongitude),
        }),
        25,
      ).map(({ row }) => row.msdyn_warehouseid);
      expect(result.warehouses.map((w) => w.id)).toEqual(expected);
      expect(result.truncated).toBe(false);
      expect(webApi.requests.length).toBeLessThanOrEqual(2);
      expect(webApi.requests.reduce((sum, request) => sum + request.rows, 0)).toBeLessThanOrEqual(rowBudget(50));
      for (const request of webApi.requests) {
        expect(nonOfflineNodes(optionsOf(request.options).get("$filter") ?? "")).toEqual([]);
      }
    },
  );

  it("shrinks the second ring when the first held more than its $top", async () => {
    // 400 warehouses within 1 km of the centre: the first ring (a quarter of 40 km) is over its $top.
    const dense = Array.from({ length: 400 }, (_, n) =>
      warehouseRow({
        id: guidFor(0x3d, n),
        name: `Depot ${n}`,
        latitude: 41.8781 + ((n % 20) - 10) * 0.0008,
        longitude: -87.6298 + (Math.floor(n / 20) - 10) * 0.001,
        companyId: usmf,
      }),
    );
    const webApi = new InMemoryWebApi({ msdyn_warehouse: dense });
    const result = await searchNearby(webApi, {
      center: chicago,
      radiusKm: 40,
      companyId: usmf,
      productId: null,
      maxResults: 20,
    });
    const [first, second] = webApi.requests;
    expect(first?.rows).toBe(firstRing(40, 20).top);
    const box = (request: typeof first) =>
      Number(/msdyn_primaryaddresslatitude le ([\d.]+)/.exec(request?.options ?? "")?.[1]);
    expect(box(second)).toBeLessThan(box(first));
    expect(firstRingShare).toBeLessThan(1);
    expect(result.warehouses).toHaveLength(20);
    expect(webApi.requests.reduce((sum, request) => sum + request.rows, 0)).toBeLessThanOrEqual(rowBudget(20));
  });

  it("adds the stock of a product with exactly one more request", async () => {
    const product = guidFor(0xbb, 1);
    const webApi = new InMemoryWebApi({
      msdyn_warehouse: [near, closer, suburb],
      msdyn_productinventory: [
        inventoryRow(guidFor(0x3a, 1), product, 12, 8, 1),
        inventoryRow(guidFor(0x3a, 3), product, 3, 0, 2),
        inventoryRow(guidFor(0x3a, 3), guidFor(0xbb, 2), 99, 99, 3),
      ],
    });
    const result = await searchNearby(webApi, {
      center: chicago,
      radiusKm: 25,
      companyId: usmf,
      productId: product,
      maxResults: 50,
    });
    expect(result.stock).toBe("loaded");
    expect(result.warehouses.map((w) => [w.name, w.stock])).toEqual([
      ["Union Station Store", { onHand: 0, available: 0 }],
      ["Loop Depot", { onHand: 12, available: 8 }],
      ["Evanston Yard", { onHand: 3, available: 0 }],
    ]);
    expect(webApi.requests.filter((r) => r.table === "msdyn_productinventory")).toHaveLength(1);
    expect(webApi.requests.at(-1)?.table).toBe("msdyn_productinventory");
  });

  it("asks stock for at most the nearest hundred, so the one stock request stays short", async () => {
    const webApi = new InMemoryWebApi({
      msdyn_warehouse: syntheticWarehouses(20_000, usmf),
      msdyn_productinventory: [],
    });
    await searchNearby(webApi, {
      center: chicago,
      radiusKm: 300,
      companyId: usmf,
      productId: guidFor(0xbb, 1),
      maxResults: 10,
    });
    const stockRequest = webApi.requestsFor("msdyn_productinventory")[0];
    expect(webApi.requestsFor("msdyn_productinventory")).toHaveLength(1);
    expect(stockRequest?.options.match(/_msdyn_warehouse_value eq/g)).toHaveLength(stockCandidates);
  });

  it("keeps the list when the stock request fails", async () => {
    const webApi = new InMemoryWebApi({ msdyn_warehouse: [near, closer] });
    webApi.failRequestsFor("msdyn_productinventory", new Error("msdyn_productinventory is not available offline"));
    const result = await searchNearby(webApi, {
      center: chicago,
      radiusKm: 25,
      companyId: usmf,
      productId: guidFor(0xbb, 1),
      maxResults: 50,
    });
    expect(result.stock).toBe("unavailable");
    expect(result.warehouses.map((w) => w.stock)).toEqual([null, null]);
  });

  it("says when the area held more warehouses than two requests could rank", async () => {
    const crowded = Array.from({ length: 2_000 }, (_, n) =>
      warehouseRow({ id: guidFor(0x3b, n), name: `Depot ${n}`, latitude: 41.88, longitude: -87.63, companyId: usmf }),
    );
    const webApi = new InMemoryWebApi({ msdyn_warehouse: crowded });
    const result = await searchNearby(webApi, {
      center: chicago,
      radiusKm: 5,
      companyId: usmf,
      productId: null,
      maxResults: 5,
    });
    expect(result.truncated).toBe(true);
    expect(webApi.requests).toHaveLength(2);
    expect(webApi.requests.reduce((sum, request) => sum + request.rows, 0)).toBe(rowBudget(5));
  });
});
