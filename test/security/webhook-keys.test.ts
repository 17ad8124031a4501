/**
 * Webhook keys: every keyed endpoint of the plug-in host — the two-way maps' and the inventory
 * engine's — refuses a missing or wrong key with 401, in each of the three places Dataverse can put it
 * (HttpHeader, WebhookKey `?code=`, HttpQueryString), compares the key in constant time (SHA-256 of
 * both sides, then `crypto.timingSafeEqual` on the equal-length digests), echoes no key, and runs
 * nothing — so writes nothing — before the key is right.
 *
 * Beyond `plugins-ts/host/__tests__/webhook-key.test.ts` (the check as a function) and
 * `bad-input.test.ts` (one endpoint, one variant): every endpoint, every variant, over HTTP.
 */
import crypto from "node:crypto";
import { createServer, type Server } from "node:http";
import { type WebhookAuth, sameSecret } from "@fsi/plugins/http-kit/auth/webhook-key";
import { closeServer, listen } from "@fsi/plugins/http-kit";
import { type PluginHost, createPluginHost } from "@fsi/plugins/host/plugin-host";
import type { InventoryEngine } from "@fsi/plugins/inventory";
import { ScmToDataverseSync } from "@fsi/plugins/plugins/scm-to-dataverse";
import { SyncStatusPlugin } from "@fsi/plugins/plugins/sync-status-plugin";
import { SyncToScmPlugin } from "@fsi/plugins/plugins/sync-to-scm-plugin";
import { ValidatePlugin } from "@fsi/plugins/plugins/validate-plugin";
import { createLogger, memorySink } from "@fsi/plugins/services/logger";
import { warehouseCreateContext } from "@fsi/plugins/__tests__/support/contexts";
import {
  type Environment,
  INTEGRATION,
  INTEGRATION_TOKEN,
  SCM_EVENTS_KEY,
  WEBHOOK_KEY,
  dataverseRequest,
  dataverseRowByKey,
  httpRequest,
  scmRequest,
  startEnvironment,
  settle,
} from "@fsi/plugins/__tests__/support/environment";
import {
  type InventoryEnvironment,
  SCM_EVENTS_KEY as INVENTORY_EVENTS_KEY,
  WEBHOOK_KEY as INVENTORY_WEBHOOK_KEY,
  startInventoryEnvironment,
} from "@fsi/plugins/inventory/__tests__/support/environment";
import { errorOf } from "./support/requests";

jest.setTimeout(60_000);

interface KeyedEndpoint {
  readonly path: string;
  readonly method: "POST" | "GET";
  /** Which of the host's two keys guards it. */
  readonly guard: "webhooks" | "events";
  /** What the right key gets with the probe body `{}`: proof that only the key was refused. */
  readonly withRightKey: readonly [number, string | undefined];
}

interface KeyedHost {
  readonly label: string;
  readonly url: () => string;
  readonly webhookAuth: WebhookAuth;
  readonly scmEventsAuth: WebhookAuth;
  readonly endpoints: readonly KeyedEndpoint[];
}

const pluginEndpoints: KeyedEndpoint[] = [
  ...["validate", "sync-to-scm", "sync-status"].map(
    (handler): KeyedEndpoint => ({
      path: `/plugins/webhooks/${handler}`,
      method: "POST",
      guard: "webhooks",
      withRightKey: [400, "INVALID_EXECUTION_CONTEXT"],
    }),
  ),
  {
    path: "/plugins/webhooks/no-such-handler",
    method: "POST",
    guard: "webhooks",
    withRightKey: [404, "UNKNOWN_HANDLER"],
  },
  { path: "/plugins/scm-events", method: "POST", guard: "events", withRightKey: [400, "INVALID_DATA_EVENT"] },
];

const inventoryHandlers = ["inventory-posting-lock", "inventory-post", "work-order-project", "work-order-sales-order"];
const inventoryEndpoints: KeyedEndpoint[] = [
  ...inventoryHandlers.map(
    (handler): KeyedEndpoint => ({
      path: `/plugins/inventory/webhooks/${handler}`,
      method: "POST",
      guard: "webhooks",
      withRightKey: [400, "INVALID_EXECUTION_CONTEXT"],
    }),
  ),
  {
    path: "/plugins/inventory/webhooks/no-such-handler",
    method: "POST",
    guard: "webhooks",
    withRightKey: [404, "UNKNOWN_HANDLER"],
  },
  // The one SCM events entrance, on a host serving the inventory engine.
  { path: "/plugins/scm-events", method: "POST", guard: "events", withRightKey: [400, "INVALID_DATA_EVENT"] },
  { path: "/plugins/inventory/status", method: "GET", guard: "webhooks", withRightKey: [200, undefined] },
];

