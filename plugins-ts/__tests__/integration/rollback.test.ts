/**
 * Field Service → SCM: a change SCM refuses is rolled back in Dataverse (the synchronous step).
 * SCM → Field Service: SCM has committed before Field Service hears of it (data events), so a
 * change Field Service refuses stays in SCM and waits on the catch-up list.
 */
import { createServer } from "node:http";
import { warehouse } from "@fsi/core/dataverse/tables";
import { registerWebhook } from "@fsi/sandbox/dataverse/registration";
import { closeServer, listen } from "@fsi/sandbox/http";
import {
  type Environment,
  dataverseRequest,
  dataverseRowByKey,
  scmRequest,
  settle,
  startEnvironment,
} from "../support/environment";

let env: Environment;
let siteId: string;

beforeAll(async () => {
  env = await startEnvironment();
  await scmRequest(env.scmUrl, "POST", "OperationalSites", { dataAreaId: "usmf", SiteId: "S1", SiteName: "Seattle" });
  await settle(env);
  siteId = String(
    (await dataverseRowByKey(env, "msdyn_operationalsites", "msdyn_siteid eq 'S1'"))?.msdyn_operationalsiteid,
  );
});

afterAll(async () => {
  await env.close();
});

/** Turns the validate steps off, so a change SCM refuses reaches the sync step (as when rules changed in between). */
async function setValidateSteps(enabled: boolean): Promise<void> {
  for (const id of env.stepIds.validate ?? []) {
    const reply = await dataverseRequest(env.dataverse.url, "PATCH", `sdkmessageprocessingsteps(${id})`, {
      statecode: enabled ? 0 : 1,
      statuscode: enabled ? 1 : 2,
    });
    expect(reply.status).toBe(204);
  }
}

function warehouseBody(identifier: string, name: string): Record<string, unknown> {
  return {
    msdyn_name: identifier,
    msdyn_description: name,
    msdyn_warehouseidentifier: identifier,
    msdyn_warehousetype: 192350002,
    "msdyn_company@odata.bind": `/cdm_companies(${env.companyId})`,
    "msdyn_operationalsite@odata.bind": `/msdyn_operationalsites(${siteId})`,
  };
}

describe("rollback", () => {
  afterEach(async () => {
    await setValidateSteps(true);
  });

  it("rolls back a Dataverse create that SCM refuses in the sync step", async () => {
    await setValidateSteps(false);
    const created = await dataverseRequest(
      env.dataverse.url,
      "POST",
      "msdyn_warehouses",
      warehouseBody("BAD1", "Refused by SCM"),
    );
    expect(created.status).toBeGreaterThanOrEqual(400);
    expect(
      env.logs.some((entry) => entry.message === "sync-to-scm: refused with 422" && entry.code === "SCM_REJECTED"),
    ).toBe(true);
    expect(await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq 'BAD1'")).toBeUndefined();
    expect((await scmRequest(env.scmUrl, "GET", "Warehouses(dataAreaId='usmf',WarehouseId='BAD1')")).status).toBe(404);
  });

  it("rolls back a Dataverse update that SCM refuses, leaving both sides as they were", async () => {
    const created = await dataverseRequest(
      env.dataverse.url,
      "POST",
      "msdyn_warehouses",
      warehouseBody("2001", "Kept name"),
    );
    expect(created.status).toBe(204);
    const row = await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '2001'");
    await setValidateSteps(false);
    // usmf allows 40 characters in a warehouse name; Dataverse allows 100.
    const updated = await dataverseRequest(
      env.dataverse.url,
      "PATCH",
      `msdyn_warehouses(${String(row?.msdyn_warehouseid)})`,
      { msdyn_description: "N".repeat(60) },
    );
    expect(updated.status).toBeGreaterThanOrEqual(400);
    expect(
      (await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '2001'"))?.msdyn_description,
    ).toBe("Kept name");
    expect(
      (await scmRequest(env.scmUrl, "GET", "Warehouses(dataAreaId='usmf',WarehouseId='2001')")).json,
    ).toMatchObject({ WarehouseName: "Kept name" });
  });

  it("keeps an SCM write that Dataverse refuses in SCM, on the catch-up list (no veto after SCM's commit)", async () => {
    // A customer's own Dataverse rule (another synchronous step) refuses some warehouse names.
    const rule = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        res.writeHead(Buffer.concat(chunks).toString("utf8").includes("Forbidden") ? 400 : 200).end();
      });
    });
    const ruleUrl = await listen(rule, 0);
    try {
      await registerWebhook(env.dataverse.emulator, { name: "Customer rule", url: `${ruleUrl}/rule` }, [
        {
          name: "Customer rule: Create of msdyn_warehouse",
          message: "Create",
          table: warehouse,
          stage: 10,
          mode: "sync",
        },
      ]);
      const created = await scmRequest(env.scmUrl, "POST", "Warehouses", {
        dataAreaId: "usmf",
        WarehouseId: "2002",
        WarehouseName: "Forbidden name",
        OperationalSiteId: "S1",
        WarehouseType: "Transit",
      });
      expect(created.status).toBe(201);
      await settle(env);
      expect((await scmRequest(env.scmUrl, "GET", "Warehouses(dataAreaId='usmf',WarehouseId='2002')")).status).toBe(
        200,
      );
      expect(await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '2002'")).toBeUndefined();
      expect((await env.host.queue.held({ map: "warehouses" })).map((change) => change.rowKey)).toEqual(["usmf/2002"]);

      const allowed = await scmRequest(env.scmUrl, "POST", "Warehouses", {
        dataAreaId: "usmf",
        WarehouseId: "2003",
        WarehouseName: "Allowed name",
        OperationalSiteId: "S1",
        WarehouseType: "Transit",
      });
      expect(allowed.status).toBe(201);
      await settle(env);
      expect(await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '2003'")).toMatchObject({
        msdyn_name: "2003",
        msdyn_description: "Allowed name",
      });
    } finally {
      await closeServer(rule);
    }
  });
});
