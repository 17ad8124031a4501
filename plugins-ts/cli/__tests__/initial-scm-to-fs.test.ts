/**
 * `fsi sync initial --direction scm-to-fs` over HTTP: rows that exist only in the SCM emulator are
 * written to the Dataverse emulator with CreateMultiple (change sets where a row is refused), in
 * dependency order, lookups bound by natural key; the writes bypass the live plug-ins registered on
 * the emulator, so nothing goes back; rows Dataverse cannot take are all listed.
 */
import { ScmSyncStatus } from "@fsi/core/dataverse/tables";
import { type EventRecorder, recordScmEvents } from "../../__tests__/support/event-recorder";
import { type Environment, dataverseRowByKey, startEnvironment } from "../../__tests__/support/environment";
import { type TempDir, cliEnvironment, fsRows, fsi, scmWithoutEvent, scmRows, tempDir } from "./support";

let env: Environment;
let dir: TempDir;
let variables: Record<string, string>;
let events: EventRecorder;

beforeAll(async () => {
  dir = tempDir();
  const statePath = `${dir.path}/plugins.sqlite`;
  // Every webhook Dataverse posts is recorded: the run's writes must post none.
  env = await startEnvironment({ statePath, recordWebhooks: true });
  variables = cliEnvironment(env, dir.path, statePath);
  const post = (collection: string, row: Record<string, unknown>) => scmWithoutEvent(env, "POST", collection, row);
  await post("OperationalSites", { dataAreaId: "usmf", SiteId: "S1", SiteName: "Seattle" });
  await post("OperationalSites", { dataAreaId: "usmf", SiteId: "S2", SiteName: "Spokane" });
  // demf has no company row in this Dataverse: its rows cannot be written there.
  await post("OperationalSites", { dataAreaId: "demf", SiteId: "B1", SiteName: "Berlin" });
  await post("Warehouses", {
    dataAreaId: "demf",
    WarehouseId: "DE-BER-01",
    WarehouseName: "Berlin",
    OperationalSiteId: "B1",
    WarehouseType: "Transit",
    PrimaryAddressZipCode: "10115",
  });
  await post("Warehouses", {
    dataAreaId: "usmf",
    WarehouseId: "4005",
    WarehouseName: "Transit 4005",
    OperationalSiteId: "S1",
    WarehouseType: "Transit",
    PrimaryAddressCity: "Seattle",
    PrimaryAddressLatitude: 47.61,
  });
  await post("Warehouses", {
    dataAreaId: "usmf",
    WarehouseId: "4000",
    WarehouseName: "Main 4000",
    OperationalSiteId: "S1",
    WarehouseType: "Default",
    TransitWarehouseId: "4005",
  });
  await post("Warehouses", {
    dataAreaId: "usmf",
    WarehouseId: "4010",
    WarehouseName: "Cycle A",
    OperationalSiteId: "S2",
    WarehouseType: "Transit",
  });
  await post("Warehouses", {
    dataAreaId: "usmf",
    WarehouseId: "4011",
    WarehouseName: "Cycle B",
    OperationalSiteId: "S2",
    WarehouseType: "Transit",
    MainRefillingWarehouseId: "4010",
  });
  await scmWithoutEvent(env, "PATCH", "Warehouses(dataAreaId='usmf',WarehouseId='4010')", {
    MainRefillingWarehouseId: "4011",
  });
  await post("MaintenanceAssetTypes", {
    dataAreaId: "usmf",
    MaintenanceAssetTypeId: "PUMP",
    Name: "Pumps",
    CalculateKPITotal: "Yes",
  });
  await post("MaintenanceAssets", {
    dataAreaId: "usmf",
    MaintenanceAssetId: "P-1",
    Name: "Pump 1",
    MaintenanceAssetTypeId: "PUMP",
    ActiveFrom: "2024-01-01T00:00:00Z",
  });
  await post("MaintenanceAssets", {
    dataAreaId: "usmf",
    MaintenanceAssetId: "P-1-A",
    Name: "Pump 1 motor",
    MaintenanceAssetTypeId: "PUMP",
    ParentMaintenanceAssetId: "P-1",
  });
  events = await recordScmEvents(env.scmUrl);
});

afterAll(async () => {
  await events.close();
  await env.close();
  dir.remove();
});

