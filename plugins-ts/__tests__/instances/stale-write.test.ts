/**
 * Two instances handle SCM data events of the same row at once (SCM delivers at least once, in no
 * particular order; a front end hands events to whichever instance is free). An instance reads
 * both systems, finds Field Service behind SCM and writes SCM's row — but between its read and its
 * write a Field Service save went to SCM, and the event of that save was handled by the other
 * instance, which found both systems equal. The first instance's write must not land over the
 * newer save: it is conditional on the version read (`If-Match`), Dataverse refuses it (412), the
 * instance reads both systems again and finds them equal. Without the condition, Field Service kept
 * the older value and SCM the newer one, and no later event would ever bring them together.
 *
 * The order is forced, not hoped for: the first instance reaches Dataverse through a proxy that
 * holds its write, and the test hands each event to the instance it names.
 */
import { dataverseRequest, scmRequest, SCM_EVENTS_KEY } from "../support/environment";
import { type EventRecorder, recordScmEvents } from "../support/event-recorder";
import { type FaultProxy, startFaultProxy } from "../support/fault-proxy";
import { type HostInstances, startHostInstances } from "../support/host-instances";
import { warehouseRecordsOnBothSides } from "../support/reconcile";

const WAREHOUSE = "6100";

describe("an SCM event written over a newer Field Service save by another instance", () => {
  let hosts: HostInstances;
  let proxy: FaultProxy | undefined;
  let events: EventRecorder;
  /** Lets the held write through (also when a test failed, so nothing is left hanging). */
  let release = () => {};
  let first: Promise<unknown> = Promise.resolve();

  beforeAll(async () => {
    hosts = await startHostInstances({
      instances: 2,
      store: "sqlite",
      dataverseUrlFor: async (instance, url) => {
        if (instance !== 0) return url;
        proxy = await startFaultProxy(url);
        return proxy.url;
      },
    });
    expect(
      (
        await scmRequest(hosts.scmUrl, "POST", "Warehouses", {
          dataAreaId: "usmf",
          WarehouseId: WAREHOUSE,
          WarehouseName: "Contested",
          WarehouseType: "Transit",
          OperationalSiteId: "S1",
          PrimaryAddressStreet: "1 First Street",
        })
      ).status,
    ).toBe(201);
    await hosts.settled();
    await hosts.unsubscribeScmEvents();
    events = await recordScmEvents(hosts.scmUrl);
  }, 120_000);

  afterAll(async () => {
    release();
    await first.catch(() => undefined);
    await events.close();
    await hosts.close();
    await proxy?.close();
  });

  const deliver = async (instance: number, body: string): Promise<{ status: number; outcome: string }> => {
    const reply = await fetch(`${hosts.hosts[instance]?.url ?? ""}/plugins/scm-events?code=${SCM_EVENTS_KEY}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    return { status: reply.status, outcome: ((await reply.json()) as { outcome: string }).outcome };
  };

  it("is refused by Dataverse (412) and compared again: both systems keep the newer save", async () => {
    if (proxy === undefined) throw new Error("no proxy");
    proxy.fault(
      {
        kind: "hold",
        until: new Promise<void>((resolve) => {
          release = resolve;
        }),
      },
      { match: (request) => request.method === "PATCH" && request.url.includes("msdyn_warehouses"), times: 1 },
    );

    // SCM's change; instance 0 reads both systems and its write to Field Service is held.
    expect(
      (
        await scmRequest(hosts.scmUrl, "PATCH", `Warehouses(dataAreaId='usmf',WarehouseId='${WAREHOUSE}')`, {
          PrimaryAddressStreet: "2 SCM Street",
        })
      ).status,
    ).toBe(204);
    await events.drained();
    const fromScm = events.bodies.at(-1) ?? "";
    const held = deliver(0, fromScm);
    first = held;
    await proxy.whenFaulted();

    // Meanwhile a Field Service save reaches SCM through the live sync…
    const found = await dataverseRequest(
      hosts.dataverse.url,
      "GET",
      `msdyn_warehouses?$select=msdyn_warehouseid&$filter=msdyn_warehouseidentifier eq '${WAREHOUSE}'`,
    );
    const id = (found.json as { value: { msdyn_warehouseid: string }[] }).value[0]?.msdyn_warehouseid ?? "";
    expect(
      (
        await dataverseRequest(hosts.dataverse.url, "PATCH", `msdyn_warehouses(${id})`, {
          msdyn_primaryaddressstreet: "3 Field Street",
        })
      ).status,
    ).toBe(204);
    // …and the event SCM raised for it is handled by the other instance: both systems agree (it
    // may write SCM's formatted address, which SCM composes from the street).
    await events.drained();
    const fromSave = events.bodies.at(-1) ?? "";
    expect(fromSave).not.toBe(fromScm);
    expect((await deliver(1, fromSave)).status).toBe(200);

    // The held write goes on: it was read before the save, so it must not replace it.
    release();
    const late = await held;
    await hosts.settled();
    const sides = await warehouseRecordsOnBothSides(hosts);
    expect(sides.dataverse).toEqual(sides.scm);
    expect(sides.scm.map((row) => [row.key, row.street])).toEqual([[`usmf/${WAREHOUSE}`, "3 Field Street"]]);
    expect(late).toEqual({ status: 200, outcome: "unchanged" });
  }, 120_000);
});
