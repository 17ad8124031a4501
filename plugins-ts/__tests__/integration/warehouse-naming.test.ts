/**
 * Microsoft's warehouse naming chosen in the host's map override file, end to end over HTTP: as in
 * Microsoft's dual-write map, SCM's WarehouseId fills msdyn_name (SCM → Field Service only) and
 * WarehouseName is synced both ways with msdyn_description.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Environment, dataverseRequest, dataverseRowByKey, scmRequest, settle, startEnvironment } from "../support/environment";

let env: Environment;
let folder: string;

beforeAll(async () => {
  folder = mkdtempSync(path.join(os.tmpdir(), "fsi-naming-"));
  const overridePath = path.join(folder, "map-overrides.json");
  writeFileSync(overridePath, JSON.stringify({ map: "warehouses", choose: { naming: "microsoft" } }));
  env = await startEnvironment({ mapOverridePath: overridePath });
  await scmRequest(env.scmUrl, "POST", "OperationalSites", { dataAreaId: "usmf", SiteId: "S1", SiteName: "Seattle" });
  await settle(env);
});

afterAll(async () => {
  await env.close();
  rmSync(folder, { recursive: true, force: true });
});

const scmKey = "Warehouses(dataAreaId='usmf',WarehouseId='8101')";
const fsRow = () => dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '8101'");

it("names the Field Service warehouse by SCM's id, keeps SCM's name in the description, and syncs the description back", async () => {
  expect(env.host.maps.byName("warehouses")?.chosen).toEqual({ naming: "microsoft" });
  const created = await scmRequest(env.scmUrl, "POST", "Warehouses", {
    dataAreaId: "usmf",
    WarehouseId: "8101",
    WarehouseName: "Seattle main",
    OperationalSiteId: "S1",
    WarehouseType: "Transit",
  });
  expect(created.status).toBe(201);
  await settle(env);
  const row = await fsRow();
  expect(row).toMatchObject({ msdyn_name: "8101", msdyn_description: "Seattle main" });

  // A dispatcher renames the warehouse in Field Service: the description carries the name to SCM.
  const id = String(row?.msdyn_warehouseid);
  expect((await dataverseRequest(env.dataverse.url, "PATCH", `msdyn_warehouses(${id})`, { msdyn_description: "Seattle north" })).status).toBe(204);
  await settle(env);
  expect((await scmRequest(env.scmUrl, "GET", scmKey)).json).toMatchObject({ WarehouseName: "Seattle north" });

  // msdyn_name belongs to SCM's id: a Field Service edit of it is not sent, and SCM's next change restores it.
  expect((await dataverseRequest(env.dataverse.url, "PATCH", `msdyn_warehouses(${id})`, { msdyn_name: "My label" })).status).toBe(204);
  await settle(env);
  expect((await scmRequest(env.scmUrl, "GET", scmKey)).json).toMatchObject({ WarehouseId: "8101", WarehouseName: "Seattle north" });
  expect((await scmRequest(env.scmUrl, "PATCH", scmKey, { PrimaryAddressCity: "Seattle" })).status).toBe(204);
  await settle(env);
  expect(await fsRow()).toMatchObject({ msdyn_name: "8101", msdyn_description: "Seattle north", msdyn_primaryaddresscity: "Seattle" });
});
