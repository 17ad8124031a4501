import { InMemoryWebApi } from "../../testing/inMemoryWebApi";
import { filterNodeTypes, offlineSafeNodeTypes } from "../../testing/offlineFilter";
import { onHandEstate, onHandIds, onHandRow } from "../../testing/onHandRows";
import { lastSyncQuery, topItemsQuery } from "../services/onHandQuery";
import { syncAge } from "../services/syncAge";
import { createWarehouseOnHandService, readOnHand } from "../services/warehouseOnHand";

function optionsOf(options: string): Map<string, string> {
  return new Map(
    options
      .replace(/^\?/, "")
      .split("&")
      .map((part) => {
        const equals = part.indexOf("=");
        return [part.slice(0, equals), decodeURIComponent(part.slice(equals + 1))] as const;
      }),
  );
}

describe("the on-hand queries", () => {
  it("asks for the warehouse's active rows, most on hand first, one more than shown, and only the columns shown", () => {
    const query = topItemsQuery(`{${onHandIds.warehouse.toUpperCase()}}`, 10);
    expect(query.entityLogicalName).toBe("msdyn_productinventory");
    const options = optionsOf(query.options);
    expect(options.get("$select")?.split(",")).toEqual([
      "msdyn_productinventoryid",
      "_msdyn_product_value",
      "_msdyn_unit_value",
      "msdyn_qtyonhand",
      "msdyn_qtyavailable",
      "msdyn_qtyonorder",
    ]);
    expect(options.get("$filter")).toBe(`_msdyn_warehouse_value eq ${onHandIds.warehouse} and statecode eq 0`);
    expect(options.get("$orderby")).toBe("msdyn_qtyonhand desc,msdyn_productinventoryid");
    expect(options.get("$top")).toBe("11");
    expect(options.has("$expand")).toBe(false);
  });

  it("asks for the newest sync time of the warehouse's rows in one row", () => {
    const options = optionsOf(lastSyncQuery(onHandIds.warehouse).options);
    expect(options.get("$select")).toBe("msdyn_productinventoryid,fsi_scmlastsyncedon");
    expect(options.get("$filter")).toBe(
      `_msdyn_warehouse_value eq ${onHandIds.warehouse} and statecode eq 0 and fsi_scmlastsyncedon ne null`,
    );
    expect(options.get("$orderby")).toBe("fsi_scmlastsyncedon desc");
    expect(options.get("$top")).toBe("1");
  });

  it("filters with operators the mobile app evaluates offline only", () => {
    for (const query of [topItemsQuery(onHandIds.warehouse, 5), lastSyncQuery(onHandIds.warehouse)]) {
      const types = filterNodeTypes(optionsOf(query.options).get("$filter") ?? "");
      expect([...types].filter((type) => !offlineSafeNodeTypes.has(type))).toEqual([]);
    }
  });

  it("refuses a warehouse id that is not a GUID, so nothing unchecked reaches the URL", () => {
    expect(() => topItemsQuery("1 or true", 10)).toThrow("Not a GUID");
  });
});

describe("reading a warehouse's stock", () => {
  it("lists the top items by quantity on hand with names, units and quantities, in two requests", async () => {
    const webApi = new InMemoryWebApi({ msdyn_productinventory: onHandEstate() });
    const result = await createWarehouseOnHandService(webApi).onHand(onHandIds.warehouse, 4);
    expect(
      result.items.map(({ product, unit, onHand, available, onOrder }) => [product, unit, onHand, available, onOrder]),
    ).toEqual([
      ["Copper pipe 15 mm", "Meter", 312.5, 300.25, 50],
      ["Filter cartridge 10 in", "Box", 140, 120, 0],
      ["Gasket set", "Each", 88, 88, 0],
      ["Drain hose", "Meter", 75, 60, 0],
    ]);
    expect(new Set(result.items.map((item) => item.id)).size).toBe(4);
    expect(result.more).toBe(true);
    expect(webApi.requests).toHaveLength(2);
  });

  it("takes the last sync from the newest synced row of the warehouse, even one outside the top items", async () => {
    const webApi = new InMemoryWebApi({ msdyn_productinventory: onHandEstate() });
    const result = await readOnHand(webApi, onHandIds.warehouse, 3);
    expect(result.items.map((item) => item.product)).not.toContain("Circulation pump 40 W");
    // Not the other warehouse's later sync, nor a row SCM never synced.
    expect(result.lastSyncedOn?.toISOString()).toBe("2025-03-10T11:45:00.000Z");
  });

  it("leaves out inactive rows and other warehouses' rows, and says when there are no more", async () => {
    const webApi = new InMemoryWebApi({ msdyn_productinventory: onHandEstate() });
    const result = await readOnHand(webApi, onHandIds.warehouse, 50);
    expect(result.items).toHaveLength(12);
    expect(result.items.map((item) => item.product)).not.toContain("Retired boiler part");
    expect(result.items.map((item) => item.product)).not.toContain("Other warehouse's pump");
    expect(result.more).toBe(false);
  });

  it("orders equal quantities by product name, and keeps rows without a name or unit", async () => {
    const webApi = new InMemoryWebApi({
      msdyn_productinventory: [
        onHandRow({ n: 1, product: "Zinc anode", onHand: 4 }),
        onHandRow({ n: 2, product: "Anode rod", onHand: 4 }),
        onHandRow({ n: 3, product: null, unit: null, onHand: 1, syncedOn: null }),
      ],
    });
    const result = await readOnHand(webApi, onHandIds.warehouse, 10);
    expect(result.items.map((item) => [item.product, item.unit])).toEqual([
      ["Anode rod", "Each"],
      ["Zinc anode", "Each"],
      [null, null],
    ]);
  });

  it("has no last sync when SCM never synced the warehouse's rows, and nothing for an empty warehouse", async () => {
    const webApi = new InMemoryWebApi({
      msdyn_productinventory: [onHandRow({ n: 1, product: "Entered in Field Service", onHand: 3, syncedOn: null })],
    });
    expect((await readOnHand(webApi, onHandIds.warehouse, 10)).lastSyncedOn).toBeNull();
    expect(await readOnHand(webApi, onHandIds.otherWarehouse, 10)).toEqual({
      items: [],
      more: false,
      lastSyncedOn: null,
    });
  });

  it("fails when the inventory cannot be read (say, it is not in the offline profile)", async () => {
    const webApi = new InMemoryWebApi({ msdyn_productinventory: onHandEstate() });
    webApi.failRequestsFor("msdyn_productinventory", new Error("Not in the offline profile"));
    await expect(readOnHand(webApi, onHandIds.warehouse, 10)).rejects.toThrow("Not in the offline profile");
  });
});

describe("how long ago SCM synced", () => {
  const synced = new Date("2025-03-10T12:00:00Z");
  const after = (ms: number) => synced.getTime() + ms;
  const minute = 60_000;

  it.each([
    [-5 * minute, { kind: "justNow" }],
    [59_999, { kind: "justNow" }],
    [minute, { kind: "minutes", count: 1 }],
    [59 * minute + 59_999, { kind: "minutes", count: 59 }],
    [60 * minute, { kind: "hours", count: 1 }],
    [23 * 60 * minute + 59 * minute, { kind: "hours", count: 23 }],
    [24 * 60 * minute, { kind: "days", count: 1 }],
    [29 * 24 * 60 * minute, { kind: "days", count: 29 }],
    [30 * 24 * 60 * minute, { kind: "date" }],
  ])("%d ms later reads as %o", (elapsed, expected) => {
    expect(syncAge(synced, after(elapsed))).toEqual(expected);
  });
});
