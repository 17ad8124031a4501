/**
 * DNS rebinding and cross-origin pages against the running sandbox (`startSandbox`, port 0): only
 * the sandbox's own host and port are answered, and the admin routes (SCM's data event endpoints with the
 * events key, Dataverse's webhook registrations) answer only the sandbox's own pages.
 */
import { request } from "node:http";
import { type SandboxServer, startSandbox } from "../../server";

let sandbox: SandboxServer;
let port: string;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, stateDir: null, seed: false });
  port = new URL(sandbox.url).port;
});

afterAll(async () => {
  await sandbox.close();
});

/** node:http, since fetch does not let a caller set `Host`. */
function get(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: "127.0.0.1", port, path, method: "GET", headers }, (reply) => {
      const chunks: Buffer[] = [];
      reply.on("data", (chunk: Buffer) => chunks.push(chunk));
      reply.on("end", () => {
        resolve({ status: reply.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
      });
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}

const subscriptions = "/scm/admin/event-endpoints";
const serviceEndpoints = "/api/data/v9.2/serviceendpoints";

describe("the sandbox's Host check", () => {
  it("answers its own address and the loopback names on its port", async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
      expect([host, (await get(subscriptions, { host })).status]).toEqual([host, 200]);
    }
  });

  it("refuses a rebound name, another port, or no Host at all with 421, on every route", async () => {
    for (const [path, host] of [
      [subscriptions, `attacker.example:${port}`],
      ["/scm/data/Warehouses", `attacker.example:${port}`],
      [serviceEndpoints, `attacker.example:${port}`],
      ["/scm/data/Warehouses", "127.0.0.1:1"],
      ["/scm/data/Warehouses", "127.0.0.1"],
    ] as const) {
      const reply = await get(path, { host });
      expect([path, host, reply.status, (JSON.parse(reply.body) as { error: { code: string } }).error.code]).toEqual([
        path,
        host,
        421,
        "HOST_NOT_ALLOWED",
      ]);
      expect(reply.body).not.toContain("key");
    }
  });
});

describe("the admin routes", () => {
  const own = () => ({ host: `127.0.0.1:${port}` });

  it("refuse a page of another origin (403), however it names itself", async () => {
    for (const [path, headers] of [
      [subscriptions, { origin: "http://attacker.example" }],
      [subscriptions, { origin: "null" }],
      [subscriptions, { "sec-fetch-site": "cross-site" }],
      [serviceEndpoints, { origin: `http://attacker.example:${port}` }],
      ["/api/data/v9.2/sdkmessageprocessingsteps?$top=1", { "sec-fetch-site": "same-site" }],
    ] as const) {
      const reply = await get(path, { ...own(), ...headers });
      expect([path, reply.status, (JSON.parse(reply.body) as { error: { code: string } }).error.code]).toEqual([
        path,
        403,
        "ORIGIN_NOT_ALLOWED",
      ]);
    }
  });

  it("answer the sandbox's own pages and callers that are not browser pages", async () => {
    const variants: Record<string, string>[] = [
      { origin: sandbox.url },
      { origin: `http://localhost:${port}` },
      { "sec-fetch-site": "same-origin" },
      {},
    ];
    for (const headers of variants) {
      expect((await get(subscriptions, { ...own(), ...headers })).status).toBe(200);
      expect((await get(serviceEndpoints, { ...own(), ...headers })).status).toBe(200);
    }
  });

  it("leave other routes to the emulators, whatever the origin (they grant no CORS)", async () => {
    const reply = await get("/scm/data/Warehouses", { ...own(), origin: "http://attacker.example" });
    expect(reply.status).toBe(200);
  });
});
