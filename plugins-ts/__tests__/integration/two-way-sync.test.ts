/**
 * The integration end to end over HTTP: the Dataverse emulator calls the host's webhooks, the host
 * calls the SCM emulator, and SCM's data events come back to the host after SCM committed.
 */
import { ScmSyncStatus } from "@fsi/core/dataverse/tables";
import { type EventRecorder, recordScmEvents } from "../support/event-recorder";
import {
  type Environment,
  dataverseRequest,
  dataverseRowByKey,
  guidFromEntityId,
  scmRequest,
  settle,
  startEnvironment,
} from "../support/environment";

let env: Environment;
let scmEvents: EventRecorder;
let siteId: string;

const TRANSIT = 192350002;
const DEFAULT = 192350000;

beforeAll(async () => {
  env = await startEnvironment();
  scmEvents = await recordScmEvents(env.scmUrl);
  await scmRequest(env.scmUrl, "POST", "OperationalSites", { dataAreaId: "usmf", SiteId: "S1", SiteName: "Seattle" });
  await settle(env);
  const site = await dataverseRowByKey(env, "msdyn_operationalsites", "msdyn_siteid eq 'S1'");
  siteId = String(site?.msdyn_operationalsiteid);
});

afterAll(async () => {
  await scmEvents.close();
  await env.close();
});

function warehouseBody(identifier: string, name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  // Microsoft's naming (the map's default): SCM's id in msdyn_name, the warehouse's name in msdyn_description.
  return {
    msdyn_name: identifier,
    msdyn_description: name,
    msdyn_warehouseidentifier: identifier,
    "msdyn_company@odata.bind": `/cdm_companies(${env.companyId})`,
    "msdyn_operationalsite@odata.bind": `/msdyn_operationalsites(${siteId})`,
    ...extra,
  };
}

async function scmWarehouse(id: string): Promise<{ status: number; row: Record<string, unknown> }> {
  const reply = await scmRequest(env.scmUrl, "GET", `Warehouses(dataAreaId='usmf',WarehouseId='${id}')`);
  return { status: reply.status, row: reply.json as Record<string, unknown> };
}

