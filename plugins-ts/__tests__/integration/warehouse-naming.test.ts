/**
 * How warehouses are named, end to end over HTTP. By default as in Microsoft's dual-write map
 * "Warehouses (msdyn_warehouses)": SCM's WarehouseId fills msdyn_name (SCM → Field Service only)
 * and WarehouseName is synced both ways with msdyn_description. The `name` option, chosen in the
 * host's map override file, syncs WarehouseName with msdyn_name instead.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  type Environment,
  dataverseRequest,
  dataverseRowByKey,
  scmRequest,
  settle,
  startEnvironment,
} from "../support/environment";

async function withSite(env: Environment): Promise<Environment> {
  await scmRequest(env.scmUrl, "POST", "OperationalSites", { dataAreaId: "usmf", SiteId: "S1", SiteName: "Seattle" });
  await settle(env);
  return env;
}

const createInScm = (env: Environment, id: string, name: string) =>
  scmRequest(env.scmUrl, "POST", "Warehouses", {
    dataAreaId: "usmf",
    WarehouseId: id,
    WarehouseName: name,
    OperationalSiteId: "S1",
    WarehouseType: "Transit",
  });

const scmKey = (id: string) => `Warehouses(dataAreaId='usmf',WarehouseId='${id}')`;
const fsRow = (env: Environment, id: string) =>
  dataverseRowByKey(env, "msdyn_warehouses", `msdyn_warehouseidentifier eq '${id}'`);

describe("Microsoft's naming, the default", () => {
  let env: Environment;
  beforeAll(async () => {
    env = await withSite(await startEnvironment());
  });
  afterAll(() => env.close());

  it("names the Field Service warehouse by SCM's id, keeps SCM's name in the description, and syncs the description back", async () => {
    expect(env.host.maps.byName("warehouses")?.chosen).toEqual({ naming: "microsoft" });
    expect((await createInScm(env, "8101", "Seattle main")).status).toBe(201);
    await settle(env);
    const row = await fsRow(env, "8101");
    expect(row).toMatchObject({ msdyn_name: "8101", msdyn_description: "Seattle main" });

    // A dispatcher renames the warehouse in Field Service: the description carries the name to SCM.
    const id = String(row?.msdyn_warehouseid);
    expect(
      (
        await dataverseRequest(env.dataverse.url, "PATCH", `msdyn_warehouses(${id})`, {
          msdyn_description: "Seattle north",
        })
      ).status,
    ).toBe(204);
    await settle(env);
    expect((await scmRequest(env.scmUrl, "GET", scmKey("8101"))).json).toMatchObject({
      WarehouseName: "Seattle north",
    });

    // msdyn_name belongs to SCM's id: a Field Service edit of it is not sent, and SCM's next change restores it.
    expect(
      (await dataverseRequest(env.dataverse.url, "PATCH", `msdyn_warehouses(${id})`, { msdyn_name: "My label" }))
        .status,
    ).toBe(204);
    await settle(env);
    expect((await scmRequest(env.scmUrl, "GET", scmKey("8101"))).json).toMatchObject({
      WarehouseId: "8101",
      WarehouseName: "Seattle north",
    });
    expect((await scmRequest(env.scmUrl, "PATCH", scmKey("8101"), { PrimaryAddressCity: "Seattle" })).status).toBe(204);
    await settle(env);
    expect(await fsRow(env, "8101")).toMatchObject({
      msdyn_name: "8101",
      msdyn_description: "Seattle north",
      msdyn_primaryaddresscity: "Seattle",
    });
  });
});

describe("the name naming, chosen in the map override file", () => {
  let env: Environment;
  let folder: string;
  beforeAll(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), "fsi-naming-"));
    const overridePath = path.join(folder, "map-overrides.json");
    writeFileSync(overridePath, JSON.stringify({ map: "warehouses", choose: { naming: "name" } }));
    env = await withSite(await startEnvironment({ mapOverridePath: overridePath }));
  });
  afterAll(async () => {
    await env.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it("syncs SCM's name with msdyn_name both ways and leaves the description to Field Service", async () => {
    expect(env.host.maps.byName("warehouses")?.chosen).toEqual({ naming: "name" });
    expect((await createInScm(env, "8201", "Tacoma main")).status).toBe(201);
    await settle(env);
    const row = await fsRow(env, "8201");
    expect(row).toMatchObject({ msdyn_name: "Tacoma main", msdyn_description: null });

    const id = String(row?.msdyn_warehouseid);
    expect(
      (
        await dataverseRequest(env.dataverse.url, "PATCH", `msdyn_warehouses(${id})`, {
          msdyn_name: "Tacoma north",
          msdyn_description: "Dock 4, ask for Sam",
        })
      ).status,
    ).toBe(204);
    await settle(env);
    expect((await scmRequest(env.scmUrl, "GET", scmKey("8201"))).json).toMatchObject({ WarehouseName: "Tacoma north" });
    expect(await fsRow(env, "8201")).toMatchObject({
      msdyn_name: "Tacoma north",
      msdyn_description: "Dock 4, ask for Sam",
    });
  });
});
