/**
 * The host's inventory routes over HTTP answer bad requests with a 4xx that says what is wrong, and
 * the host keeps running: wrong key, unknown handler, wrong method, malformed JSON, a body that is
 * not a RemoteExecutionContext or a data event, an event of an entity no map reads.
 */
import { releasedProducts } from "@fsi/core/scm/inventory-entities";
import { buildDataEvent } from "@fsi/sandbox/scm/events/data-event";
import { createServer, type Server } from "node:http";
import { closeServer, listen } from "../../http-kit";
import { createLogger, memorySink } from "../../services/logger";
import { type InventoryEngine, createInventoryEngine } from "../engine";
import type { PluginHost } from "../../host/plugin-host";
import { hostServing } from "./support/host";

const KEY = "host-test-webhook-key-0123456789";
const EVENTS_KEY = "host-test-events-key-0123456789";
let engine: InventoryEngine;
let host: PluginHost;
let server: Server;
let url: string;

beforeAll(async () => {
  const log = createLogger(memorySink());
  engine = createInventoryEngine({
    dataverse: { url: "http://127.0.0.1:9", accessToken: () => Promise.resolve("unused") },
    scm: { url: "http://127.0.0.1:9/scm", timeoutMs: 500, retryDelayMs: 1 },
    integration: {
      integrationUserId: "a0000000-0000-4000-8000-0000000000f5",
      echoTag: "fsi-integration",
      scmIntegrationUser: "FSI-Integration",
    },
    log,
  });
  host = hostServing(engine, {
    dataverseUrl: "http://127.0.0.1:9",
    dataverseToken: "unused",
    scmUrl: "http://127.0.0.1:9/scm",
    integrationUserId: "a0000000-0000-4000-8000-0000000000f5",
    scmIntegrationUser: "FSI-Integration",
    webhookAuth: { kind: "HttpHeader", headerName: "x-fsi-webhook-key", key: KEY },
    scmEventsAuth: { kind: "WebhookKey", key: EVENTS_KEY },
    log,
  });
  server = createServer(host.listener);
  url = await listen(server, 0);
});

afterAll(async () => {
  await closeServer(server);
  await host.close();
  await engine.close();
});

async function post(
  path: string,
  body: string,
  headers: Record<string, string> = { "content-type": "application/json", "x-fsi-webhook-key": KEY },
) {
  const response = await fetch(`${url}${path}`, { method: "POST", headers, body });
  return { status: response.status, json: (await response.json()) as { error?: { code: string; message: string } } };
}

describe("the host's inventory routes refuse what they cannot use", () => {
  it("a missing or wrong webhook key (401)", async () => {
    expect(
      (await post("/plugins/inventory/webhooks/inventory-posting-lock", "{}", { "content-type": "application/json" }))
        .json.error,
    ).toMatchObject({ code: "MISSING_WEBHOOK_KEY" });
    expect(
      (
        await post("/plugins/inventory/webhooks/inventory-posting-lock", "{}", {
          "content-type": "application/json",
          "x-fsi-webhook-key": "nope",
        })
      ).status,
    ).toBe(401);
  });

  it("an unknown handler (404) naming the handlers, and a wrong method (405)", async () => {
    const unknown = await post("/plugins/inventory/webhooks/validate", "{}");
    expect(unknown.status).toBe(404);
    expect(unknown.json.error?.message).toContain(
      "inventory-posting-lock, inventory-post, work-order-project, work-order-sales-order",
    );
    const get = await fetch(`${url}/plugins/inventory/webhooks/inventory-posting-lock`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });

  it("malformed JSON and a body that is not a RemoteExecutionContext (400)", async () => {
    const broken = await post("/plugins/inventory/webhooks/inventory-posting-lock", '{"MessageName": ');
    expect(broken.status).toBe(400);
    const wrong = await post(
      "/plugins/inventory/webhooks/inventory-posting-lock",
      JSON.stringify({ MessageName: "Update" }),
    );
    expect(wrong.status).toBe(400);
    expect(wrong.json.error).toMatchObject({ code: "INVALID_EXECUTION_CONTEXT" });
    expect(wrong.json.error?.message).toContain("PrimaryEntityName");
  });

  it("a body that is not a data event, and an event no map reads (400)", async () => {
    const path = `/plugins/scm-events?code=${EVENTS_KEY}`;
    const notEvent = await post(path, JSON.stringify({ hello: "world" }), { "content-type": "application/json" });
    expect(notEvent.status).toBe(400);
    expect(notEvent.json.error).toMatchObject({ code: "INVALID_DATA_EVENT" });
    const product = buildDataEvent({
      entity: releasedProducts,
      operation: "Update",
      key: { dataAreaId: "usmf", ItemNumber: "A0001" },
      row: { dataAreaId: "usmf", ItemNumber: "A0001" },
      changedFields: [],
      raisedOn: new Date(),
    });
    const unmapped = await post(path, JSON.stringify(product), { "content-type": "application/json" });
    expect(unmapped.status).toBe(400);
    expect(unmapped.json.error).toMatchObject({ code: "UNMAPPED_TABLE" });
    expect(unmapped.json.error?.message).toContain("No map reads SCM entity ReleasedProducts");
    expect(unmapped.json.error?.message).toContain("Warehouses");
    expect(unmapped.json.error?.message).toContain("InventoryOnHand, Projects");
  });

  it("a text body (415), an unknown path (404), and still answers afterwards", async () => {
    expect(
      (
        await post("/plugins/inventory/webhooks/inventory-posting-lock", "hello", {
          "content-type": "text/plain",
          "x-fsi-webhook-key": KEY,
        })
      ).status,
    ).toBe(415);
    expect((await fetch(`${url}/plugins/inventory/nothing`)).status).toBe(404);
    const status = await fetch(`${url}/plugins/inventory/status`, { headers: { "x-fsi-webhook-key": KEY } });
    expect(status.status).toBe(200);
    const body = (await status.json()) as { maps: { map: string; mode: string }[] };
    expect(body.maps.map((map) => `${map.map}:${map.mode}`)).toEqual([
      "on-hand:live",
      "projects:live",
      "inventory-adjustments:live",
      "inventory-transfers:live",
      "work-order-sales-orders:live",
    ]);
  });
});
