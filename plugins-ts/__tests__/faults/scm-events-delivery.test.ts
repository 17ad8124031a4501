/**
 * SCM → Field Service with an asynchronous business event subscription, and the path from SCM to
 * the host misbehaving: down, slow beyond SCM's delivery timeout, answering 500 or 503, or dropping
 * the connection after the host applied the event. SCM commits its writes regardless; its outbox
 * retries each event with backoff, in commit order, until the host answers 2xx; events the host
 * already applied (the reply was lost, or came too late) are dropped by ControlNumber. At the end
 * Dataverse holds exactly SCM's rows.
 */
import type { PendingDelivery } from "../../../sandbox/scm/events/outbox";
import { type Environment, dataverseRowByKey, httpRequest, scmRequest, startEnvironment } from "../support/environment";
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
    scmEventsMode: "async",
    scmOptions: { retry: { baseDelayMs: 20, maxDelayMs: 200, timeoutMs: DELIVERY_TIMEOUT_MS } },
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

async function outbox(): Promise<PendingDelivery[]> {
  return ((await httpRequest(`${env.scmUrl}/admin/outbox`)).json as { value: PendingDelivery[] }).value;
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

describe.each(SCM_FAULTS.map(([name, mode], index) => [name, mode, index] as const))(
  "the host %s for SCM's deliveries",
  (_name, mode, index) => {
    const added = `91${index}1`;
    const renamed = `91${index}2`;
    const removed = `91${index}3`;

    it("SCM commits, its outbox retries with backoff in order, and Dataverse ends with SCM's rows, each once", async () => {
      for (const identifier of [renamed, removed])
        expect((await scmRequest(env.scmUrl, "POST", "Warehouses", warehouse(identifier))).status).toBe(201);
      await eventually(async () => (await outbox()).length === 0, "the set-up rows were delivered");
      const dropped = env.logs.filter((entry) => entry.message === "Stale or repeated SCM event dropped").length;
      proxy.fault(mode);

      expect((await scmRequest(env.scmUrl, "POST", "Warehouses", warehouse(added))).status).toBe(201);
      expect(
        (await scmRequest(env.scmUrl, "PATCH", key(renamed), { WarehouseName: `Renamed ${renamed}` })).status,
      ).toBe(204);
      expect((await scmRequest(env.scmUrl, "DELETE", key(removed))).status).toBe(204);

      // Held back in commit order behind the first event, which is retried with growing backoff.
      await eventually(async () => ((await outbox())[0]?.attempts ?? 0) >= 2, "SCM retried the first event twice");
      const waiting = await outbox();
      expect(waiting.map((delivery) => `${delivery.event.Operation} ${delivery.event.Keys.WarehouseId ?? ""}`)).toEqual(
        [`Create ${added}`, `Update ${renamed}`, `Delete ${removed}`],
      );
      expect(waiting[0]?.lastError).toEqual(expect.any(String));

      proxy.heal();
      await eventually(async () => (await outbox()).length === 0, "SCM delivered every event");
      await proxy.settled();
      await env.host.whenIdle();
      await env.dataverse.emulator.idle();

      const sides = await warehousesOnBothSides(env);
      expect(sides.dataverse).toEqual(sides.scm);
      const touched = new Set([added, renamed, removed].map((identifier) => `usmf/${identifier}`));
      expect(sides.dataverse.filter((row) => touched.has(row.key))).toEqual([
        view(added),
        view(renamed, `Renamed ${renamed}`),
      ]);
      if (mode.kind === "drop-after-forward" || mode.kind === "slow") {
        // The host applied events whose reply SCM never got; SCM sent them again and the host dropped the repeats.
        expect(
          env.logs.filter((entry) => entry.message === "Stale or repeated SCM event dropped").length,
        ).toBeGreaterThan(dropped);
      }
    });
  },
);
