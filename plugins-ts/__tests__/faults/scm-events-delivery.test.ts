/**
 * SCM → Field Service through SCM's data events, with the path from SCM to the host misbehaving
 * (down, slow beyond SCM's delivery timeout, answering 500 or 503, dropping the connection after
 * the host applied the event) and with the events themselves lost, duplicated, reordered and late
 * (the emulator's delivery switches). SCM commits its writes regardless: nothing the host answers
 * can undo them. Its outbox retries each event; the host reads the row again by key for every
 * event, so a repeat, a late one or one out of order changes nothing; a lost one is made up by the
 * catch-up pass. Field Service refusing SCM's change puts the row on the catch-up list, with the
 * reason on the row, until it is fixed. At the end Dataverse holds exactly SCM's rows.
 */
import { createServer } from "node:http";
import { ScmSyncStatus, warehouse as warehouseTable } from "@fsi/core/dataverse/tables";
import { registerWebhook } from "@fsi/sandbox/dataverse/registration";
import { closeServer, listen } from "@fsi/sandbox/http";
import type { OutboxEntry } from "@fsi/sandbox/scm/events/outbox";
import {
  type Environment,
  SCM_EVENTS_KEY,
  dataverseRequest,
  dataverseRowByKey,
  httpRequest,
  scmRequest,
  settle,
  startEnvironment,
} from "../support/environment";
import { type FaultProxy, startFaultProxy } from "../support/fault-proxy";
import { SCM_FAULTS } from "../support/outage";
import { type WarehouseView, eventually, warehousesOnBothSides } from "../support/reconcile";

/** SCM's delivery timeout; the proxy's "slow" holds a delivery twice as long. */
const DELIVERY_TIMEOUT_MS = 300;

let env: Environment;
let proxy: FaultProxy;

beforeAll(async () => {
  let started: FaultProxy | undefined;
  env = await startEnvironment({
    // Enough attempts that no event reaches the error log while a fault lasts.
    scmOptions: { retry: { baseDelayMs: 20, maxDelayMs: 200, timeoutMs: DELIVERY_TIMEOUT_MS, attempts: 1000 } },
    hostUrlForScm: async (hostUrl) => {
      started = await startFaultProxy(hostUrl);
      return started.url;
    },
  });
  if (started === undefined) throw new Error("the fault proxy did not start");
  proxy = started;
  expect(
    (
      await scmRequest(env.scmUrl, "POST", "OperationalSites", {
        dataAreaId: "usmf",
        SiteId: "S1",
        SiteName: "Seattle",
      })
    ).status,
  ).toBe(201);
  await eventually(
    async () => (await dataverseRowByKey(env, "msdyn_operationalsites", "msdyn_siteid eq 'S1'")) !== undefined,
    "the site reached Dataverse",
  );
});

afterAll(async () => {
  await env.close();
  await proxy.close();
});

afterEach(async () => {
  proxy.heal();
  await httpRequest(`${env.scmUrl}/admin/event-delivery`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  await proxy.settled();
  await settle(env);
  const sides = await warehousesOnBothSides(env);
  expect(sides.dataverse).toEqual(sides.scm);
});

async function outbox(): Promise<OutboxEntry[]> {
  return ((await httpRequest(`${env.scmUrl}/admin/outbox`)).json as { value: OutboxEntry[] }).value;
}

async function deliverySwitches(switches: Record<string, unknown>): Promise<void> {
  const reply = await httpRequest(`${env.scmUrl}/admin/event-delivery`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(switches),
  });
  expect(reply.status).toBe(200);
}

const warehouse = (identifier: string, name = `Warehouse ${identifier}`) => ({
  dataAreaId: "usmf",
  WarehouseId: identifier,
  WarehouseName: name,
  OperationalSiteId: "S1",
  WarehouseType: "Transit",
});
const key = (identifier: string) => `Warehouses(dataAreaId='usmf',WarehouseId='${identifier}')`;
const view = (identifier: string, name = `Warehouse ${identifier}`): WarehouseView => ({
  key: `usmf/${identifier}`,
  name,
  type: "Transit",
  site: "S1",
});
const scmEventLogs = (outcome: string) => env.logs.filter((entry) => entry.message === `scm-events: ${outcome}`).length;

