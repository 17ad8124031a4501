/**
 * SCM data events and webhook deliveries that arrive twice, out of order, or very late (after
 * later changes in either system, after a delete). A data event only names its row: the host reads
 * SCM's latest row by key, so an event arriving late, twice or out of order applies SCM's latest
 * row or nothing; Dataverse's versionnumber decides for its webhook deliveries. Both systems end
 * with the latest row. (`integration/delivery-order.test.ts` covers plain redeliveries of one
 * row's updates.)
 */
import {
  type Environment,
  SCM_EVENTS_KEY,
  WEBHOOK_KEY,
  type Reply,
  dataverseRequest,
  dataverseRowByKey,
  httpRequest,
  scmRequest,
  settle,
  startEnvironment,
} from "../support/environment";
import { type EventRecorder, recordScmEvents } from "../support/event-recorder";
import { type WarehouseView, warehousesOnBothSides } from "../support/reconcile";

let env: Environment;
let scmEvents: EventRecorder;
let siteId: string;

beforeAll(async () => {
  env = await startEnvironment({ recordWebhooks: true });
  scmEvents = await recordScmEvents(env.scmUrl);
  expect(
    (
      await scmRequest(env.scmUrl, "POST", "OperationalSites", {
        dataAreaId: "usmf",
        SiteId: "S1",
        SiteName: "Seattle",
      })
    ).status,
  ).toBe(201);
  await settle(env);
  siteId = String(
    (await dataverseRowByKey(env, "msdyn_operationalsites", "msdyn_siteid eq 'S1'"))?.msdyn_operationalsiteid,
  );
});

afterAll(async () => {
  await scmEvents.close();
  await env.close();
});

afterEach(async () => {
  await settle(env);
  const sides = await warehousesOnBothSides(env);
  expect(sides.dataverse).toEqual(sides.scm);
});

const deliverWebhook = (body: string) =>
  httpRequest(`${env.hostUrl}/plugins/webhooks/sync-to-scm`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-fsi-webhook-key": WEBHOOK_KEY },
    body,
  });

