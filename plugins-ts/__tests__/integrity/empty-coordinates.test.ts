/**
 * "No coordinates" stays null in Field Service. SCM has no null for a number (an empty Real stores
 * 0), so the warehouses map reads SCM's 0 latitude/longitude as empty (`zeroIsEmpty`): a warehouse
 * created in SCM without coordinates, or one SCM touches that has none, keeps null in Field Service
 * instead of landing at 0,0 — and the nearby list, which asks for a box around the technician,
 * leaves such rows out (a null never falls in a box, even one around 0,0).
 */
import { warehouseQuery } from "@fsi/controls/NearbyWarehouses/services/warehouseQuery";
import { dataverseRequest, dataverseRowByKey, scmRequest, settle } from "../support/environment";
import { type OutageSetup, createWarehouse, startOutageEnvironment } from "../support/outage";
import { warehouseRecordsOnBothSides } from "../support/reconcile";

let setup: OutageSetup;

beforeAll(async () => {
  setup = await startOutageEnvironment("fail-closed");
});

afterAll(async () => {
  await setup.close();
});

const coordinatesInDataverse = async (identifier: string) => {
  // SCM's data events arrive after its write returned.
  await settle(setup.env);
  const row = await dataverseRowByKey(setup.env, "msdyn_warehouses", `msdyn_warehouseidentifier eq '${identifier}'`);
  return [row?.msdyn_primaryaddresslatitude, row?.msdyn_primaryaddresslongitude];
};

describe("a warehouse without coordinates", () => {
  it("created in SCM, reaches Field Service with null coordinates, not 0,0", async () => {
    const created = await scmRequest(setup.env.scmUrl, "POST", "Warehouses", {
      dataAreaId: "usmf",
      WarehouseId: "8301",
      WarehouseName: "No place 8301",
      WarehouseType: "Transit",
      OperationalSiteId: "S1",
    });
    expect(created.status).toBe(201);
    expect((created.json as Record<string, unknown>).PrimaryAddressLatitude).toBe(0);
    expect(await coordinatesInDataverse("8301")).toEqual([null, null]);
  });

  it("created in Field Service and then changed in SCM, keeps null coordinates in Field Service", async () => {
    await createWarehouse(setup, "8302", "No place 8302");
    const renamed = await scmRequest(setup.env.scmUrl, "PATCH", "Warehouses(dataAreaId='usmf',WarehouseId='8302')", {
      WarehouseName: "Renamed in SCM 8302",
    });
    expect(renamed.status).toBe(204);
    expect(await coordinatesInDataverse("8302")).toEqual([null, null]);
    const sides = await warehouseRecordsOnBothSides(setup.env);
    expect(sides.dataverse).toEqual(sides.scm);
  });

  it("with coordinates set in SCM, gets them; cleared in Field Service, SCM holds 0 and Field Service null", async () => {
    expect(
      (
        await scmRequest(setup.env.scmUrl, "PATCH", "Warehouses(dataAreaId='usmf',WarehouseId='8301')", {
          PrimaryAddressLatitude: 41.878113,
          PrimaryAddressLongitude: -87.629799,
        })
      ).status,
    ).toBe(204);
    expect(await coordinatesInDataverse("8301")).toEqual([41.87811, -87.6298]);
    const id = String(
      (await dataverseRowByKey(setup.env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '8301'"))
        ?.msdyn_warehouseid,
    );
    const cleared = await dataverseRequest(setup.env.dataverse.url, "PATCH", `msdyn_warehouses(${id})`, {
      msdyn_primaryaddresslatitude: null,
      msdyn_primaryaddresslongitude: null,
    });
    expect(cleared.status).toBe(204);
    const inScm = await scmRequest(setup.env.scmUrl, "GET", "Warehouses(dataAreaId='usmf',WarehouseId='8301')");
    expect([
      (inScm.json as Record<string, unknown>).PrimaryAddressLatitude,
      (inScm.json as Record<string, unknown>).PrimaryAddressLongitude,
    ]).toEqual([0, 0]);
    expect(await coordinatesInDataverse("8301")).toEqual([null, null]);
    const sides = await warehouseRecordsOnBothSides(setup.env);
    expect(sides.dataverse).toEqual(sides.scm);
  });

  it("is left out of the nearby list, even for a technician at 0,0", async () => {
    const query = warehouseQuery({ center: { latitude: 0, longitude: 0 }, radiusKm: 50, companyId: null });
    const nearby = await dataverseRequest(setup.env.dataverse.url, "GET", `msdyn_warehouses${query.options}`);
    expect(nearby.status).toBe(200);
    expect((nearby.json as { value: unknown[] }).value).toEqual([]);
  });
});
