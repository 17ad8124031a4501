import { warehouse } from "@fsi/core";
import { registerWebhook } from "../registration";
import { createCompany, createWarehouse, entityIdOf, startApi, startReceiver, TOKEN, type TestApi } from "./helpers";

describe("Dataverse emulator: service protection limits", () => {
  let now = Date.UTC(2024, 0, 1);
  let api: TestApi;

  beforeAll(async () => {
    api = await startApi({
      requestLimit: { maxRequests: 3, windowSeconds: 60 },
      tokens: { [TOKEN]: "ab8d3d3e-59a2-4b5e-9c2a-2d4f3c1a9b10", other: "f3c1a9b1-2d4f-4b5e-9c2a-ab8d3d3e59a2" },
      users: [
        { id: "ab8d3d3e-59a2-4b5e-9c2a-2d4f3c1a9b10", fullname: "Dispatcher", domainname: "dispatcher@sandbox.local" },
        {
          id: "f3c1a9b1-2d4f-4b5e-9c2a-ab8d3d3e59a2",
          fullname: "Integration",
          domainname: "integration@sandbox.local",
        },
      ],
      clock: () => new Date(now),
    });
  });
  afterAll(() => api.close());

  it("answers 429 with Retry-After once a user exceeds the limit, per user, and lets them in again later", async () => {
    for (let i = 0; i < 3; i++) expect((await api.call("WhoAmI")).status).toBe(200);
    now += 20_000;
    const throttled = await api.call("WhoAmI");
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("40");
    expect(throttled.json.error).toEqual({
      code: "0x80072322",
      message: "Number of requests exceeded the limit of 3 over time window of 60 seconds.",
    });

    const otherUser = await api.call("WhoAmI", { headers: { authorization: "Bearer other" } });
    expect(otherUser.status).toBe(200);
    expect(otherUser.json.UserId).toBe("f3c1a9b1-2d4f-4b5e-9c2a-ab8d3d3e59a2");

    now += 41_000;
    expect((await api.call("WhoAmI")).status).toBe(200);
  });
});

describe("Dataverse emulator: service protection by execution time and concurrency", () => {
  const USER = "ab8d3d3e-59a2-4b5e-9c2a-2d4f3c1a9b10";
  const options = (limits: Parameters<typeof startApi>[0]) => ({
    tokens: { [TOKEN]: USER },
    users: [{ id: USER, fullname: "Integration", domainname: "integration@sandbox.local" }],
    ...limits,
  });

  it("answers 429 0x80072321 once a user's requests took more than the combined execution time of the window", async () => {
    let now = Date.UTC(2024, 0, 1);
    const api = await startApi(
      options({ requestLimit: { maxExecutionMs: 1500, windowSeconds: 300 }, clock: () => new Date(now) }),
    );
    const receiver = await startReceiver(() => {
      now += 2000; // the step takes two seconds of the request's time
      return 200;
    });
    try {
      const company = await createCompany(api);
      const id = entityIdOf(await createWarehouse(api, company, "SLOW"));
      await registerWebhook(api.server.emulator, { name: "Slow", url: receiver.url }, [
        { name: "Slow step", message: "Update", table: warehouse, stage: 40 },
      ]);
      expect(
        (await api.call(`msdyn_warehouses(${id})`, { method: "PATCH", body: { msdyn_description: "slow" } })).status,
      ).toBe(204);
      const throttled = await api.call("WhoAmI");
      expect(throttled.status).toBe(429);
      expect(throttled.json.error?.code).toBe("0x80072321");
      expect(throttled.json.error?.message).toBe(
        "Combined execution time of incoming requests exceeded limit of 1,500 milliseconds over time window of 300 seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later.",
      );
      expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThan(0);
      now += 301_000;
      expect((await api.call("WhoAmI")).status).toBe(200);
    } finally {
      await receiver.close();
      await api.close();
    }
  });

  it("answers 429 0x80072326 to a user's request beyond the concurrent requests allowed", async () => {
    const api = await startApi(options({ requestLimit: { maxConcurrent: 1, windowSeconds: 300 } }));
    let entered: () => void = () => undefined;
    const inStep = new Promise<void>((resolve) => {
      entered = resolve;
    });
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const receiver = await startReceiver(async () => {
      entered();
      await released;
      return 200;
    });
    try {
      const company = await createCompany(api);
      const id = entityIdOf(await createWarehouse(api, company, "BUSY"));
      await registerWebhook(api.server.emulator, { name: "Hold", url: receiver.url }, [
        { name: "Hold step", message: "Update", table: warehouse, stage: 40 },
      ]);
      const first = api.call(`msdyn_warehouses(${id})`, { method: "PATCH", body: { msdyn_description: "busy" } });
      await inStep;
      const second = await api.call("WhoAmI");
      expect(second.status).toBe(429);
      expect(second.json.error).toEqual({
        code: "0x80072326",
        message: "Number of concurrent requests exceeded the limit of 1.",
      });
      release();
      expect((await first).status).toBe(204);
      expect((await api.call("WhoAmI")).status).toBe(200);
    } finally {
      await receiver.close();
      await api.close();
    }
  });
});