// The two environments' hosts use HttpHeader for webhooks and WebhookKey for events; the extra
// hosts below move each guard to the other two variants, so every endpoint meets all three.
const variantA = {
  webhookAuth: { kind: "WebhookKey", key: "variant-a-webhook-key-4f1c9e27b3" },
  scmEventsAuth: { kind: "HttpQueryString", parameterName: "fsi-key", key: "variant-a-events-key-8d2e7a61c0" },
} as const satisfies Pick<KeyedHost, "webhookAuth" | "scmEventsAuth">;
const variantB = {
  webhookAuth: { kind: "HttpQueryString", parameterName: "secret", key: "variant-b-webhook-key-0a93b5d7e1" },
  scmEventsAuth: { kind: "HttpHeader", headerName: "x-scm-events-key", key: "variant-b-events-key-6c4f2e08a9" },
} as const satisfies Pick<KeyedHost, "webhookAuth" | "scmEventsAuth">;

let env: Environment;
let inventory: InventoryEnvironment;
const extraHosts: PluginHost[] = [];
const extraServers: Server[] = [];
const urls = new Map<string, string>();

async function serve(label: string, listener: Parameters<typeof createServer>[1]): Promise<void> {
  const server = createServer(listener);
  extraServers.push(server);
  urls.set(label, await listen(server, 0));
}

function extraPluginHost(
  auth: Pick<KeyedHost, "webhookAuth" | "scmEventsAuth">,
  inventoryEngine?: InventoryEngine,
): PluginHost {
  const host = createPluginHost({
    dataverse: { url: env.dataverse.url, accessToken: () => Promise.resolve(INTEGRATION_TOKEN) },
    scm: { url: env.scmUrl, integrationUser: "FSI-Integration", timeoutMs: 5_000, retryDelayMs: 10 },
    integration: {
      integrationUserId: INTEGRATION.id,
      scmIntegrationUser: "FSI-Integration",
      echoTag: "fsi-integration",
      scmUnavailablePolicy: "fail-closed",
    },
    ...auth,
    validationApi: {
      bearer: { issuer: env.issuer.issuer, audience: env.issuer.audience, jwks: { keys: env.issuer.jwks } },
      cors: { allowedOrigins: [] },
    },
    retryIntervalMs: 0,
    ...(inventoryEngine === undefined ? {} : { inventory: inventoryEngine }),
    log: createLogger(memorySink()),
  });
  extraHosts.push(host);
  return host;
}

beforeAll(async () => {
  [env, inventory] = await Promise.all([startEnvironment(), startInventoryEnvironment()]);
  await serve("plug-in host, variant A", extraPluginHost(variantA).listener);
  await serve("plug-in host, variant B", extraPluginHost(variantB).listener);
  await serve("inventory host, variant A", extraPluginHost(variantA, inventory.engine).listener);
  await serve("inventory host, variant B", extraPluginHost(variantB, inventory.engine).listener);
});

afterAll(async () => {
  jest.restoreAllMocks();
  for (const server of extraServers) await closeServer(server);
  for (const host of extraHosts) await host.close();
  await Promise.all([env.close(), inventory.close()]);
});