const deliverEvent = (body: string | undefined) =>
  httpRequest(`${env.hostUrl}/plugins/scm-events?code=${SCM_EVENTS_KEY}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: body ?? "",
  });

const outcome = (reply: Reply): unknown => (reply.json as { outcome?: unknown } | undefined)?.outcome;

const view = (identifier: string, name: string): WarehouseView => ({
  key: `usmf/${identifier}`,
  name,
  type: "Transit",
  site: "S1",
});

const warehouseRow = (identifier: string, name: string) => ({
  dataAreaId: "usmf",
  WarehouseId: identifier,
  WarehouseName: name,
  OperationalSiteId: "S1",
  WarehouseType: "Transit",
});
const scmKey = (identifier: string) => `Warehouses(dataAreaId='usmf',WarehouseId='${identifier}')`;

async function createInDataverse(identifier: string, name: string): Promise<string> {
  const created = await dataverseRequest(env.dataverse.url, "POST", "msdyn_warehouses", {
    msdyn_name: identifier,
    msdyn_description: name,
    msdyn_warehouseidentifier: identifier,
    msdyn_warehousetype: 192350002,
    "msdyn_company@odata.bind": `/cdm_companies(${env.companyId})`,
    "msdyn_operationalsite@odata.bind": `/msdyn_operationalsites(${siteId})`,
  });
  expect(created.status).toBe(204);
  return String(
    (await dataverseRowByKey(env, "msdyn_warehouses", `msdyn_warehouseidentifier eq '${identifier}'`))
      ?.msdyn_warehouseid,
  );
}

/** What Dataverse posted to the sync-to-scm step for a warehouse, in order. */
const syncDeliveries = (identifier: string) =>
  env.webhooks
    .filter((call) => call.handler === "sync-to-scm" && call.body.includes(`"${identifier}"`))
    .map((call) => call.body);

/** SCM's writes while the host is not an endpoint: their events reach only the recorder, for the test to deliver. */
async function withHostUnsubscribed(work: () => Promise<void>): Promise<void> {
  const list = (await httpRequest(`${env.scmUrl}/admin/event-endpoints`)).json as {
    value: { id: string; url: string; entities?: string[] }[];
  };
  const host = list.value.find((endpoint) => endpoint.url.includes("/plugins/scm-events"));
  if (host === undefined) throw new Error("the host is not an endpoint");
  expect(
    (await httpRequest(`${env.scmUrl}/admin/event-endpoints/${host.id}`, { method: "DELETE" })).status,
  ).toBeLessThan(300);
  try {
    await work();
  } finally {
    const again = await httpRequest(`${env.scmUrl}/admin/event-endpoints`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: host.url, ...(host.entities === undefined ? {} : { entities: host.entities }) }),
    });
    expect(again.status).toBe(201);
  }
}

describe("SCM → Field Service", () => {
  it("applies SCM's latest row whatever order and how often its events arrive, and a create arriving after its delete stays deleted", async () => {
    await settle(env);
    const start = scmEvents.bodies.length;
    await withHostUnsubscribed(async () => {
      expect((await scmRequest(env.scmUrl, "POST", "Warehouses", warehouseRow("9201", "Alpha"))).status).toBe(201);
      expect((await scmRequest(env.scmUrl, "PATCH", scmKey("9201"), { WarehouseName: "Bravo" })).status).toBe(204);
      expect((await scmRequest(env.scmUrl, "PATCH", scmKey("9201"), { WarehouseName: "Charlie" })).status).toBe(204);
      expect((await scmRequest(env.scmUrl, "POST", "Warehouses", warehouseRow("9202", "Short-lived"))).status).toBe(
        201,
      );
      expect((await scmRequest(env.scmUrl, "DELETE", scmKey("9202"))).status).toBe(204);
      await eventuallyDelivered(start + 5);
    });
    const [created, bravo, charlie, shortLived, deleted] = scmEvents.bodies.slice(start);

    const outcomes: unknown[] = [];
    for (const event of [charlie, created, charlie, bravo, deleted, shortLived, created])
      outcomes.push(outcome(await deliverEvent(event)));

    // The first delivery brings Field Service to SCM's row; every later one finds it there.
    expect(outcomes).toEqual(["applied", "unchanged", "unchanged", "unchanged", "unchanged", "unchanged", "unchanged"]);
    const sides = await warehousesOnBothSides(env);
    expect(sides.dataverse.filter((row) => row.key.startsWith("usmf/920"))).toEqual([view("9201", "Charlie")]);
  });

  it("changes nothing with a late repeat of an SCM event after a newer Field Service change to the row", async () => {
    const id = await createInDataverse("9203", "Delta");
    await settle(env);
    const start = scmEvents.bodies.length;
    expect((await scmRequest(env.scmUrl, "PATCH", scmKey("9203"), { WarehouseName: "Echo" })).status).toBe(204);
    await settle(env);
    const fromScm = scmEvents.bodies[start];
    expect(
      (await dataverseRequest(env.dataverse.url, "PATCH", `msdyn_warehouses(${id})`, { msdyn_description: "Foxtrot" }))
        .status,
    ).toBe(204);
    await settle(env);

    expect(outcome(await deliverEvent(fromScm))).toBe("unchanged");
    const sides = await warehousesOnBothSides(env);
    expect(sides.scm).toContainEqual(view("9203", "Foxtrot"));
  });
});

describe("Field Service → SCM", () => {
  it("drops a late repeat of an update delivered after the row was deleted, so SCM does not get the row back", async () => {
    const id = await createInDataverse("9301", "Golf");
    expect(
      (await dataverseRequest(env.dataverse.url, "PATCH", `msdyn_warehouses(${id})`, { msdyn_description: "Hotel" }))
        .status,
    ).toBe(204);
    expect((await dataverseRequest(env.dataverse.url, "DELETE", `msdyn_warehouses(${id})`)).status).toBe(204);
    const [create, update] = syncDeliveries("9301");
    const eventsBefore = scmEvents.events.length;

    expect([outcome(await deliverWebhook(update ?? "")), outcome(await deliverWebhook(create ?? ""))]).toEqual([
      "skipped",
      "skipped",
    ]);
    expect(scmEvents.events.length).toBe(eventsBefore);
    expect((await scmRequest(env.scmUrl, "GET", scmKey("9301"))).status).toBe(404);
  });

  it("drops a late repeat of a Dataverse change delivered after a newer SCM change reached Dataverse", async () => {
    const id = await createInDataverse("9302", "India");
    expect(
      (await dataverseRequest(env.dataverse.url, "PATCH", `msdyn_warehouses(${id})`, { msdyn_description: "Juliett" }))
        .status,
    ).toBe(204);
    expect((await scmRequest(env.scmUrl, "PATCH", scmKey("9302"), { WarehouseName: "Kilo" })).status).toBe(204);
    await settle(env);
    const [, juliett] = syncDeliveries("9302");
    const eventsBefore = scmEvents.events.length;

    expect(outcome(await deliverWebhook(juliett ?? ""))).toBe("skipped");
    expect(scmEvents.events.length).toBe(eventsBefore);
    const sides = await warehousesOnBothSides(env);
    expect(sides.dataverse).toContainEqual(view("9302", "Kilo"));
  });
});

/** Waits until the recorder has received `count` events in all. */
async function eventuallyDelivered(count: number): Promise<void> {
  for (let tries = 0; tries < 1500 && scmEvents.bodies.length < count; tries += 1)
    await new Promise((resolve) => setTimeout(resolve, 10));
  expect(scmEvents.bodies.length).toBeGreaterThanOrEqual(count);
}
