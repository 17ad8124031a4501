import { startApi, TOKEN, type TestApi } from "./helpers";

describe("Dataverse emulator: service protection limits", () => {
  let now = Date.UTC(2024, 0, 1);
  let api: TestApi;

  beforeAll(async () => {
    api = await startApi({
      requestLimit: { maxRequests: 3, windowSeconds: 60 },
      tokens: { [TOKEN]: "ab8d3d3e-59a2-4b5e-9c2a-2d4f3c1a9b10", other: "f3c1a9b1-2d4f-4b5e-9c2a-ab8d3d3e59a2" },
      users: [
        { id: "ab8d3d3e-59a2-4b5e-9c2a-2d4f3c1a9b10", fullname: "Dispatcher", domainname: "dispatcher@sandbox.local" },
        { id: "f3c1a9b1-2d4f-4b5e-9c2a-ab8d3d3e59a2", fullname: "Integration", domainname: "integration@sandbox.local" },
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
    expect(throttled.json.error).toEqual({ code: "0x80072322", message: "Number of requests exceeded the limit of 3 over time window of 60 seconds." });

    const otherUser = await api.call("WhoAmI", { headers: { authorization: "Bearer other" } });
    expect(otherUser.status).toBe(200);
    expect(otherUser.json.UserId).toBe("f3c1a9b1-2d4f-4b5e-9c2a-ab8d3d3e59a2");

    now += 41_000;
    expect((await api.call("WhoAmI")).status).toBe(200);
  });
});