describe.each(SCM_FAULTS.map(([name, mode], index) => [name, mode, index] as const))(
  "the host %s for SCM's deliveries",
  (_name, mode, index) => {
    const added = `91${index}1`;
    const renamed = `91${index}2`;
    const removed = `91${index}3`;

    it("SCM commits, its outbox retries, and Dataverse ends with SCM's rows, each once", async () => {
      for (const identifier of [renamed, removed])
        expect((await scmRequest(env.scmUrl, "POST", "Warehouses", warehouse(identifier))).status).toBe(201);
      await settle(env);
      const unchangedBefore = scmEventLogs("unchanged");
      proxy.fault(mode);

      expect((await scmRequest(env.scmUrl, "POST", "Warehouses", warehouse(added))).status).toBe(201);
      expect(
        (await scmRequest(env.scmUrl, "PATCH", key(renamed), { WarehouseName: `Renamed ${renamed}` })).status,
      ).toBe(204);
      expect((await scmRequest(env.scmUrl, "DELETE", key(removed))).status).toBe(204);
      // SCM's rows are committed whatever the host does.
      expect((await scmRequest(env.scmUrl, "GET", key(removed))).status).toBe(404);

      await eventually(async () => (await outbox()).some((entry) => entry.attempts >= 2), "SCM retried an event twice");
      const waiting = await outbox();
      expect(waiting.map((entry) => entry.message).sort()).toEqual([
        "OnExternalCreated",
        "OnExternalDeleted",
        "OnExternalUpdated",
      ]);
      expect(waiting.find((entry) => entry.attempts >= 1)?.lastError).toEqual(expect.any(String));

      proxy.heal();
      await eventually(async () => (await outbox()).length === 0, "SCM delivered every event");
      await proxy.settled();
      await settle(env);

      const sides = await warehousesOnBothSides(env);
      const touched = new Set([added, renamed, removed].map((identifier) => `usmf/${identifier}`));
      expect(sides.dataverse.filter((row) => touched.has(row.key))).toEqual([
        view(added),
        view(renamed, `Renamed ${renamed}`),
      ]);
      if (mode.kind === "drop-after-forward" || mode.kind === "slow") {
        // The host applied events whose reply SCM never got; SCM sent them again and they changed nothing.
        expect(scmEventLogs("unchanged")).toBeGreaterThan(unchangedBefore);
      }
    });
  },
);

describe("SCM's data events duplicated, reordered, late and lost", () => {
  it("every event twice: the second copy of each changes nothing", async () => {
    await deliverySwitches({ duplicate: true });
    const unchangedBefore = scmEventLogs("unchanged");
    expect((await scmRequest(env.scmUrl, "POST", "Warehouses", warehouse("9401"))).status).toBe(201);
    expect((await scmRequest(env.scmUrl, "PATCH", key("9401"), { WarehouseName: "Twice renamed" })).status).toBe(204);
    await settle(env);
    expect(await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '9401'")).toMatchObject({
      msdyn_description: "Twice renamed",
    });
    expect(scmEventLogs("unchanged") - unchangedBefore).toBeGreaterThanOrEqual(2);
  });

  it("late and newest first: a create delivered after its own update and delete leaves the row deleted", async () => {
    await deliverySwitches({ hold: true, reorder: true });
    expect((await scmRequest(env.scmUrl, "POST", "Warehouses", warehouse("9402"))).status).toBe(201);
    expect((await scmRequest(env.scmUrl, "PATCH", key("9402"), { WarehouseName: "Gone soon" })).status).toBe(204);
    expect((await scmRequest(env.scmUrl, "POST", "Warehouses", warehouse("9403", "Stays"))).status).toBe(201);
    expect((await scmRequest(env.scmUrl, "DELETE", key("9402"))).status).toBe(204);
    expect(await outbox()).toHaveLength(4);
    expect(await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '9403'")).toBeUndefined();
    await deliverySwitches({ reorder: true });
    await settle(env);
    expect(await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '9402'")).toBeUndefined();
    expect(await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '9403'")).toMatchObject({
      msdyn_description: "Stays",
    });
  });

  it("lost events: Field Service misses the changes until the catch-up pass makes it equal to SCM, deletions included", async () => {
    expect((await scmRequest(env.scmUrl, "POST", "Warehouses", warehouse("9404"))).status).toBe(201);
    await settle(env);
    await deliverySwitches({ loseNext: 3 });
    expect((await scmRequest(env.scmUrl, "POST", "Warehouses", warehouse("9405", "Never announced"))).status).toBe(201);
    expect((await scmRequest(env.scmUrl, "PATCH", key("9401"), { WarehouseName: "Renamed unannounced" })).status).toBe(
      204,
    );
    expect((await scmRequest(env.scmUrl, "DELETE", key("9404"))).status).toBe(204);
    await settle(env);
    const errors = (await httpRequest(`${env.scmUrl}/admin/event-errors`)).json as { value: OutboxEntry[] };
    expect(errors.value.map((entry) => entry.message).sort()).toEqual([
      "OnExternalCreated",
      "OnExternalDeleted",
      "OnExternalUpdated",
    ]);
    const before = await warehousesOnBothSides(env);
    expect(before.dataverse).not.toEqual(before.scm);

    const caughtUp = await httpRequest(`${env.hostUrl}/plugins/scm-catch-up?map=warehouses&code=${SCM_EVENTS_KEY}`, {
      method: "POST",
    });
    expect(caughtUp.status).toBe(200);
    expect((caughtUp.json as { maps: { map: string; applied: number; deleted: number }[] }).maps).toEqual([
      expect.objectContaining({ map: "warehouses", applied: 2, deleted: 1 }),
    ]);
    await settle(env);
    // Run again: nothing left to do.
    const again = await httpRequest(`${env.hostUrl}/plugins/scm-catch-up?map=warehouses&code=${SCM_EVENTS_KEY}`, {
      method: "POST",
    });
    expect((again.json as { maps: { applied: number; deleted: number }[] }).maps).toEqual([
      expect.objectContaining({ applied: 0, deleted: 0 }),
    ]);
    // Without the events' key, the pass is refused.
    expect((await httpRequest(`${env.hostUrl}/plugins/scm-catch-up`, { method: "POST" })).status).toBe(401);
  });
});

