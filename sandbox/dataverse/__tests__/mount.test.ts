import { createLocalTokenIssuer } from "../../auth";
import { startSandbox, type SandboxServer } from "../../server";
import { DEFAULT_USER } from "..";
import { dataverseMount } from "../mount";

describe("the Dataverse emulator mounted in the sandbox", () => {
  let sandbox: SandboxServer;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, stateDir: null, mounts: [dataverseMount] });
  });
  afterAll(() => sandbox.close());

  const api = (path: string, init: RequestInit = {}) => fetch(`${sandbox.url}/api/data/v9.2/${path}`, init);

  it("serves the Web API at /api/data/v9.2/, a request without a token acting as the signed-in user", async () => {
    const reply = await api("WhoAmI");
    expect(reply.status).toBe(200);
    expect(((await reply.json()) as { UserId: string }).UserId).toBe(DEFAULT_USER.id);
  });

  it("runs as the user a token issued by the sandbox's issuer names", async () => {
    const created = await api("systemusers", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ fullname: "Dispatcher", domainname: "dispatcher@sandbox.local" }),
    });
    const userId = /\(([0-9a-f-]{36})\)$/.exec(created.headers.get("odata-entityid") ?? "")?.[1] ?? "";
    const issuer = await createLocalTokenIssuer({ issuer: "http://sandbox.local", audience: "api://fsi" });
    const { access_token: token } = await issuer.issueToken({ id: userId, name: "Dispatcher" });
    const reply = await api("WhoAmI", { headers: { authorization: `Bearer ${token}` } });
    expect(((await reply.json()) as { UserId: string }).UserId).toBe(userId);
  });
});