const hosts: KeyedHost[] = [
  {
    label: "plug-in host",
    url: () => env.hostUrl,
    webhookAuth: { kind: "HttpHeader", headerName: "x-fsi-webhook-key", key: WEBHOOK_KEY },
    scmEventsAuth: { kind: "WebhookKey", key: SCM_EVENTS_KEY },
    endpoints: pluginEndpoints,
  },
  {
    label: "plug-in host, variant A",
    url: () => urls.get("plug-in host, variant A") ?? "",
    ...variantA,
    endpoints: pluginEndpoints,
  },
  {
    label: "plug-in host, variant B",
    url: () => urls.get("plug-in host, variant B") ?? "",
    ...variantB,
    endpoints: pluginEndpoints,
  },
  {
    label: "inventory host",
    url: () => inventory.hostUrl,
    webhookAuth: { kind: "HttpHeader", headerName: "x-fsi-webhook-key", key: INVENTORY_WEBHOOK_KEY },
    scmEventsAuth: { kind: "WebhookKey", key: INVENTORY_EVENTS_KEY },
    endpoints: inventoryEndpoints,
  },
  {
    label: "inventory host, variant A",
    url: () => urls.get("inventory host, variant A") ?? "",
    ...variantA,
    endpoints: inventoryEndpoints,
  },
  {
    label: "inventory host, variant B",
    url: () => urls.get("inventory host, variant B") ?? "",
    ...variantB,
    endpoints: inventoryEndpoints,
  },
];

/** Where a key goes: a header, or a query parameter. */
type Placement = { readonly header: string } | { readonly query: string };

function placementOf(auth: WebhookAuth): Placement {
  switch (auth.kind) {
    case "HttpHeader":
      return { header: auth.headerName };
    case "WebhookKey":
      return { query: "code" };
    case "HttpQueryString":
      return { query: auth.parameterName };
  }
}

/** Somewhere the check does not look: the header where a query parameter is expected, and the reverse. */
function wrongPlacementOf(auth: WebhookAuth): Placement {
  return auth.kind === "HttpHeader" ? { query: "code" } : { header: "x-fsi-webhook-key" };
}

function whereMessage(auth: WebhookAuth): string {
  const placement = placementOf(auth);
  return "header" in placement ? `the ${placement.header} header` : `the ${placement.query} query parameter`;
}

async function send(
  host: KeyedHost,
  endpoint: KeyedEndpoint,
  key?: { readonly value: string; readonly at: Placement },
  body = "{}",
) {
  const url = new URL(`${host.url()}${endpoint.path}`);
  const headers: Record<string, string> = endpoint.method === "POST" ? { "content-type": "application/json" } : {};
  if (key !== undefined) {
    if ("header" in key.at) headers[key.at.header] = key.value;
    else url.searchParams.set(key.at.query, key.value);
  }
  return httpRequest(url.toString(), {
    method: endpoint.method,
    headers,
    ...(endpoint.method === "POST" ? { body } : {}),
  });
}

/** A different key of the same length: only the content differs. */
function sameLengthForgery(key: string): string {
  const last = key.at(-1) === "0" ? "1" : "0";
  return `${key.slice(0, -1)}${last}`;
}

describe("the comparison", () => {
  it("hashes both sides with SHA-256 and compares the equal-length digests with crypto.timingSafeEqual", () => {
    const compare = jest.spyOn(crypto, "timingSafeEqual");
    const expected = "the-configured-key-0123456789";
    for (const presented of [
      "x",
      expected.slice(0, -1),
      `${expected}x`,
      sameLengthForgery(expected),
      expected,
      "y".repeat(10_000),
    ]) {
      compare.mockClear();
      expect(sameSecret(presented, expected)).toBe(presented === expected);
      expect(compare).toHaveBeenCalledTimes(1);
      const [a, b] = compare.mock.calls[0] ?? [];
      expect([Buffer.isBuffer(a), Buffer.isBuffer(b)]).toEqual([true, true]);
      expect(a).toEqual(crypto.createHash("sha256").update(presented, "utf8").digest());
      expect(b).toEqual(crypto.createHash("sha256").update(expected, "utf8").digest());
    }
    compare.mockRestore();
  });
});

