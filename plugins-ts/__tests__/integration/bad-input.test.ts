/**
 * Bad input never writes anything and never stops the host: each kind is answered with the right
 * 4xx and a message that says what is wrong.
 */
import { type JWTPayload, SignJWT, generateKeyPair } from "jose";
import { inventoryOnHand } from "@fsi/core/scm/inventory-entities";
import { buildDataEvent } from "@fsi/sandbox/scm/events/data-event";
import { warehouseCreateContext } from "../support/contexts";
import {
  ADMIN,
  type Environment,
  SCM_EVENTS_KEY,
  WEBHOOK_KEY,
  dataverseRowByKey,
  httpRequest,
  scmRequest,
  settle,
  startEnvironment,
} from "../support/environment";

const BODY_LIMIT = 64 * 1024;
let env: Environment;
let siteId: string;

beforeAll(async () => {
  env = await startEnvironment({ bodyLimitBytes: BODY_LIMIT });
  await scmRequest(env.scmUrl, "POST", "OperationalSites", { dataAreaId: "usmf", SiteId: "S1", SiteName: "Seattle" });
  await settle(env);
  siteId = String(
    (await dataverseRowByKey(env, "msdyn_operationalsites", "msdyn_siteid eq 'S1'"))?.msdyn_operationalsiteid,
  );
});

afterAll(async () => {
  await env.close();
});

const json = { "content-type": "application/json" };
const syncUrl = () => `${env.hostUrl}/plugins/webhooks/sync-to-scm`;
const createBody = (identifier: string) =>
  JSON.stringify(
    warehouseCreateContext({
      identifier,
      name: `Warehouse ${identifier}`,
      companyId: env.companyId,
      siteId,
      stage: 40,
    }),
  );
const inScm = async (identifier: string) =>
  (await scmRequest(env.scmUrl, "GET", `Warehouses(dataAreaId='usmf',WarehouseId='${identifier}')`)).status;

function errorOf(reply: { json: unknown }): { code: string; message: string } {
  return (reply.json as { error: { code: string; message: string } }).error;
}

