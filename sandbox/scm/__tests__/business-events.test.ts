import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ScmEventSubscription } from "../../../core";
import { closeServer, listen } from "../../http";
import { type Collection, type ODataError, type RunningScm, type Subscriber, call, startScm, startSubscriber, waitFor } from "./harness";

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

describe("SCM business events", () => {
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
    const list = await call<{ value: ScmEventSubscription[] }>(`${admin}/subscriptions`, "GET");
    for (const subscription of list.body.value) await call(`${admin}/subscriptions/${subscription.id}`, "DELETE");
    await Promise.all(subscribers.splice(0).map((subscriber) => subscriber.close()));
  });

  afterAll(async () => {
    await running.close();
  });

  const subscribe = async (url: string, mode: "sync" | "async", entities?: string[]): Promise<ScmEventSubscription> => {
    const reply = await call<ScmEventSubscription>(`${admin}/subscriptions`, "POST", { url, mode, ...(entities ? { entities } : {}) });
    expect(reply.status).toBe(201);
    return reply.body;
  };

  it("registers, lists, reads and removes subscriptions, refusing malformed ones", async () => {
    const created = await subscribe("http://127.0.0.1:9/hook", "async", ["Warehouses"]);
    expect(created).toMatchObject({ url: "http://127.0.0.1:9/hook", mode: "async", entities: ["Warehouses"] });
    const list = await call<{ value: ScmEventSubscription[] }>(`${admin}/subscriptions`, "GET");
    expect(list.body.value.map((subscription) => subscription.id)).toEqual([created.id]);
    expect((await call(`${admin}/subscriptions/${created.id}`, "GET")).status).toBe(200);
    expect((await call(`${admin}/subscriptions/${created.id}`, "DELETE")).status).toBe(204);
    expect((await call(`${admin}/subscriptions/${created.id}`, "DELETE")).status).toBe(404);

    const bad = await call<ODataError>(`${admin}/subscriptions`, "POST", { url: "ftp://example", mode: "later", entities: ["Spaceships"], extra: 1 });
    expect(bad.status).toBe(400);
    for (const path of ["$.url", "$.mode", "$.entities[0]", "$"]) expect(bad.body.error.message).toContain(path);
  });

  it("calls a synchronous subscriber before the commit, with the event, and commits after its 2xx", async () => {
    let seenBySubscriber = -1;
    const subscriber = await startSubscriber(async (event) => {
      const key = `${data}/Warehouses(dataAreaId='${event.Keys.dataAreaId ?? ""}',WarehouseId='${event.Keys.WarehouseId ?? ""}')`;
      seenBySubscriber = (await fetch(key)).status;
      return 200;
    });
    subscribers.push(subscriber);
    await subscribe(subscriber.url, "sync", ["Warehouses"]);

    const created = await call<Row>(`${data}/Warehouses`, "POST", warehouse("7201"), { "x-fsi-user": "fsi-integration" });
    expect(created.status).toBe(201);
    expect(seenBySubscriber).toBe(404);
    expect((await call(`${data}/Warehouses(dataAreaId='usmf',WarehouseId='7201')`, "GET")).status).toBe(200);

    const [event] = subscriber.accepted;
    expect(event).toMatchObject({
      BusinessEventId: "FsiWarehouseChangedBusinessEvent",
      LegalEntity: "usmf",
      EntityName: "Warehouse",
      Operation: "Create",
      Keys: { dataAreaId: "usmf", WarehouseId: "7201" },
      InitiatingUser: "fsi-integration",
      MajorVersion: 1,
    });
    expect(event?.ChangedFields).toEqual(expect.arrayContaining(["WarehouseId", "WarehouseName", "TransitWarehouseId", "WarehouseType"]));
    expect(event?.ChangedFields).not.toContain("QuarantineWarehouseId");
    const { "@odata.context": _context, ...createdRow } = created.body;
    expect(event?.Row).toEqual(createdRow);
    expect(event?.EventTime).toMatch(/^\/Date\(\d+\)\/$/);

    const patched = await call(`${data}/Warehouses(dataAreaId='usmf',WarehouseId='7201')`, "PATCH", { WarehouseName: "Event test renamed" });
    expect(patched.status).toBe(204);
    const update = subscriber.accepted[1];
    expect(update).toMatchObject({ Operation: "Update", ChangedFields: ["WarehouseName"], InitiatingUser: "Admin" });
    expect(update?.ControlNumber).toBeGreaterThan(event?.ControlNumber ?? Infinity);

    const unchanged = await call(`${data}/Warehouses(dataAreaId='usmf',WarehouseId='7201')`, "PATCH", { WarehouseName: "Event test renamed" });
    expect(unchanged.status).toBe(204);
    expect(subscriber.attempts).toHaveLength(2);
  });

  it("serialises writes around a slow synchronous subscriber while reads go on", async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const subscriber = await startSubscriber(async (event) => {
      if (event.Keys.WarehouseId === "7211") await held;
      return 200;
    });
    subscribers.push(subscriber);
    await subscribe(subscriber.url, "sync", ["Warehouses"]);

    const first = call(`${data}/Warehouses`, "POST", { ...warehouse("7211"), WarehouseName: "Contested name" });
    await waitFor("the first event at the subscriber", () => (subscriber.attempts.length === 1 ? true : undefined));
    const second = call<ODataError>(`${data}/Warehouses`, "POST", { ...warehouse("7212"), WarehouseName: "Contested name" });
    const read = await call<Row>(`${data}/Warehouses(dataAreaId='usmf',WarehouseId='1001')`, "GET");
    expect(read.status).toBe(200);
    expect((await call(`${data}/Warehouses(dataAreaId='usmf',WarehouseId='7211')`, "GET")).status).toBe(404);
    expect(subscriber.attempts).toHaveLength(1);

    release();
    expect((await first).status).toBe(201);
    const refused = await second;
    expect(refused.status).toBe(400);
    expect(refused.body.error.details?.[0]).toMatchObject({ code: "notUnique", target: "WarehouseName" });
    expect(subscriber.attempts).toHaveLength(1);
  });

  it("rolls back the write when a synchronous subscriber refuses it", async () => {
    const subscriber = await startSubscriber(() => 400);
    subscribers.push(subscriber);
    await subscribe(subscriber.url, "sync");

    const create = await call<ODataError>(`${data}/Warehouses`, "POST", warehouse("7202"));
    expect(create.status).toBe(400);
    expect(create.body.error.code).toBe("SubscriberRejected");
    expect(create.body.error.message).toContain(subscriber.url);
    expect(create.body.error.message).toContain("subscriber refused event");
    expect((await call(`${data}/Warehouses(dataAreaId='usmf',WarehouseId='7202')`, "GET")).status).toBe(404);

    const key = `${data}/Warehouses(dataAreaId='usmf',WarehouseId='1002')`;
    const before = await call<Row>(key, "GET");
    const update = await call<ODataError>(key, "PATCH", { WarehouseName: "Never saved" });
    expect(update.status).toBe(400);
    const deletion = await call<ODataError>(key, "DELETE");
    expect(deletion.status).toBe(400);
    const after = await call<Row>(key, "GET");
    expect(after.body).toEqual(before.body);
    expect(subscriber.attempts.map((event) => event.Operation)).toEqual(["Create", "Update", "Delete"]);
  });

  it("rolls back the write when a synchronous subscriber cannot be reached", async () => {
    await subscribe(await deadUrl(), "sync", ["PaymentTerms"]);
    const reply = await call<ODataError>(`${data}/PaymentTerms`, "POST", { dataAreaId: "usmf", Name: "Net21", Description: "Net 21 days", NumberOfDays: 21 });
    expect(reply.status).toBe(502);
    expect(reply.body.error.code).toBe("SubscriberUnavailable");
    expect(reply.body.error.message).toContain("could not be reached");
    expect((await call(`${data}/PaymentTerms(dataAreaId='usmf',Name='Net21')`, "GET")).status).toBe(404);
    expect((await call(`${data}/Warehouses`, "POST", warehouse("7203"))).status).toBe(201);
  });

  it("delivers to an async subscriber after the commit, retrying until a flaky one accepts, in order", async () => {
    const subscriber = await startSubscriber((_event, attempt) => (attempt < 3 ? 503 : 200));
    subscribers.push(subscriber);
    const other = await startSubscriber();
    subscribers.push(other);
    await subscribe(subscriber.url, "async", ["Warehouses"]);
    await subscribe(other.url, "async", ["PaymentTerms"]);

    expect((await call(`${data}/Warehouses`, "POST", warehouse("7204"))).status).toBe(201);
    const key = `${data}/Warehouses(dataAreaId='usmf',WarehouseId='7204')`;
    expect((await call(key, "PATCH", { WarehouseName: "Async renamed" })).status).toBe(204);
    expect((await call(key, "DELETE")).status).toBe(204);

    await waitFor("three accepted events", () => (subscriber.accepted.length === 3 ? true : undefined));
    expect(subscriber.accepted.map((event) => event.Operation)).toEqual(["Create", "Update", "Delete"]);
    const numbers = subscriber.accepted.map((event) => event.ControlNumber);
    expect([...numbers].sort((a, b) => a - b)).toEqual(numbers);
    expect(subscriber.attempts).toHaveLength(9);
    expect(subscriber.accepted[2]).toMatchObject({ Row: null, ChangedFields: [] });
    expect(other.attempts).toEqual([]);
    const outbox = await call<{ value: unknown[] }>(`${admin}/outbox`, "GET");
    expect(outbox.body.value).toEqual([]);
  });

  it("keeps undelivered async events across a restart and delivers them when the subscriber is back", async () => {
    const folder = mkdtempSync(join(tmpdir(), "fsi-scm-"));
    const database = join(folder, "scm.sqlite");
    try {
      const url = await deadUrl();
      const first = await startScm({ database });
      await call(`${first.url}/scm/admin/subscriptions`, "POST", { url, mode: "async" });
      expect((await call(`${first.url}/scm/data/ModesOfDelivery`, "POST", { dataAreaId: "gbsi", ModeCode: "BARGE", ModeDescription: "Canal barge" })).status).toBe(201);
      const pending = await waitFor("a failed attempt", () => {
        const rows = first.scm.db.prepare<[], { attempts: number; last_error: string | null }>("SELECT attempts, last_error FROM _outbox").all();
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
        expect(JSON.parse(body ?? "{}")).toMatchObject({ EntityName: "ModeOfDelivery", Operation: "Create", Keys: { dataAreaId: "gbsi", ModeCode: "BARGE" } });
        const rows = await call<Collection>(`${second.url}/scm/data/ModesOfDelivery(dataAreaId='gbsi',ModeCode='BARGE')`, "GET");
        expect(rows.status).toBe(200);
      } finally {
        await second.close();
        await closeServer(back);
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("refuses an empty or overlong x-fsi-user header", async () => {
    const reply = await call<ODataError>(`${data}/Warehouses`, "POST", warehouse("7205"), { "x-fsi-user": "x".repeat(101) });
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toContain("x-fsi-user");
  });
});
