/**
 * Contexts Dataverse trims for size (over 256 KB: `x-ms-dynamics-msg-size-exceeded`, no
 * InputParameters, no images, no ParentContext), end to end over HTTP. The emulator's limit is
 * lowered so an ordinary warehouse with a long formatted address crosses it, as a 256 KB row would.
 */
import { ScmSyncStatus, warehouse } from "@fsi/core/dataverse/tables";
import { startReceiver } from "@fsi/sandbox/dataverse/__tests__/helpers";
import { registerWebhook } from "@fsi/sandbox/dataverse/registration";
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
let siteId: string;
const TRANSIT = 192350002;
/** Text Field Service keeps and SCM never receives (the formatted address only flows from SCM). */
const LONG = "Long formatted address. ".repeat(50).slice(0, 1000);

beforeAll(async () => {
  env = await startEnvironment({ webhookPayloadLimitBytes: 4500, recordWebhooks: true });
  await scmRequest(env.scmUrl, "POST", "OperationalSites", { dataAreaId: "usmf", SiteId: "S1", SiteName: "Seattle" });
  await settle(env);
  siteId = String(
    (await dataverseRowByKey(env, "msdyn_operationalsites", "msdyn_siteid eq 'S1'"))?.msdyn_operationalsiteid,
  );
});
afterAll(() => env.close());

const scmName = async (id: string): Promise<unknown> =>
  (await scmRequest(env.scmUrl, "GET", `Warehouses(dataAreaId='usmf',WarehouseId='${id}')`)).json;

describe("a webhook context trimmed for size", () => {
  it("syncs a warehouse update whose context was trimmed, once Dataverse has committed it", async () => {
    const created = await dataverseRequest(env.dataverse.url, "POST", "msdyn_warehouses", {
      msdyn_name: "2001",
      msdyn_description: "Transit 2001",
      msdyn_warehouseidentifier: "2001",
      msdyn_warehousetype: TRANSIT,
      "msdyn_company@odata.bind": `/cdm_companies(${env.companyId})`,
      "msdyn_operationalsite@odata.bind": `/msdyn_operationalsites(${siteId})`,
    });
    expect(created.status).toBe(204);
    const id = guidFromEntityId(created.headers);
    expect(await scmName("2001")).toMatchObject({ WarehouseName: "Transit 2001" });

    env.webhooks.length = 0;
    const updated = await dataverseRequest(env.dataverse.url, "PATCH", `msdyn_warehouses(${id})`, {
      msdyn_description: "Transit 2001 renamed",
      msdyn_formattedprimaryaddress: LONG,
    });
    // The save is not refused: the handlers cope with the trimmed context.
    expect(updated.status).toBe(204);
    const trimmed = env.webhooks.filter((call) => call.headers["x-ms-dynamics-msg-size-exceeded"] !== undefined);
    expect(trimmed.map((call) => call.handler)).toContain("sync-to-scm");
    for (const call of trimmed) expect(JSON.parse(call.body)).not.toHaveProperty("InputParameters");

    // Dataverse has committed; the queued change copies the committed row to SCM.
    expect(await scmName("2001")).toMatchObject({ WarehouseName: "Transit 2001" });
    // The queued change (and, with SCM's asynchronous events, possibly a queued read of SCM's row).
    const replayed = await env.host.replayQueue();
    expect(replayed).toMatchObject({ failed: 0, remaining: 0 });
    expect(replayed.applied).toBeGreaterThanOrEqual(1);
    expect(await scmName("2001")).toMatchObject({ WarehouseName: "Transit 2001 renamed" });
    const row = await dataverseRequest(env.dataverse.url, "GET", `msdyn_warehouses(${id})?$select=fsi_scmsyncstatus`);
    expect((row.json as Record<string, unknown>).fsi_scmsyncstatus).toBe(ScmSyncStatus.Synced);
  });

  it("sends nothing for a trimmed change Dataverse rolled back after the step answered", async () => {
    const created = await dataverseRequest(env.dataverse.url, "POST", "msdyn_warehouses", {
      msdyn_name: "2002",
      msdyn_description: "Transit 2002",
      msdyn_warehouseidentifier: "2002",
      msdyn_warehousetype: TRANSIT,
      "msdyn_company@odata.bind": `/cdm_companies(${env.companyId})`,
      "msdyn_operationalsite@odata.bind": `/msdyn_operationalsites(${siteId})`,
    });
    const id = guidFromEntityId(created.headers);
    // Another solution's step, after ours, refuses the update: Dataverse rolls it back.
    const refusing = await startReceiver(() => 500);
    const step = await registerWebhook(env.dataverse.emulator, { name: "Customer check", url: refusing.url }, [
      {
        name: "Refuse renames",
        message: "Update",
        table: warehouse,
        stage: 40,
        rank: 9,
        filteringAttributes: ["msdyn_description"],
      },
    ]);
    try {
      const updated = await dataverseRequest(env.dataverse.url, "PATCH", `msdyn_warehouses(${id})`, {
        msdyn_description: "Never saved",
        msdyn_formattedprimaryaddress: LONG,
      });
      expect(updated.status).toBe(400);
      // The queued copy waits for a commit that never comes: SCM keeps its row.
      expect(await env.host.replayQueue()).toMatchObject({ applied: 0, failed: 1, remaining: 1 });
      expect(await scmName("2002")).toMatchObject({ WarehouseName: "Transit 2002" });
    } finally {
      for (const stepId of step.stepIds)
        await dataverseRequest(env.dataverse.url, "DELETE", `sdkmessageprocessingsteps(${stepId})`);
      await refusing.close();
    }
  });
});