describe("webhooks refuse bad input", () => {
  it("401 without the service endpoint's key, or with a wrong one — and writes nothing", async () => {
    const missing = await httpRequest(syncUrl(), { method: "POST", headers: json, body: createBody("4001") });
    expect([missing.status, errorOf(missing).code]).toEqual([401, "MISSING_WEBHOOK_KEY"]);
    expect(errorOf(missing).message).toContain("x-fsi-webhook-key header");
    const wrong = await httpRequest(syncUrl(), {
      method: "POST",
      headers: { ...json, "x-fsi-webhook-key": `${WEBHOOK_KEY}x` },
      body: createBody("4001"),
    });
    expect([wrong.status, errorOf(wrong).code]).toEqual([401, "INVALID_WEBHOOK_KEY"]);
    expect(await inScm("4001")).toBe(404);

    // The same body with the right key does write: the refusals above were about the key alone.
    const right = await httpRequest(syncUrl(), {
      method: "POST",
      headers: { ...json, "x-fsi-webhook-key": WEBHOOK_KEY },
      body: createBody("4001"),
    });
    expect(right.status).toBe(200);
    expect(await inScm("4001")).toBe(200);
  });

  it("400 for a body that is not JSON, naming the line and column", async () => {
    const reply = await httpRequest(syncUrl(), {
      method: "POST",
      headers: { ...json, "x-fsi-webhook-key": WEBHOOK_KEY },
      body: '{\n  "MessageName": "Create",\n  oops\n}',
    });
    expect(reply.status).toBe(400);
    expect(errorOf(reply)).toMatchObject({
      code: "INVALID_JSON",
      message: expect.stringContaining("line 3, column 3") as unknown,
    });
  });

  it("400 for JSON that is not a RemoteExecutionContext, naming every problem — and writes nothing", async () => {
    const context = JSON.parse(createBody("4002")) as Record<string, unknown>;
    delete context.PrimaryEntityId;
    context.Mode = 7;
    const reply = await httpRequest(syncUrl(), {
      method: "POST",
      headers: { ...json, "x-fsi-webhook-key": WEBHOOK_KEY },
      body: JSON.stringify(context),
    });
    expect(reply.status).toBe(400);
    expect(errorOf(reply).code).toBe("INVALID_EXECUTION_CONTEXT");
    expect(errorOf(reply).message).toContain("RemoteExecutionContext: $.PrimaryEntityId");
    expect(errorOf(reply).message).toContain(
      "RemoteExecutionContext: $.Mode: must be 0 (synchronous) or 1 (asynchronous)",
    );
    expect(await inScm("4002")).toBe(404);
  });

  it("413 for a body over the limit, whether declared or streamed", async () => {
    const huge = JSON.stringify({ padding: "x".repeat(BODY_LIMIT * 2) });
    const declared = await httpRequest(syncUrl(), {
      method: "POST",
      headers: { ...json, "x-fsi-webhook-key": WEBHOOK_KEY },
      body: huge,
    });
    expect([declared.status, errorOf(declared).code]).toEqual([413, "PAYLOAD_TOO_LARGE"]);
    const chunks = [huge.slice(0, BODY_LIMIT), huge.slice(BODY_LIMIT)];
    const streamed = await httpRequest(syncUrl(), {
      method: "POST",
      headers: { ...json, "x-fsi-webhook-key": WEBHOOK_KEY },
      body: new ReadableStream({
        pull(controller) {
          const chunk = chunks.shift();
          if (chunk === undefined) controller.close();
          else controller.enqueue(new TextEncoder().encode(chunk));
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it("404 for an unknown handler, 405 for another method, 415 for another content type", async () => {
    const unknown = await httpRequest(`${env.hostUrl}/plugins/webhooks/teleport`, {
      method: "POST",
      headers: { ...json, "x-fsi-webhook-key": WEBHOOK_KEY },
      body: createBody("4003"),
    });
    expect([unknown.status, errorOf(unknown).message]).toEqual([
      404,
      "No webhook handler 'teleport'; handlers: validate, sync-to-scm, sync-status.",
    ]);
    const method = await httpRequest(syncUrl(), { method: "GET" });
    expect([method.status, method.headers.get("allow")]).toEqual([405, "POST"]);
    const form = await httpRequest(syncUrl(), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-fsi-webhook-key": WEBHOOK_KEY },
      body: "a=1",
    });
    expect(form.status).toBe(415);
  });
});

describe("the SCM events endpoint refuses bad input", () => {
  it("401 without the subscription's key", async () => {
    const reply = await httpRequest(`${env.hostUrl}/plugins/scm-events`, { method: "POST", headers: json, body: "{}" });
    expect([reply.status, errorOf(reply).code]).toEqual([401, "MISSING_WEBHOOK_KEY"]);
  });

  it("400 for a body that is not a data event, for an unknown virtual table, and for an entity no map covers", async () => {
    const post = (body: unknown) =>
      httpRequest(`${env.hostUrl}/plugins/scm-events?code=${SCM_EVENTS_KEY}`, {
        method: "POST",
        headers: json,
        body: JSON.stringify(body),
      });
    const malformed = await post({ ControlNumber: -1 });
    expect(malformed.status).toBe(400);
    expect(errorOf(malformed)).toMatchObject({
      code: "INVALID_DATA_EVENT",
      message: expect.stringContaining("SCM data event: $.MessageName") as unknown,
    });
    const onHand = buildDataEvent({
      entity: inventoryOnHand,
      operation: "Create",
      key: { dataAreaId: "usmf", ItemNumber: "A1", WarehouseId: "1" },
      row: { dataAreaId: "usmf", ItemNumber: "A1", WarehouseId: "1" },
      changedFields: [],
      raisedOn: new Date(),
    });
    const unknownTable = await post({ ...onHand, PrimaryEntityName: "mserp_spaceshipentity" });
    expect([unknownTable.status, errorOf(unknownTable).code]).toEqual([400, "INVALID_DATA_EVENT"]);
    const notAMessage = await post({ ...onHand, MessageName: "Create" });
    expect([notAMessage.status, errorOf(notAMessage).code]).toEqual([400, "INVALID_DATA_EVENT"]);
    const unmapped = await post(onHand);
    expect([unmapped.status, errorOf(unmapped).code]).toEqual([400, "UNMAPPED_TABLE"]);
  });
});

describe("the validation API refuses callers without a valid token", () => {
  const request = {
    table: "msdyn_shipvia",
    operation: "create",
    company: "usmf",
    attributes: { msdyn_name: "AIR", msdyn_description: "Air freight" },
  };
  const post = (authorization?: string) =>
    httpRequest(`${env.hostUrl}/plugins/validate`, {
      method: "POST",
      headers: { ...json, ...(authorization === undefined ? {} : { authorization }) },
      body: JSON.stringify(request),
    });

  it("accepts a user's token from the tenant the API trusts", async () => {
    const reply = await post(`Bearer ${(await env.issuer.issueToken({ id: ADMIN.id })).access_token}`);
    expect([reply.status, reply.json]).toEqual([200, { valid: true, errors: [], warnings: [] }]);
  });

  it.each([
    ["no token", () => Promise.resolve(undefined), "MISSING_TOKEN"],
    ["a token that is not a JWT", () => Promise.resolve("Bearer not-a-jwt"), "TOKEN_MALFORMED"],
    [
      "an expired token",
      async () => `Bearer ${(await env.issuer.issueToken({ id: ADMIN.id }, { lifetimeSeconds: -120 })).access_token}`,
      "TOKEN_EXPIRED",
    ],
    [
      "a token for another audience",
      async () =>
        `Bearer ${(await env.issuer.issueToken({ id: ADMIN.id }, { audience: "api://something-else" })).access_token}`,
      "TOKEN_REJECTED",
    ],
    [
      "a forged token (same claims, another key)",
      async () => {
        const { privateKey } = await generateKeyPair("RS256");
        const [, payload] = (await env.issuer.issueToken({ id: ADMIN.id })).access_token.split(".");
        const claims = JSON.parse(Buffer.from(String(payload), "base64url").toString("utf8")) as JWTPayload;
        return `Bearer ${await new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: String(env.issuer.jwks.keys[0]?.kid), typ: "JWT" }).sign(privateKey)}`;
      },
      "TOKEN_REJECTED",
    ],
  ])("401 for %s", async (_what, authorization, code) => {
    const reply = await post(await authorization());
    expect([reply.status, errorOf(reply).code]).toEqual([401, code]);
    expect(reply.headers.get("www-authenticate")).toMatch(/^Bearer realm="fsi"/);
  });
});

describe("after all that", () => {
  it("the host still answers", async () => {
    const health = await httpRequest(`${env.hostUrl}/plugins/health`);
    expect([health.status, health.json]).toEqual([200, { status: "ok", queueDepth: 0 }]);
  });
});
