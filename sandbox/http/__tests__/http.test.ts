import { createServer, type Server } from "node:http";
import {
  AsyncMutex,
  HttpError,
  Router,
  closeServer,
  listen,
  locateJsonError,
  parseJson,
  pathSegments,
  readJson,
  sendJson,
} from "..";

describe("sandbox/http over a real server", () => {
  let server: Server;
  let baseUrl: string;
  const serverErrors: unknown[] = [];

  beforeAll(async () => {
    const router = new Router({ onServerError: (error) => serverErrors.push(error) })
      .on("POST", "/echo", async ({ req, res }) => {
        sendJson(res, 200, { received: await readJson(req, { limitBytes: 1024 }) });
      })
      .on("GET", "/items", ({ res, rest }) => {
        sendJson(res, 200, { route: "items", segments: pathSegments(rest) });
      })
      .on("GET", "/items/special", ({ res, rest }) => {
        sendJson(res, 200, { route: "special", rest });
      })
      .on("GET", "/boom", () => {
        throw new Error("database on fire");
      })
      .on("GET", "/teapot", () => {
        throw new HttpError(418, "TEAPOT", "I am a teapot.", { spout: 1 });
      });
    server = createServer(router.listener);
    baseUrl = await listen(server, 0);
  });

  afterAll(async () => {
    await closeServer(server);
  });

  it("echoes a JSON body under the limit", async () => {
    const response = await fetch(`${baseUrl}/echo`, { method: "POST", body: JSON.stringify({ a: [1, 2] }) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: { a: [1, 2] } });
  });

  it("refuses a body over the limit with 413 and keeps serving", async () => {
    const response = await fetch(`${baseUrl}/echo`, {
      method: "POST",
      body: JSON.stringify({ text: "x".repeat(5000) }),
    });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(body.error.message).toContain("1024 bytes");
    const again = await fetch(`${baseUrl}/echo`, { method: "POST", body: "[]" });
    expect(again.status).toBe(200);
  });

  it("answers malformed JSON with 400 naming the line and column", async () => {
    const response = await fetch(`${baseUrl}/echo`, { method: "POST", body: '{\n  "a": tru\n}' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string; details: unknown } };
    expect(body.error.code).toBe("INVALID_JSON");
    expect(body.error.details).toEqual({ position: 12, line: 2, column: 11 });
    expect(body.error.message).toContain("line 2, column 11");
  });

  it("refuses a non-JSON content type with 415", async () => {
    const response = await fetch(`${baseUrl}/echo`, {
      method: "POST",
      body: "a=1",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(response.status).toBe(415);
  });

  it("routes to the longest matching prefix and decodes path segments", async () => {
    const items = (await (await fetch(`${baseUrl}/items/a%20b/c%2Fd`)).json()) as unknown;
    expect(items).toEqual({ route: "items", segments: ["a b", "c/d"] });
    const special = (await (await fetch(`${baseUrl}/items/special/x`)).json()) as unknown;
    expect(special).toEqual({ route: "special", rest: "/x" });
  });

  it("does not treat a longer word as a folder of a prefix", async () => {
    const response = await fetch(`${baseUrl}/itemsandmore`);
    expect(response.status).toBe(404);
  });

  it("answers a known path with the wrong method with 405 and Allow", async () => {
    const response = await fetch(`${baseUrl}/items`, { method: "DELETE" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET");
  });

  it("renders HttpError with its status, code and details", async () => {
    const response = await fetch(`${baseUrl}/teapot`);
    expect(response.status).toBe(418);
    expect(await response.json()).toEqual({
      error: { code: "TEAPOT", message: "I am a teapot.", details: { spout: 1 } },
    });
  });

  it("turns an unexpected exception into a 500 and reports it", async () => {
    const response = await fetch(`${baseUrl}/boom`);
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toContain("database on fire");
    expect(serverErrors).toHaveLength(1);
  });

  it("rejects a malformed percent-encoding in the path with 400", async () => {
    const response = await fetch(`${baseUrl}/items/%E0%A4%A`);
    expect(response.status).toBe(400);
  });
});

describe("locating JSON errors", () => {
  it.each([
    ['{"a":1,}', 7],
    ['{"a" 1}', 5],
    ["[1,2", 4],
    ['{"a": tru}', 9],
    ['{"a":1} x', 8],
    ["12x", 2],
    ['{"a": -}', 7],
  ])("finds the first wrong character of %s", (text, position) => {
    expect(locateJsonError(text)).toBe(position);
  });

  it("reports an empty body as a JSON error at position 0", () => {
    expect(() => parseJson("  ")).toThrow(expect.objectContaining({ status: 400, code: "INVALID_JSON" }) as Error);
  });
});

describe("AsyncMutex", () => {
  it("runs tasks one at a time in arrival order, even when an earlier one fails", async () => {
    const mutex = new AsyncMutex();
    const log: string[] = [];
    let releaseFirst: () => void = () => undefined;
    const first = mutex.runExclusive(async () => {
      log.push("first:start");
      await new Promise<void>((resolve) => {
        releaseFirst = resolve;
      });
      log.push("first:end");
      throw new Error("first failed");
    });
    const second = mutex.runExclusive(() => {
      log.push("second");
      return 2;
    });
    await Promise.resolve();
    expect(log).toEqual(["first:start"]);
    expect(mutex.pending).toBe(2);
    releaseFirst();
    await expect(first).rejects.toThrow("first failed");
    await expect(second).resolves.toBe(2);
    expect(log).toEqual(["first:start", "first:end", "second"]);
    expect(mutex.pending).toBe(0);
  });
});
