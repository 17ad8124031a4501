import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ScmEventEndpoint } from "@fsi/core";
import { closeServer, listen } from "../../http";
import {
  type ODataError,
  type RunningScm,
  type Subscriber,
  call,
  startScm,
  startSubscriber,
  targetAttributes,
  waitFor,
} from "./harness";

type Row = Record<string, string | number>;

const warehouse = (id: string): Row => ({
  dataAreaId: "usmf",
  WarehouseId: id,
  WarehouseName: `Event test ${id}`,
  OperationalSiteId: "1",
  WarehouseType: "Default",
  TransitWarehouseId: "1990",
});

/** A URL nothing listens on: a server's port after it closed. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  const url = await listen(server, 0);
  await closeServer(server);
  return `${url}/events`;
}

interface OutboxEntry {
  id: number;
  attempts: number;
  lastError: string | null;
  failedAt: string | null;
  message: string;
}

describe("SCM data events", () => {
  let running: RunningScm;
  let admin: string;
  let data: string;
  const subscribers: Subscriber[] = [];

  beforeAll(async () => {
    running = await startScm();
    admin = `${running.url}/scm/admin`;
    data = `${running.url}/scm/data`;
  });

  afterEach(async () => {
    await call(`${admin}/event-delivery`, "PUT", {});
    const list = await call<{ value: ScmEventEndpoint[] }>(`${admin}/event-endpoints`, "GET");
    for (const endpoint of list.body.value) await call(`${admin}/event-endpoints/${endpoint.id}`, "DELETE");
    await Promise.all(subscribers.splice(0).map((subscriber) => subscriber.close()));
  });

  afterAll(async () => {
    await running.close();
  });

  const register = async (url: string, entities?: string[]): Promise<ScmEventEndpoint> => {
    const reply = await call<ScmEventEndpoint>(`${admin}/event-endpoints`, "POST", {
      url,
      ...(entities ? { entities } : {}),
    });
    expect(reply.status).toBe(201);
    return reply.body;
  };

  it("registers, lists, reads and removes endpoints; a synchronous mode is refused: data events have none", async () => {
    const created = await register("http://127.0.0.1:9/hook", ["Warehouses"]);
    expect(created).toMatchObject({ url: "http://127.0.0.1:9/hook", entities: ["Warehouses"] });
    expect((await call<ScmEventEndpoint>(`${admin}/event-endpoints/${created.id}`, "GET")).body.id).toBe(created.id);
    const sync = await call<ODataError>(`${admin}/event-endpoints`, "POST", {
      url: "http://127.0.0.1:9/hook",
      mode: "sync",
    });
    expect(sync.status).toBe(400);
    expect(sync.body.error.message).toContain("after the change committed");
    const unknown = await call<ODataError>(`${admin}/event-endpoints`, "POST", {
      url: "http://127.0.0.1:9/hook",
      entities: ["Depots"],
    });
    expect(unknown.status).toBe(400);
    expect((await call(`${admin}/event-endpoints/${created.id}`, "DELETE")).status).toBe(204);
    expect((await call(`${admin}/event-endpoints/${created.id}`, "GET")).status).toBe(404);
  });

  it("sends OnExternalCreated after the commit, as a Dataverse webhook posts it, the entity record in the Target", async () => {
    let seenCommitted: number | undefined;
    const subscriber = await startSubscriber(async () => {
      // The change is committed before the endpoint hears of it: reading it back finds it.
      seenCommitted = (await call(`${data}/Warehouses(dataAreaId='usmf',WarehouseId='7101')`, "GET")).status;
      return 204;
    });
    subscribers.push(subscriber);
    await register(subscriber.url, ["Warehouses"]);
    expect((await call(`${data}/Warehouses`, "POST", warehouse("7101"))).status).toBe(201);
    const [event] = await waitFor("the event", () =>
      subscriber.accepted.length === 1 ? subscriber.accepted : undefined,
    );
    if (event === undefined) throw new Error("no event");
    expect(seenCommitted).toBe(200);
    expect(event.context).toMatchObject({
      MessageName: "OnExternalCreated",
      PrimaryEntityName: "mserp_inventwarehouseentity",
      Stage: 40,
      Mode: 1,
      Depth: 1,
    });
    expect(targetAttributes(event)).toMatchObject({
      mserp_dataareaid: "usmf",
      mserp_warehouseid: "7101",
      mserp_warehousename: "Event test 7101",
    });
    expect(event.headers["x-ms-dynamics-request-name"]).toBe("OnExternalCreated");
    expect(event.headers["x-ms-dynamics-entity-name"]).toBe("mserp_inventwarehouseentity");
    expect(event.raw.PrimaryEntityId).toBe((event.context.InputParameters?.Target as { id: string }).id);
  });

  it("formats the address itself: an edit of the street changes the formatted address in the same write and event; a formatted address sent is replaced", async () => {
    const subscriber = await startSubscriber();
    subscribers.push(subscriber);
    await register(subscriber.url, ["Warehouses"]);
    const row = {
      ...warehouse("7102"),
      PrimaryAddressStreet: "1 Main St",
      PrimaryAddressCity: "Chicago",
      PrimaryAddressStateId: "IL",
      PrimaryAddressZipCode: "60601",
      PrimaryAddressCountryRegionId: "USA",
      FormattedPrimaryAddress: "typed by a client",
    };
    expect((await call(`${data}/Warehouses`, "POST", row)).status).toBe(201);
    const url = `${data}/Warehouses(dataAreaId='usmf',WarehouseId='7102')`;
    expect((await call<Row>(url, "GET")).body.FormattedPrimaryAddress).toBe("1 Main St\nChicago, IL 60601\nUSA");
    expect((await call(url, "PATCH", { PrimaryAddressStreet: "200 Lake Shore Dr" })).status).toBe(204);
    expect((await call<Row>(url, "GET")).body.FormattedPrimaryAddress).toBe(
      "200 Lake Shore Dr\nChicago, IL 60601\nUSA",
    );
    const events = await waitFor("both events", () =>
      subscriber.accepted.length === 2 ? subscriber.accepted : undefined,
    );
    const update = events[1];
    if (update === undefined) throw new Error("no update event");
    expect(update.context.MessageName).toBe("OnExternalUpdated");
    expect(targetAttributes(update)).toMatchObject({
      mserp_primaryaddressstreet: "200 Lake Shore Dr",
      mserp_formattedprimaryaddress: "200 Lake Shore Dr\nChicago, IL 60601\nUSA",
    });
  });

  it("sends OnExternalUpdated with the PreImage and the changed fields, and OnExternalDeleted with the record as it was; an update changing nothing sends nothing", async () => {
    const subscriber = await startSubscriber();
    subscribers.push(subscriber);
    await register(subscriber.url, ["ModesOfDelivery"]);
    expect(
      (await call(`${data}/ModesOfDelivery`, "POST", { dataAreaId: "gbsi", ModeCode: "VAN", ModeDescription: "Van" }))
        .status,
    ).toBe(201);
    const key = `${data}/ModesOfDelivery(dataAreaId='gbsi',ModeCode='VAN')`;
    expect((await call(key, "PATCH", { ModeDescription: "Small van" })).status).toBe(204);
    expect((await call(key, "PATCH", { ModeDescription: "Small van" })).status).toBe(204);
    expect((await call(key, "DELETE")).status).toBe(204);
    const events = await waitFor("three events", () =>
      subscriber.accepted.length === 3 ? subscriber.accepted : undefined,
    );
    expect(events.map((event) => event.context.MessageName)).toEqual([
      "OnExternalCreated",
      "OnExternalUpdated",
      "OnExternalDeleted",
    ]);
    const [, updated, deleted] = events;
    if (updated === undefined || deleted === undefined) throw new Error("missing events");
    expect(updated.context.InputParameters?.ChangedFields).toEqual(["mserp_modedescription"]);
    expect(Object.values(updated.context.PreEntityImages ?? {})[0]?.attributes).toMatchObject({
      mserp_modedescription: "Van",
    });
    expect(targetAttributes(updated)).toMatchObject({ mserp_modedescription: "Small van" });
    expect(targetAttributes(deleted)).toMatchObject({ mserp_dataareaid: "gbsi", mserp_modecode: "VAN" });
    // The same row keeps its virtual table id across its events.
    expect(new Set(events.map((event) => event.context.PrimaryEntityId)).size).toBe(1);
  });

  it("never rolls back for an endpoint: a refusing endpoint gets retries, then the event goes to the error log, and Resend delivers it", async () => {
    let refuse = true;
    const subscriber = await startSubscriber(() => (refuse ? 500 : 200));
    subscribers.push(subscriber);
    await register(subscriber.url, ["ModesOfDelivery"]);
    expect(
      (
        await call(`${data}/ModesOfDelivery`, "POST", {
          dataAreaId: "demf",
          ModeCode: "BIKE",
          ModeDescription: "Bike courier",
        })
      ).status,
    ).toBe(201);
    expect((await call(`${data}/ModesOfDelivery(dataAreaId='demf',ModeCode='BIKE')`, "GET")).status).toBe(200);
    const [logged] = await pollErrors(admin);
    if (logged === undefined) throw new Error("no error log entry");
    expect(logged).toMatchObject({ attempts: 4, message: "OnExternalCreated" });
    expect(logged.lastError).toContain("500");
    expect(subscriber.attempts).toHaveLength(4);
    refuse = false;
    expect((await call(`${admin}/event-errors/${logged.id}/resend`, "POST")).status).toBe(204);
    await waitFor("the resent event", () => (subscriber.accepted.length === 1 ? true : undefined));
    expect((await call<{ value: OutboxEntry[] }>(`${admin}/event-errors`, "GET")).body.value).toEqual([]);
  });

  it("switches on duplicates, newest-first delivery and lost events for consumers' tests", async () => {
    const subscriber = await startSubscriber();
    subscribers.push(subscriber);
    await register(subscriber.url, ["ModesOfDelivery"]);
    expect((await call(`${admin}/event-delivery`, "PUT", { duplicate: true })).status).toBe(200);
    await call(`${data}/ModesOfDelivery`, "POST", { dataAreaId: "usmf", ModeCode: "DUP", ModeDescription: "Twice" });
    const twice = await waitFor("two deliveries", () =>
      subscriber.accepted.length === 2 ? subscriber.accepted : undefined,
    );
    expect(twice[0]?.context.RequestId).toBe(twice[1]?.context.RequestId);

    await call(`${admin}/event-delivery`, "PUT", { loseNext: 1 });
    await call(`${data}/ModesOfDelivery`, "POST", {
      dataAreaId: "usmf",
      ModeCode: "LOST",
      ModeDescription: "Never arrives",
    });
    const errors = await call<{ value: OutboxEntry[] }>(`${admin}/event-errors`, "GET");
    expect(errors.body.value).toEqual([
      expect.objectContaining({
        message: "OnExternalCreated",
        lastError: expect.stringContaining("loss switch") as unknown,
      }),
    ]);
    for (const entry of errors.body.value) await call(`${admin}/event-errors/${entry.id}/resend`, "POST");
    await waitFor("the resent lost event", () => (subscriber.accepted.length === 3 ? true : undefined));

    // Held back (late), two events then go out together, newest first.
    await call(`${admin}/event-delivery`, "PUT", { reorder: true, hold: true });
    await call(`${data}/ModesOfDelivery`, "POST", { dataAreaId: "usmf", ModeCode: "OLD", ModeDescription: "First" });
    await call(`${data}/ModesOfDelivery`, "POST", { dataAreaId: "usmf", ModeCode: "NEW", ModeDescription: "Second" });
    expect((await call<{ value: OutboxEntry[] }>(`${admin}/outbox`, "GET")).body.value).toHaveLength(2);
    expect(subscriber.accepted).toHaveLength(3);
    await call(`${admin}/event-delivery`, "PUT", { reorder: true });
    const all = await waitFor("the delayed pair", () =>
      subscriber.accepted.length === 5 ? subscriber.accepted : undefined,
    );
    expect(all.slice(3).map((event) => targetAttributes(event).mserp_modecode)).toEqual(["NEW", "OLD"]);
  });

  it("keeps undelivered events across a restart and delivers them when the endpoint is back", async () => {
    const folder = mkdtempSync(join(tmpdir(), "fsi-scm-"));
    const database = join(folder, "scm.sqlite");
    try {
      const url = await deadUrl();
      const first = await startScm({
        database,
        retry: { baseDelayMs: 5, maxDelayMs: 40, timeoutMs: 2000, attempts: 1000 },
      });
      await call(`${first.url}/scm/admin/event-endpoints`, "POST", { url });
      expect(
        (
          await call(`${first.url}/scm/data/ModesOfDelivery`, "POST", {
            dataAreaId: "gbsi",
            ModeCode: "BARGE",
            ModeDescription: "Canal barge",
          })
        ).status,
      ).toBe(201);
      const pending = await waitFor("a failed attempt", () => {
        const rows = first.scm.db
          .prepare<
            [],
            { attempts: number; last_error: string | null }
          >("SELECT attempts, last_error FROM _event_outbox")
          .all();
        return rows.length === 1 && (rows[0]?.attempts ?? 0) >= 1 ? rows : undefined;
      });
      expect(pending[0]?.last_error).toContain("could not be reached");
      await first.close();

      const port = Number(new URL(url).port);
      const received: string[] = [];
      const back = createServer((req, res) => {
        let body = "";
        req.on("data", (chunk: Buffer) => (body += chunk.toString()));
        req.on("end", () => {
          received.push(body);
          res.writeHead(200).end();
        });
      });
      await listen(back, port);
      const second = await startScm({ database });
      try {
        const [body] = await waitFor("the redelivered event", () => (received.length > 0 ? received : undefined));
        expect(JSON.parse(body ?? "{}")).toMatchObject({
          MessageName: "OnExternalCreated",
          PrimaryEntityName: "mserp_dlvdeliverymodeentity",
        });
      } finally {
        await second.close();
        await closeServer(back);
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

async function pollErrors(admin: string): Promise<OutboxEntry[]> {
  for (let tries = 0; tries < 500; tries += 1) {
    const errors = (await call<{ value: OutboxEntry[] }>(`${admin}/event-errors`, "GET")).body.value;
    if (errors.length > 0) return errors;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("Timed out waiting for the error log");
}