describe("two-way sync between Field Service (Dataverse) and SCM", () => {
  it("carries an SCM-side site into Dataverse with its company resolved by code", async () => {
    const site = await dataverseRowByKey(env, "msdyn_operationalsites", "msdyn_siteid eq 'S1'");
    expect(site).toMatchObject({ msdyn_name: "Seattle", _msdyn_company_value: env.companyId });
  });

  it("refuses an invalid warehouse with SCM's field errors, and writes it nowhere", async () => {
    const created = await dataverseRequest(
      env.dataverse.url,
      "POST",
      "msdyn_warehouses",
      warehouseBody("W1", "Bad", { msdyn_warehousetype: DEFAULT }),
    );
    expect(created.status).toBeGreaterThanOrEqual(400);
    expect(created.status).toBeLessThan(500);
    const refusal = env.logs.find((entry) => entry.message === "SCM refused the row");
    // SCM's own messages, each on its column (read from SCM's infolog: SCM gives no rule codes).
    expect(refusal?.errors).toEqual([
      expect.objectContaining({
        attribute: "msdyn_warehouseidentifier",
        message: expect.stringContaining("four digits") as unknown,
      }),
      expect.objectContaining({
        attribute: "msdyn_transitwarehouse",
        message: expect.stringContaining("TransitWarehouseId") as unknown,
      }),
    ]);
    expect(await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq 'W1'")).toBeUndefined();
    expect((await scmWarehouse("W1")).status).toBe(404);
  });

  it("creates a valid warehouse in SCM and marks the Dataverse row synced", async () => {
    const created = await dataverseRequest(
      env.dataverse.url,
      "POST",
      "msdyn_warehouses",
      warehouseBody("1001", "Transit 1001", { msdyn_warehousetype: TRANSIT }),
    );
    expect(created.status).toBe(204);
    const inScm = await scmWarehouse("1001");
    expect(inScm.row).toMatchObject({
      dataAreaId: "usmf",
      WarehouseId: "1001",
      WarehouseName: "Transit 1001",
      OperationalSiteId: "S1",
      WarehouseType: "Transit",
    });

    await env.dataverse.emulator.idle();
    const row = await dataverseRequest(
      env.dataverse.url,
      "GET",
      `msdyn_warehouses(${guidFromEntityId(created.headers)})`,
    );
    expect(row.json).toMatchObject({ fsi_scmsyncstatus: ScmSyncStatus.Synced, fsi_scmlasterror: null });
    expect((row.json as Record<string, unknown>).fsi_scmlastsyncedon).toEqual(expect.any(String));
  });

  it("resolves a lookup to another warehouse through its natural key", async () => {
    const transit = await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '1001'");
    const created = await dataverseRequest(
      env.dataverse.url,
      "POST",
      "msdyn_warehouses",
      warehouseBody("1002", "Main 1002", {
        msdyn_warehousetype: DEFAULT,
        "msdyn_transitwarehouse@odata.bind": `/msdyn_warehouses(${String(transit?.msdyn_warehouseid)})`,
      }),
    );
    expect(created.status).toBe(204);
    expect((await scmWarehouse("1002")).row).toMatchObject({ WarehouseType: "Default", TransitWarehouseId: "1001" });
  });

  it("carries an SCM-side change into Dataverse, once, without echoing it back", async () => {
    await settle(env);
    const eventsBefore = scmEvents.events.length;
    const logsBefore = env.logs.length;
    const changed = await scmRequest(env.scmUrl, "PATCH", "Warehouses(dataAreaId='usmf',WarehouseId='1001')", {
      WarehouseName: "Transit North",
    });
    expect([changed.status, changed.json]).toEqual([204, undefined]);
    await settle(env);

    const after = await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '1001'");
    expect(after).toMatchObject({
      msdyn_name: "1001",
      msdyn_description: "Transit North",
      fsi_scmsyncstatus: ScmSyncStatus.Synced,
    });
    // Dataverse ran its steps for the integration's write, and each recognised it as an echo.
    const outcomes = env.logs
      .slice(logsBefore)
      .filter(
        (entry) => /^(validate|sync-to-scm|sync-status): /.test(entry.message) && !entry.message.includes(" msdyn_"),
      );
    expect(outcomes.map((entry) => entry.message).sort()).toEqual([
      "sync-status: skipped",
      "sync-to-scm: skipped",
      "validate: skipped",
    ]);
    // SCM raised the user's event only: the Dataverse write did not come back as another SCM write.
    expect(scmEvents.events.slice(eventsBefore).map((event) => [event.operation, event.key.WarehouseId])).toEqual([
      ["Update", "1001"],
    ]);
  });

  it("carries a Dataverse-side change into SCM, and SCM's event of it writes nothing back", async () => {
    await settle(env);
    const row = await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '1002'");
    const eventsBefore = scmEvents.events.length;
    const logsBefore = env.logs.length;
    const updated = await dataverseRequest(
      env.dataverse.url,
      "PATCH",
      `msdyn_warehouses(${String(row?.msdyn_warehouseid)})`,
      { msdyn_description: "Main South" },
    );
    expect(updated.status).toBe(204);
    await settle(env);

    expect((await scmWarehouse("1002")).row).toMatchObject({ WarehouseName: "Main South" });
    const raised = scmEvents.events.slice(eventsBefore);
    expect(raised.map((event) => [event.operation, event.key.WarehouseId])).toEqual([["Update", "1002"]]);
    // The host read SCM's row back, found Field Service already equal, and wrote nothing.
    expect(
      env.logs
        .slice(logsBefore)
        .filter((entry) => entry.message.startsWith("scm-events: "))
        .map((entry) => entry.message),
    ).toEqual(["scm-events: unchanged"]);
    const synced = await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '1002'");
    expect(synced).toMatchObject({
      msdyn_name: "1002",
      msdyn_description: "Main South",
      fsi_scmsyncstatus: ScmSyncStatus.Synced,
    });
  });

  it("deletes in SCM what is deleted in Dataverse, and the other way round", async () => {
    const row = await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '1002'");
    const deleted = await dataverseRequest(
      env.dataverse.url,
      "DELETE",
      `msdyn_warehouses(${String(row?.msdyn_warehouseid)})`,
    );
    expect(deleted.status).toBe(204);
    expect((await scmWarehouse("1002")).status).toBe(404);

    await scmRequest(env.scmUrl, "POST", "Warehouses", {
      dataAreaId: "usmf",
      WarehouseId: "1003",
      WarehouseName: "Made in SCM",
      OperationalSiteId: "S1",
      WarehouseType: "Transit",
    });
    await settle(env);
    expect(await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '1003'")).toMatchObject({
      msdyn_name: "1003",
      msdyn_description: "Made in SCM",
      msdyn_warehousetype: TRANSIT,
    });
    const removed = await scmRequest(env.scmUrl, "DELETE", "Warehouses(dataAreaId='usmf',WarehouseId='1003')");
    expect(removed.status).toBe(204);
    await settle(env);
    expect(await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '1003'")).toBeUndefined();
  });
});
