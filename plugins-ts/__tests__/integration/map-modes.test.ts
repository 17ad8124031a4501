/**
 * A map left to Microsoft's dual-write (`dual-write` mode): the toolkit still validates before
 * save, and its sync steps stay idle, so only one writer touches the table; `off` leaves it alone.
 */
import { type Environment, dataverseRequest, scmRequest, settle, startEnvironment } from "../support/environment";

let env: Environment;
let siteId: string;
const TRANSIT = 192350002;

beforeAll(async () => {
  env = await startEnvironment({ mapModes: { warehouses: "dual-write", "ship-vias": "off" } });
  await scmRequest(env.scmUrl, "POST", "OperationalSites", { dataAreaId: "usmf", SiteId: "S1", SiteName: "Seattle" });
  await settle(env);
  const sites = await dataverseRequest(
    env.dataverse.url,
    "GET",
    "msdyn_operationalsites?$select=msdyn_operationalsiteid&$filter=msdyn_siteid eq 'S1'",
  );
  siteId = String((sites.json as { value: Record<string, unknown>[] }).value[0]?.msdyn_operationalsiteid);
});
afterAll(() => env.close());

const warehouse = (identifier: string) => ({
  msdyn_name: identifier,
  msdyn_description: `Transit ${identifier}`,
  msdyn_warehouseidentifier: identifier,
  msdyn_warehousetype: TRANSIT,
  "msdyn_company@odata.bind": `/cdm_companies(${env.companyId})`,
  "msdyn_operationalsite@odata.bind": `/msdyn_operationalsites(${siteId})`,
});

describe("a map in dual-write mode", () => {
  it("validates before save but leaves the sync to Microsoft's maps", async () => {
    expect((await dataverseRequest(env.dataverse.url, "POST", "msdyn_warehouses", warehouse("3001"))).status).toBe(204);
    expect((await scmRequest(env.scmUrl, "GET", "Warehouses(dataAreaId='usmf',WarehouseId='3001')")).status).toBe(404);
    expect(
      env.logs.some(
        (entry) =>
          entry.message === "sync-to-scm: skipped" &&
          String(entry.detail).includes("Microsoft's dual-write syncs this table"),
      ),
    ).toBe(true);
    // SCM's rules still apply before the save (an identifier SCM refuses).
    expect(
      (await dataverseRequest(env.dataverse.url, "POST", "msdyn_warehouses", warehouse("W 1"))).status,
    ).toBeGreaterThanOrEqual(400);
  });

  it("ignores SCM's events for a map that is off", async () => {
    await scmRequest(env.scmUrl, "POST", "ModesOfDelivery", {
      dataAreaId: "usmf",
      ModeCode: "AIR",
      ModeDescription: "Air freight",
    });
    const rows = await dataverseRequest(env.dataverse.url, "GET", "msdyn_shipvias?$select=msdyn_name");
    expect((rows.json as { value: unknown[] }).value).toEqual([]);
  });
});