describe("Field Service refusing SCM's change", () => {
  it("puts the row on the catch-up list with the reason on the row, and applies SCM's row once the cause is fixed", async () => {
    expect((await scmRequest(env.scmUrl, "POST", "Warehouses", warehouse("9406", "Accepted name"))).status).toBe(201);
    await settle(env);
    const row = await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '9406'");
    const id = String(row?.msdyn_warehouseid);
    // A Field Service rule (registered by the customer) refuses the name SCM is about to send.
    const rule = await registerNameRule("Refused in Field Service");

    expect(
      (await scmRequest(env.scmUrl, "PATCH", key("9406"), { WarehouseName: "Refused in Field Service" })).status,
    ).toBe(204);
    await settle(env);
    const held = await env.host.queue.held({ map: "warehouses" });
    expect(held.map((change) => [change.rowKey, change.direction])).toEqual([["usmf/9406", "scm-to-fs"]]);
    // Dataverse reads only the rule's status code: its reason is Dataverse's own.
    expect(held[0]?.lastError).toContain("Dataverse refused the change");
    const failed = (await dataverseRequest(env.dataverse.url, "GET", `msdyn_warehouses(${id})`)).json as Record<
      string,
      unknown
    >;
    expect(failed).toMatchObject({ msdyn_description: "Accepted name", fsi_scmsyncstatus: ScmSyncStatus.Failed });
    expect(String(failed.fsi_scmlasterror)).toContain("refused by Field Service");

    // Fixed in Field Service (the rule stops refusing), then retried as `fsi sync retry` does.
    await rule.remove();
    await env.host.queue.release({ map: "warehouses" });
    await env.host.replayQueue();
    await settle(env);
    expect(await env.host.queue.held({ map: "warehouses" })).toEqual([]);
    await rule.close();
    expect((await dataverseRequest(env.dataverse.url, "GET", `msdyn_warehouses(${id})`)).json).toMatchObject({
      msdyn_description: "Refused in Field Service",
      fsi_scmsyncstatus: ScmSyncStatus.Synced,
      fsi_scmlasterror: null,
    });
  });
});

/** A customer's synchronous rule in Field Service: a webhook step refusing warehouse updates with this name, until removed. */
async function registerNameRule(
  refusedName: string,
): Promise<{ remove: () => Promise<void>; close: () => Promise<void> }> {
  let active = true;
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const refuse = active && body.includes(`"${refusedName}"`);
      res.writeHead(refuse ? 400 : 200).end();
    });
  });
  const url = await listen(server, 0);
  await registerWebhook(env.dataverse.emulator, { name: "Customer rule", url: `${url}/rule` }, [
    {
      name: "Customer rule: Update of msdyn_warehouse",
      message: "Update",
      table: warehouseTable,
      stage: 10,
      mode: "sync",
    },
  ]);
  return {
    // The step stays registered, answering 200 from now on; the server closes with the test.
    remove: () => {
      active = false;
      return Promise.resolve();
    },
    close: () => closeServer(server),
  };
}
