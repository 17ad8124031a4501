/**
 * SCM does not answer. Fail closed (the default): saves are refused and the validation API answers
 * 503. Fail open: saves go through, the sync change is queued durably and replayed when SCM is back.
 */
import { ScmSyncStatus } from "@fsi/core/dataverse/tables";
import {
  ADMIN,
  type Environment,
  dataverseRequest,
  dataverseRowByKey,
  httpRequest,
  scmRequest,
  startEnvironment,
  settle,
} from "../support/environment";
import { type SwitchableProxy, startSwitchableProxy } from "../support/switchable-proxy";

interface Setup {
  readonly env: Environment;
  readonly proxy: SwitchableProxy;
  readonly siteId: string;
}

async function setUp(policy: "fail-closed" | "fail-open"): Promise<Setup> {
  let proxy: SwitchableProxy | undefined;
  const env = await startEnvironment({
    scmUnavailablePolicy: policy,
    scmUrlForHost: async (scmUrl) => {
      proxy = await startSwitchableProxy(scmUrl.replace(/\/scm$/, ""));
      return `${proxy.url}/scm`;
    },
  });
  if (proxy === undefined) throw new Error("the proxy did not start");
  await scmRequest(env.scmUrl, "POST", "OperationalSites", { dataAreaId: "usmf", SiteId: "S1", SiteName: "Seattle" });
  await settle(env);
  const siteId = String(
    (await dataverseRowByKey(env, "msdyn_operationalsites", "msdyn_siteid eq 'S1'"))?.msdyn_operationalsiteid,
  );
  return { env, proxy, siteId };
}

const warehouse = (setup: Setup, identifier: string) => ({
  msdyn_name: identifier,
  msdyn_description: `Warehouse ${identifier}`,
  msdyn_warehouseidentifier: identifier,
  msdyn_warehousetype: 192350002,
  "msdyn_company@odata.bind": `/cdm_companies(${setup.env.companyId})`,
  "msdyn_operationalsite@odata.bind": `/msdyn_operationalsites(${setup.siteId})`,
});

describe("SCM unreachable, fail closed", () => {
  let setup: Setup;
  beforeAll(async () => {
    setup = await setUp("fail-closed");
    setup.proxy.up = false;
  });
  afterAll(async () => {
    await setup.env.close();
    await setup.proxy.close();
  });

  it("refuses the save, so nothing exists only in Dataverse", async () => {
    const created = await dataverseRequest(
      setup.env.dataverse.url,
      "POST",
      "msdyn_warehouses",
      warehouse(setup, "6001"),
    );
    expect(created.status).toBeGreaterThanOrEqual(400);
    expect(
      setup.env.logs.some(
        (entry) => entry.message === "validate: refused with 503" && entry.code === "SCM_UNAVAILABLE",
      ),
    ).toBe(true);
    expect(
      await dataverseRowByKey(setup.env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '6001'"),
    ).toBeUndefined();
  });

  it("answers the validation API with 503", async () => {
    const token = (await setup.env.issuer.issueToken({ id: ADMIN.id })).access_token;
    const reply = await httpRequest(`${setup.env.hostUrl}/plugins/validate`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({
        table: "msdyn_shipvia",
        operation: "create",
        company: "usmf",
        attributes: { msdyn_name: "AIR" },
      }),
    });
    expect([reply.status, (reply.json as { error: { code: string } }).error.code]).toEqual([503, "SCM_UNAVAILABLE"]);
  });
});

describe("SCM unreachable, fail open", () => {
  let setup: Setup;
  beforeAll(async () => {
    setup = await setUp("fail-open");
  });
  afterAll(async () => {
    await setup.env.close();
    await setup.proxy.close();
  });

  it("saves in Dataverse, queues the change, and replays it in SCM once SCM is back", async () => {
    setup.proxy.up = false;
    const created = await dataverseRequest(
      setup.env.dataverse.url,
      "POST",
      "msdyn_warehouses",
      warehouse(setup, "6002"),
    );
    expect(created.status).toBe(204);
    await setup.env.dataverse.emulator.idle();
    expect(await dataverseRowByKey(setup.env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '6002'")).toMatchObject(
      {
        fsi_scmsyncstatus: ScmSyncStatus.Pending,
        fsi_scmlasterror: expect.stringContaining("SCM could not be reached") as unknown,
      },
    );
    expect(
      (await setup.env.host.queue.pending()).map((change) => [change.direction, change.rowKey, change.reason]),
    ).toEqual([["fs-to-scm", "usmf/6002", "unavailable"]]);

    // Still down: the replay keeps the change, with its error.
    expect(await setup.env.host.replayQueue()).toEqual({ applied: 0, failed: 1, remaining: 1 });
    expect((await setup.env.host.queue.pending())[0]?.attempts).toBe(1);

    setup.proxy.up = true;
    expect(await setup.env.host.replayQueue()).toEqual({ applied: 1, failed: 0, remaining: 0 });
    expect(
      (await scmRequest(setup.env.scmUrl, "GET", "Warehouses(dataAreaId='usmf',WarehouseId='6002')")).json,
    ).toMatchObject({ WarehouseName: "Warehouse 6002", OperationalSiteId: "S1" });
    expect(await dataverseRowByKey(setup.env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '6002'")).toMatchObject(
      { fsi_scmsyncstatus: ScmSyncStatus.Synced, fsi_scmlasterror: null },
    );
  });

  it("marks the row Failed when SCM refuses the replayed change, and keeps the change queued", async () => {
    setup.proxy.up = false;
    const created = await dataverseRequest(setup.env.dataverse.url, "POST", "msdyn_warehouses", {
      ...warehouse(setup, "6003"),
      msdyn_description: "Taken name",
    });
    expect(created.status).toBe(204);
    // Meanwhile someone in SCM gives another warehouse that name (usmf wants names unique).
    expect(
      (
        await scmRequest(setup.env.scmUrl, "POST", "Warehouses", {
          dataAreaId: "usmf",
          WarehouseId: "6004",
          WarehouseName: "Taken name",
          OperationalSiteId: "S1",
          WarehouseType: "Transit",
        })
      ).status,
    ).toBe(201);

    setup.proxy.up = true;
    expect(await setup.env.host.replayQueue()).toEqual({ applied: 0, failed: 1, remaining: 1 });
    await setup.env.dataverse.emulator.idle();
    expect(await dataverseRowByKey(setup.env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '6003'")).toMatchObject(
      {
        fsi_scmsyncstatus: ScmSyncStatus.Failed,
        fsi_scmlasterror: expect.stringContaining("SCM refused") as unknown,
      },
    );
    expect((await setup.env.host.queue.pending())[0]).toMatchObject({
      rowKey: "usmf/6003",
      lastError: expect.stringContaining("SCM refused") as unknown,
    });
  });
});
