/**
 * Webhooks and data events may arrive twice or out of order (Dataverse retries a 502/503/504
 * once; SCM retries its deliveries). Replaying what really arrived must leave both sides equal.
 */
import { type EventRecorder, recordScmEvents } from "../support/event-recorder";
import {
  type Environment,
  SCM_EVENTS_KEY,
  WEBHOOK_KEY,
  dataverseRequest,
  dataverseRowByKey,
  httpRequest,
  scmRequest,
  settle,
  startEnvironment,
} from "../support/environment";

let env: Environment;
let scmEvents: EventRecorder;
let siteId: string;

beforeAll(async () => {
  env = await startEnvironment({ recordWebhooks: true });
  scmEvents = await recordScmEvents(env.scmUrl);
  await scmRequest(env.scmUrl, "POST", "OperationalSites", { dataAreaId: "usmf", SiteId: "S1", SiteName: "Seattle" });
  await settle(env);
  siteId = String(
    (await dataverseRowByKey(env, "msdyn_operationalsites", "msdyn_siteid eq 'S1'"))?.msdyn_operationalsiteid,
  );
});

afterAll(async () => {
  await scmEvents.close();
  await env.close();
});

const redeliverWebhook = (handler: string, body: string) =>
  httpRequest(`${env.hostUrl}/plugins/webhooks/${handler}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-fsi-webhook-key": WEBHOOK_KEY },
    body,
  });

const redeliverEvent = (body: string) =>
  httpRequest(`${env.hostUrl}/plugins/scm-events?code=${SCM_EVENTS_KEY}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });

async function bothSides(identifier: string): Promise<{ dataverse: unknown; scm: unknown }> {
  const dataverse = await dataverseRowByKey(env, "msdyn_warehouses", `msdyn_warehouseidentifier eq '${identifier}'`);
  const scm = (await scmRequest(env.scmUrl, "GET", `Warehouses(dataAreaId='usmf',WarehouseId='${identifier}')`))
    .json as Record<string, unknown>;
  return { dataverse: dataverse?.msdyn_description, scm: scm.WarehouseName };
}

describe("duplicate and out-of-order deliveries", () => {
  it("Dataverse → SCM: a repeated or older webhook delivery changes nothing", async () => {
    const created = await dataverseRequest(env.dataverse.url, "POST", "msdyn_warehouses", {
      msdyn_name: "3001",
      msdyn_description: "First",
      msdyn_warehouseidentifier: "3001",
      msdyn_warehousetype: 192350002,
      "msdyn_company@odata.bind": `/cdm_companies(${env.companyId})`,
      "msdyn_operationalsite@odata.bind": `/msdyn_operationalsites(${siteId})`,
    });
    expect(created.status).toBe(204);
    const row = await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '3001'");
    const path = `msdyn_warehouses(${String(row?.msdyn_warehouseid)})`;
    for (const name of ["Second", "Third"]) {
      expect((await dataverseRequest(env.dataverse.url, "PATCH", path, { msdyn_description: name })).status).toBe(204);
    }
    await settle(env);
    // The user's three changes (a data event may also have brought SCM's row back: an echo-tagged write, skipped).
    const deliveries = env.webhooks.filter(
      (call) =>
        call.handler === "sync-to-scm" && call.body.includes('"3001"') && !call.body.includes('"fsi-integration"'),
    );
    expect(deliveries).toHaveLength(3);
    const eventsBefore = scmEvents.events.length;

    // The first create and the second update again, after the third: both are older than SCM's row,
    // and the third is a repeat of the version SCM already has.
    for (const delivery of [deliveries[0], deliveries[1], deliveries[2]]) {
      const reply = await redeliverWebhook("sync-to-scm", delivery?.body ?? "");
      expect(reply.status).toBe(200);
    }
    await scmEvents.drained();
    expect(scmEvents.events.length).toBe(eventsBefore);
    expect(await bothSides("3001")).toEqual({ dataverse: "Third", scm: "Third" });
    const outcomes = env.logs
      .filter((entry) => entry.message === "sync-to-scm: skipped" || entry.message === "sync-to-scm: unchanged")
      .slice(-3);
    expect(outcomes.map((entry) => entry.message)).toEqual([
      "sync-to-scm: skipped",
      "sync-to-scm: skipped",
      "sync-to-scm: skipped",
    ]);
  });

  it("SCM → Dataverse: a repeated or older data event changes nothing", async () => {
    const key = "Warehouses(dataAreaId='usmf',WarehouseId='3001')";
    await settle(env);
    const start = scmEvents.bodies.length;
    expect((await scmRequest(env.scmUrl, "PATCH", key, { WarehouseName: "From SCM A" })).status).toBe(204);
    expect((await scmRequest(env.scmUrl, "PATCH", key, { WarehouseName: "From SCM B" })).status).toBe(204);
    await settle(env);
    await scmEvents.drained();
    const [older, newer] = scmEvents.bodies.slice(start);

    for (const event of [newer, older]) {
      const reply = await redeliverEvent(event ?? "");
      expect([reply.status, (reply.json as { outcome: string }).outcome]).toEqual([200, "unchanged"]);
    }
    await settle(env);
    expect(await bothSides("3001")).toEqual({ dataverse: "From SCM B", scm: "From SCM B" });
  });

  it("queues a row whose dependency has not arrived, and applies it when the dependency arrives", async () => {
    // The site's data event is lost, so the site never reaches Dataverse.
    await httpRequest(`${env.scmUrl}/admin/event-delivery`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ loseNext: 1 }),
    });
    expect(
      (
        await scmRequest(env.scmUrl, "POST", "OperationalSites", {
          dataAreaId: "usmf",
          SiteId: "S9",
          SiteName: "Spokane",
        })
      ).status,
    ).toBe(201);
    await settle(env);
    expect(await dataverseRowByKey(env, "msdyn_operationalsites", "msdyn_siteid eq 'S9'")).toBeUndefined();

    const created = await scmRequest(env.scmUrl, "POST", "Warehouses", {
      dataAreaId: "usmf",
      WarehouseId: "3009",
      WarehouseName: "Waits for S9",
      OperationalSiteId: "S9",
      WarehouseType: "Transit",
    });
    expect(created.status).toBe(201);
    await settle(env);
    expect(await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '3009'")).toBeUndefined();
    expect((await env.host.queue.pending()).map((change) => [change.rowKey, change.waitingFor])).toEqual([
      ["usmf/3009", ["msdyn_operationalsite usmf/S9"]],
    ]);

    // A later change to the same row needs no second entry: the queued one reads SCM's latest row when it runs.
    expect(
      (
        await scmRequest(env.scmUrl, "PATCH", "Warehouses(dataAreaId='usmf',WarehouseId='3009')", {
          WarehouseName: "Renamed while waiting",
        })
      ).status,
    ).toBe(204);
    await settle(env);
    expect(await env.host.queue.depth()).toBe(1);

    // The site arrives (someone edits it in SCM); the queued warehouse follows.
    expect(
      (
        await scmRequest(env.scmUrl, "PATCH", "OperationalSites(dataAreaId='usmf',SiteId='S9')", {
          SiteName: "Spokane Valley",
        })
      ).status,
    ).toBe(204);
    await settle(env);
    const site = await dataverseRowByKey(env, "msdyn_operationalsites", "msdyn_siteid eq 'S9'");
    expect(await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '3009'")).toMatchObject({
      msdyn_name: "3009",
      msdyn_description: "Renamed while waiting",
      _msdyn_operationalsite_value: site?.msdyn_operationalsiteid,
    });
    expect(await env.host.queue.depth()).toBe(0);
  });
});