describe.each(hosts)("$label", (host) => {
  const guarded = (endpoint: KeyedEndpoint) => (endpoint.guard === "webhooks" ? host.webhookAuth : host.scmEventsAuth);
  const other = (endpoint: KeyedEndpoint) => (endpoint.guard === "webhooks" ? host.scmEventsAuth : host.webhookAuth);

  it.each(host.endpoints.map((endpoint) => [`${endpoint.method} ${endpoint.path}`, endpoint] as const))(
    "%s: 401 for a missing, wrong, lengthened, misplaced or other endpoint's key — compared in constant time, echoed nowhere",
    async (_name, endpoint) => {
      const auth = guarded(endpoint);
      const at = placementOf(auth);
      const compare = jest.spyOn(crypto, "timingSafeEqual");
      try {
        const missing = await send(host, endpoint);
        expect([missing.status, errorOf(missing.json).code]).toEqual([401, "MISSING_WEBHOOK_KEY"]);
        expect(errorOf(missing.json).message).toContain(whereMessage(auth));
        const misplaced = await send(host, endpoint, { value: auth.key, at: wrongPlacementOf(auth) });
        expect([misplaced.status, errorOf(misplaced.json).code]).toEqual([401, "MISSING_WEBHOOK_KEY"]);
        expect(compare).not.toHaveBeenCalled();

        for (const presented of [
          sameLengthForgery(auth.key),
          `${auth.key}0`,
          auth.key.slice(-12),
          other(endpoint).key,
        ]) {
          compare.mockClear();
          const wrong = await send(host, endpoint, { value: presented, at });
          expect([wrong.status, errorOf(wrong.json).code]).toEqual([401, "INVALID_WEBHOOK_KEY"]);
          expect(JSON.stringify(wrong.json)).not.toContain(presented);
          expect(JSON.stringify(wrong.json)).not.toContain(auth.key);
          // One comparison, of two SHA-256 digests, whatever the presented key's length.
          expect(compare).toHaveBeenCalledTimes(1);
          expect(compare.mock.calls[0]?.map((side) => (side as Buffer).length)).toEqual([32, 32]);
          expect(compare).toHaveReturnedWith(false);
        }

        const right = await send(host, endpoint, { value: auth.key, at });
        const [status, code] = endpoint.withRightKey;
        expect(right.status).toBe(status);
        if (code !== undefined) expect(errorOf(right.json).code).toBe(code);
      } finally {
        compare.mockRestore();
      }
    },
  );
});

describe("a refused request runs nothing and writes nothing", () => {
  it("no plug-in, event handler or status read runs for a request without the right key, and SCM and Dataverse are unchanged", async () => {
    await scmRequest(env.scmUrl, "POST", "OperationalSites", {
      dataAreaId: "usmf",
      SiteId: "K1",
      SiteName: "Key test site",
    });
    await settle(env);
    const siteId = String(
      (await dataverseRowByKey(env, "msdyn_operationalsites", "msdyn_siteid eq 'K1'"))?.msdyn_operationalsiteid,
    );
    const counts = async () => ({
      scm: ((await scmRequest(env.scmUrl, "GET", "Warehouses?cross-company=true")).json as { value: unknown[] }).value
        .length,
      dataverse: ((await dataverseRequest(env.dataverse.url, "GET", "msdyn_warehouses")).json as { value: unknown[] })
        .value.length,
      queue: await env.host.queue.depth(),
    });
    const before = await counts();

    const ran = [
      jest.spyOn(ValidatePlugin.prototype, "execute"),
      jest.spyOn(SyncToScmPlugin.prototype, "execute"),
      jest.spyOn(SyncStatusPlugin.prototype, "execute"),
      jest.spyOn(ScmToDataverseSync.prototype, "receive"),
      ...[...inventory.engine.plugins.values()].map((plugin) => jest.spyOn(plugin, "execute")),
      jest.spyOn(inventory.engine, "receiveScmEvent"),
      jest.spyOn(inventory.engine, "batchStatus"),
    ];
    // Bodies that would write if they were let in: a warehouse create for each webhook.
    const body = (stage: 10 | 40) =>
      JSON.stringify(
        warehouseCreateContext({ identifier: "7001", name: "Never written", companyId: env.companyId, siteId, stage }),
      );
    for (const host of hosts) {
      for (const endpoint of host.endpoints) {
        const auth = endpoint.guard === "webhooks" ? host.webhookAuth : host.scmEventsAuth;
        const refused = [
          await send(host, endpoint, undefined, body(endpoint.path.endsWith("/validate") ? 10 : 40)),
          await send(host, endpoint, { value: sameLengthForgery(auth.key), at: placementOf(auth) }, body(40)),
        ];
        expect(refused.map((reply) => reply.status)).toEqual([401, 401]);
      }
    }
    for (const spy of ran) expect(spy).not.toHaveBeenCalled();
    expect(await counts()).toEqual(before);
    expect((await scmRequest(env.scmUrl, "GET", "Warehouses(dataAreaId='usmf',WarehouseId='7001')")).status).toBe(404);
    for (const spy of ran) spy.mockRestore();
  });
});