describe("fsi sync initial --direction scm-to-fs", () => {
  let run: { code: number; out: string; err: string };

  beforeAll(async () => {
    run = await fsi(
      variables,
      dir.path,
      "sync",
      "initial",
      "--map",
      "warehouses,customer-assets",
      "--direction",
      "scm-to-fs",
      "--batch-size",
      "2",
    );
    await env.dataverse.emulator.idle();
    await env.host.whenIdle();
  });

  it("ends with the same rows and contents on both sides (for the company Dataverse knows)", async () => {
    const scmWarehouses = (await scmRows(env, "Warehouses")).filter((row) => row.dataAreaId === "usmf");
    const fsWarehouses = await fsRows(env, "msdyn_warehouses");
    expect(fsWarehouses.map((row) => row.msdyn_warehouseidentifier).sort()).toEqual(
      scmWarehouses.map((row) => row.WarehouseId).sort(),
    );
    const sites = new Map(
      (await fsRows(env, "msdyn_operationalsites")).map((row) => [row.msdyn_operationalsiteid, row.msdyn_siteid]),
    );
    const warehouseIds = new Map(fsWarehouses.map((row) => [row.msdyn_warehouseid, row.msdyn_warehouseidentifier]));
    for (const scm of scmWarehouses) {
      const fs = fsWarehouses.find((row) => row.msdyn_warehouseidentifier === scm.WarehouseId);
      expect(fs).toMatchObject({
        // Microsoft's naming: the id in msdyn_name, the name in msdyn_description.
        msdyn_name: scm.WarehouseId,
        msdyn_description: scm.WarehouseName,
        _msdyn_company_value: env.companyId,
        fsi_scmsyncstatus: ScmSyncStatus.Synced,
      });
      expect(sites.get(fs?._msdyn_operationalsite_value)).toBe(scm.OperationalSiteId);
      expect(warehouseIds.get(fs?._msdyn_transitwarehouse_value) ?? "").toBe(scm.TransitWarehouseId);
      expect(warehouseIds.get(fs?._msdyn_mainrefillingwarehouse_value) ?? "").toBe(scm.MainRefillingWarehouseId);
    }
    expect(await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '4005'")).toMatchObject({
      msdyn_primaryaddresscity: "Seattle",
      msdyn_primaryaddresslatitude: 47.61,
    });

    const type = await dataverseRowByKey(
      env,
      "msdyn_customerassetcategories",
      "msdyn_maintenanceassettypeid eq 'PUMP'",
    );
    expect(type).toMatchObject({ msdyn_name: "Pumps", msdyn_calculatekpitotal: true });
    const parent = await dataverseRowByKey(env, "msdyn_customerassets", "msdyn_maintenanceassetid eq 'P-1'");
    expect(parent).toMatchObject({
      msdyn_name: "Pump 1",
      _msdyn_customerassetcategory_value: type?.msdyn_customerassetcategoryid,
      fsi_activefrom: "2024-01-01T00:00:00Z",
    });
    expect(await dataverseRowByKey(env, "msdyn_customerassets", "msdyn_maintenanceassetid eq 'P-1-A'")).toMatchObject({
      _msdyn_parentasset_value: parent?.msdyn_customerassetid,
    });
  });

  it("writes dependencies first: every site and asset type before any row naming one (Dataverse's version numbers grow per write)", async () => {
    const versions = async (entitySet: string) =>
      (await fsRows(env, entitySet)).map((row) => Number(row.versionnumber));
    expect(Math.max(...(await versions("msdyn_operationalsites")))).toBeLessThan(
      Math.min(...(await versions("msdyn_warehouses"))),
    );
    expect(Math.max(...(await versions("msdyn_customerassetcategories")))).toBeLessThan(
      Math.min(...(await versions("msdyn_customerassets"))),
    );
    expect(run.out).toContain(
      "operational-sites → warehouses (self-lookups in pass 2: msdyn_transitwarehouse, msdyn_quarantinewarehouse, msdyn_mainrefillingwarehouse) → customer-asset-categories → customer-assets",
    );
  });

  it("bypasses the live steps (MSCRM.BypassBusinessLogicExecution), so none of its writes reaches the host and nothing goes back to SCM", () => {
    expect(env.webhooks).toEqual([]);
    expect(events.events).toEqual([]);
    expect(env.logs.filter((entry) => entry.message === "sync-to-scm: applied")).toEqual([]);
  });

  it("lists every row Dataverse cannot take, with its key and why, and exits 1", () => {
    expect(run.code).toBe(1);
    expect(run.out).toContain("2 rows failed:");
    expect(run.out).toMatch(/operational-sites\s+1\s+demf\/B1\s+dataAreaId 'demf': no cdm_company demf in Dataverse\./);
    expect(run.out).toMatch(
      /warehouses\s+1\s+demf\/DE-BER-01\s+dataAreaId 'demf': no cdm_company demf in Dataverse\. OperationalSiteId 'B1': no msdyn_operationalsite demf\/B1 in Dataverse\./,
    );
  });
});
