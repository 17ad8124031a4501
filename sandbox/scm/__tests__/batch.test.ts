import { type BatchResponseItem, formatBatchRequest, parseBatchResponse } from "@fsi/core";
import {
  type Collection,
  type ODataError,
  type RunningScm,
  call,
  fieldErrorsOf,
  startScm,
  startSubscriber,
  type Subscriber,
} from "./harness";

type Row = Record<string, string | number>;

const mode = (code: string, description = `Mode ${code}`): Row => ({
  dataAreaId: "usmf",
  ModeCode: code,
  ModeDescription: description,
});

describe("SCM $batch changesets, error bodies and throttling", () => {
  let running: RunningScm;
  let data: string;
  let subscriber: Subscriber;

  beforeAll(async () => {
    running = await startScm();
    data = `${running.url}/scm/data`;
    subscriber = await startSubscriber();
    await call(`${running.url}/scm/admin/event-endpoints`, "POST", {
      url: subscriber.url,
      entities: ["ModesOfDelivery", "Warehouses"],
    });
  });

  afterAll(async () => {
    await subscriber.close();
    await running.close();
  });

  const batch = async (items: Parameters<typeof formatBatchRequest>[0]): Promise<BatchResponseItem[]> => {
    const request = formatBatchRequest(items);
    const response = await fetch(`${data}/$batch`, {
      method: "POST",
      headers: { "content-type": request.contentType },
      body: request.body,
    });
    expect(response.status).toBe(200);
    return parseBatchResponse(response.headers.get("content-type") ?? undefined, await response.text());
  };
  const count = async (collection: string): Promise<number> =>
    Number(await (await fetch(`${data}/${collection}/$count?cross-company=true`)).text());
  /** Events raised for a row: still in the outbox or already delivered (the outbox row is written with the data, so a rolled-back write has none). */
  const eventsFor = (code: string): number =>
    running.scm.db
      .prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM _event_outbox WHERE event LIKE ?")
      .get(`%"${code}"%`)!.n +
    subscriber.attempts.filter((event) => JSON.stringify(event.raw).includes(`"${code}"`)).length;

  it("commits a changeset's writes together, with each response and its Content-ID", async () => {
    const [item] = await batch([
      {
        kind: "changeset",
        requests: [
          { method: "POST", url: "ModesOfDelivery", body: JSON.stringify(mode("BA1")), contentId: "1" },
          { method: "POST", url: "ModesOfDelivery", body: JSON.stringify(mode("BA2")), contentId: "2" },
        ],
      },
    ]);
    if (item?.kind !== "changeset") throw new Error("expected a changeset response");
    expect(item.responses.map((response) => [response.contentId, response.status])).toEqual([
      ["1", 201],
      ["2", 201],
    ]);
    expect((await call(`${data}/ModesOfDelivery(dataAreaId='usmf',ModeCode='BA2')`, "GET")).status).toBe(200);
  });

  it("rolls a changeset back as a unit: a failing request undoes the ones before it, answers one response, and raises no event", async () => {
    const before = await count("ModesOfDelivery");
    const [item] = await batch([
      {
        kind: "changeset",
        requests: [
          { method: "POST", url: "ModesOfDelivery", body: JSON.stringify(mode("RB1")), contentId: "1" },
          {
            method: "PATCH",
            url: "ModesOfDelivery(dataAreaId='usmf',ModeCode='BA1')",
            body: JSON.stringify({ ModeDescription: "changed in a doomed changeset" }),
            contentId: "2",
          },
          {
            method: "POST",
            url: "ModesOfDelivery",
            body: JSON.stringify({ dataAreaId: "usmf", ModeCode: "lower case!" }),
            contentId: "3",
          },
        ],
      },
    ]);
    if (item?.kind !== "response") throw new Error("a failed changeset answers one response");
    expect(item.response).toMatchObject({ contentId: "3", status: 400 });
    expect(fieldErrorsOf(JSON.parse(item.response.body)).map((error) => error.target)).toContain("ModeCode");
    expect(await count("ModesOfDelivery")).toBe(before);
    expect(
      (await call<Row>(`${data}/ModesOfDelivery(dataAreaId='usmf',ModeCode='BA1')`, "GET")).body.ModeDescription,
    ).toBe("Mode BA1");
    expect(eventsFor("RB1")).toBe(0);
  });

  it("validates without writing: the write, then a request certain to fail, leaves every row and event as it was", async () => {
    const rows = async (): Promise<Row[]> =>
      (await call<Collection<Row>>(`${data}/Warehouses?cross-company=true&$orderby=dataAreaId,WarehouseId`, "GET")).body
        .value;
    const before = await rows();
    const sentinel = {
      method: "DELETE",
      url: "Warehouses(dataAreaId='usmf',WarehouseId='no-such-row-0000000000000000000000')",
      contentId: "2",
    };
    const valid = {
      dataAreaId: "usmf",
      WarehouseId: "7301",
      WarehouseName: "Checked only",
      OperationalSiteId: "1",
      WarehouseType: "Default",
      TransitWarehouseId: "1990",
    };
    const [accepted] = await batch([
      {
        kind: "changeset",
        requests: [{ method: "POST", url: "Warehouses", body: JSON.stringify(valid), contentId: "1" }, sentinel],
      },
    ]);
    expect(accepted).toMatchObject({ kind: "response", response: { contentId: "2", status: 404 } });
    const [refused] = await batch([
      {
        kind: "changeset",
        requests: [
          {
            method: "POST",
            url: "Warehouses",
            body: JSON.stringify({ ...valid, TransitWarehouseId: "" }),
            contentId: "1",
          },
          sentinel,
        ],
      },
    ]);
    if (refused?.kind !== "response") throw new Error("expected one response");
    expect(refused.response).toMatchObject({ contentId: "1", status: 400 });
    expect(fieldErrorsOf(JSON.parse(refused.response.body))).toEqual([
      { target: "TransitWarehouseId", message: expect.stringContaining("TransitWarehouseId") as unknown },
    ]);
    expect(await rows()).toEqual(before);
    expect(eventsFor("7301")).toBe(0);
  });

  it("answers a malformed batch with 400 and a GET part with 501 (not served by the emulator)", async () => {
    const bad = await fetch(`${data}/$batch`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(bad.status).toBe(400);
    const [item] = await batch([{ kind: "request", request: { method: "GET", url: "ModesOfDelivery" } }]);
    expect(item).toMatchObject({ kind: "response", response: { status: 501 } });
  });

  it("answers a refused write in F&O's shape: a generic message and the infolog, each field marked", async () => {
    const reply = await call<ODataError>(`${data}/Warehouses`, "POST", {
      dataAreaId: "usmf",
      WarehouseId: "7302",
      WarehouseName: "",
      OperationalSiteId: "1",
      WarehouseType: "Transit",
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe("");
    expect(reply.body.error.message).toBe("An error has occurred.");
    expect(reply.body.error.innererror.type).toBe(
      "Microsoft.Dynamics.Platform.Integration.Services.OData.AxODataWriteException",
    );
    expect(reply.body.error.innererror.message).toMatch(
      /^Write failed for table row of type 'InventWarehouseEntity'\. Infolog: Error: .*; Error: validateField failed on field 'InventWarehouseEntity\.WarehouseName'/,
    );
    expect(fieldErrorsOf(reply.body).map((error) => error.target)).toEqual(["WarehouseName"]);
  });

  it("throttles with 429 and Retry-After when switched on, and serves again after", async () => {
    expect(
      (await call(`${running.url}/scm/admin/throttling`, "PUT", { rejectNext: 2, retryAfterSeconds: 7 })).status,
    ).toBe(200);
    const first = await fetch(`${data}/ModesOfDelivery?$top=1`);
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("7");
    expect((await fetch(`${data}/ModesOfDelivery?$top=1`)).status).toBe(429);
    expect((await fetch(`${data}/ModesOfDelivery?$top=1`)).status).toBe(200);
    // A rate: two requests a minute.
    await call(`${running.url}/scm/admin/throttling`, "PUT", { requestsPerWindow: 2, windowMs: 60_000 });
    expect((await fetch(`${data}/ModesOfDelivery?$top=1`)).status).toBe(200);
    expect((await fetch(`${data}/ModesOfDelivery?$top=1`)).status).toBe(200);
    const third = await fetch(`${data}/ModesOfDelivery?$top=1`);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThan(0);
    await call(`${running.url}/scm/admin/throttling`, "PUT", {});
    expect((await fetch(`${data}/ModesOfDelivery?$top=1`)).status).toBe(200);
  });
});
