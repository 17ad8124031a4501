/**
 * Request size limits at every endpoint that takes a body — the plug-in host,
 * a host serving the inventory engine and the sandbox's Dataverse and SCM emulators — each at its default limit:
 * a declared Content-Length over the limit is refused with 413 before the body is read, a chunked
 * body that grows past the limit is refused with 413 once it does, a body of exactly the limit is
 * read (and judged on what it says), a body streaming without end is cut off, and the server
 * keeps answering. Keys and tokens are checked before any body byte is read.
 *
 * Beyond `bad-input.test.ts` and `validation-api.test.ts` (sync-to-scm declared and streamed, the
 * validation API declared): every endpoint, a declared length with no body behind it, the
 * emulators, the default limits, and refusal before authentication.
 */
import { DEFAULT_BODY_LIMIT_BYTES } from "@fsi/plugins/host/plugin-host";
import {
  ADMIN,
  ADMIN_TOKEN,
  type Environment,
  SCM_EVENTS_KEY,
  WEBHOOK_KEY,
  httpRequest,
  startEnvironment,
} from "@fsi/plugins/__tests__/support/environment";
import {
  type InventoryEnvironment,
  SCM_EVENTS_KEY as INVENTORY_EVENTS_KEY,
  WEBHOOK_KEY as INVENTORY_WEBHOOK_KEY,
  startInventoryEnvironment,
} from "@fsi/plugins/inventory/__tests__/support/environment";
import { DEFAULT_MAX_REQUEST_BYTES } from "@fsi/sandbox/dataverse/http-adapter";
import { SCM_CREATE_SALES_ORDER_PATH, SCM_POST_INVENTORY_JOURNAL_PATH, SCM_VALIDATION_SERVICE_PATH } from "@fsi/core";
import { postDeclaringLength, postStreamed } from "./support/requests";

jest.setTimeout(60_000);

let env: Environment;
let inventory: InventoryEnvironment;
let token: string;

beforeAll(async () => {
  // The optional custom validation service switched on, so its body limit is tested too.
  [env, inventory] = await Promise.all([
    startEnvironment({ scmOptions: { validationService: true } }),
    startInventoryEnvironment(),
  ]);
  token = (await env.issuer.issueToken({ id: ADMIN.id })).access_token;
});

afterAll(async () => {
  await Promise.all([env.close(), inventory.close()]);
});

/** The inventory host's and the SCM emulator's default limit (both 1 MiB, like the plug-in host's). */
const ONE_MIB = 1024 * 1024;
const GIB = 1024 ** 3;

interface BodyServer {
  readonly name: string;
  readonly limit: number;
  /** A request the server answers 2xx while it is up. */
  alive(): Promise<number>;
  readonly endpoints: readonly BodyEndpoint[];
  /** Whether a body streaming without end is tested here (not at the Dataverse emulator's 16 MiB). */
  readonly endless: boolean;
}

interface BodyEndpoint {
  readonly method: "POST" | "PATCH" | "PUT";
  /** The path, for the test's name (the URL is known once the servers listen). */
  readonly path: string;
  readonly url: () => string;
  /** Headers that get a request past authentication to the body. */
  readonly headers: () => Record<string, string>;
  /** Whether the endpoint is keyed or takes a token (then an anonymous oversize body is a 401). */
  readonly authenticated: boolean;
}

const json = { "content-type": "application/json" };
const servers: BodyServer[] = [
  {
    name: "plug-in host",
    limit: DEFAULT_BODY_LIMIT_BYTES,
    alive: async () => (await httpRequest(`${env.hostUrl}/plugins/health`)).status,
    endless: true,
    endpoints: [
      ...["validate", "sync-to-scm", "sync-status"].map(
        (handler): BodyEndpoint => ({
          method: "POST",
          path: `/plugins/webhooks/${handler}`,
          url: () => `${env.hostUrl}/plugins/webhooks/${handler}`,
          headers: () => ({ ...json, "x-fsi-webhook-key": WEBHOOK_KEY }),
          authenticated: true,
        }),
      ),
      {
        method: "POST",
        path: "/plugins/scm-events",
        url: () => `${env.hostUrl}/plugins/scm-events?code=${SCM_EVENTS_KEY}`,
        headers: () => json,
        authenticated: true,
      },
      {
        method: "POST",
        path: "/plugins/validate",
        url: () => `${env.hostUrl}/plugins/validate`,
        headers: () => ({ ...json, authorization: `Bearer ${token}` }),
        authenticated: true,
      },
    ],
  },
  {
    name: "inventory host",
    limit: ONE_MIB,
    alive: async () =>
      (
        await httpRequest(`${inventory.hostUrl}/plugins/inventory/status`, {
          headers: { "x-fsi-webhook-key": INVENTORY_WEBHOOK_KEY },
        })
      ).status,
    endless: true,
    endpoints: [
      ...["inventory-posting-lock", "inventory-post", "work-order-project", "work-order-sales-order"].map(
        (handler): BodyEndpoint => ({
          method: "POST",
          path: `/plugins/inventory/webhooks/${handler}`,
          url: () => `${inventory.hostUrl}/plugins/inventory/webhooks/${handler}`,
          headers: () => ({ ...json, "x-fsi-webhook-key": INVENTORY_WEBHOOK_KEY }),
          authenticated: true,
        }),
      ),
      {
        method: "POST",
        path: "/plugins/scm-events",
        url: () => `${inventory.hostUrl}/plugins/scm-events?code=${INVENTORY_EVENTS_KEY}`,
        headers: () => json,
        authenticated: true,
      },
    ],
  },
  {
    name: "Dataverse emulator",
    limit: DEFAULT_MAX_REQUEST_BYTES,
    alive: async () =>
      (await httpRequest(`${env.dataverse.apiUrl}WhoAmI`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }))
        .status,
    endless: false,
    endpoints: [
      {
        method: "POST",
        path: "/api/data/v9.2/accounts",
        url: () => `${env.dataverse.apiUrl}accounts`,
        headers: () => ({ ...json, authorization: `Bearer ${ADMIN_TOKEN}` }),
        authenticated: false,
      },
      {
        method: "POST",
        path: "/api/data/v9.2/$batch",
        url: () => `${env.dataverse.apiUrl}$batch`,
        headers: () => ({
          "content-type": "multipart/mixed; boundary=batch_x",
          authorization: `Bearer ${ADMIN_TOKEN}`,
        }),
        authenticated: false,
      },
    ],
  },
  {
    name: "SCM emulator",
    limit: ONE_MIB,
    alive: async () => (await httpRequest(`${env.scmUrl}/data/Warehouses?$top=1`)).status,
    endless: true,
    endpoints: [
      ...[
        "/data/Warehouses",
        SCM_VALIDATION_SERVICE_PATH,
        SCM_POST_INVENTORY_JOURNAL_PATH,
        SCM_CREATE_SALES_ORDER_PATH,
        "/data/$batch",
        "/admin/event-endpoints",
      ].map(
        (path): BodyEndpoint => ({
          method: "POST",
          path: `/scm${path}`,
          url: () => `${env.scmUrl}${path}`,
          headers: () => ({ ...json, "x-fsi-user": "Admin" }),
          authenticated: false,
        }),
      ),
      {
        method: "PATCH",
        path: "/scm/data/Warehouses(...)",
        url: () => `${env.scmUrl}/data/Warehouses(dataAreaId='usmf',WarehouseId='1001')`,
        headers: () => ({ ...json, "x-fsi-user": "Admin" }),
        authenticated: false,
      },
      {
        method: "PUT",
        path: "/scm/admin/rules",
        url: () => `${env.scmUrl}/admin/rules`,
        headers: () => json,
        authenticated: false,
      },
    ],
  },
];

const tooLargeText = (limit: number) => `limit of ${limit} bytes`;

describe.each(servers)("$name", (server) => {
  const cases = server.endpoints.map((endpoint) => [`${endpoint.method} ${endpoint.path}`, endpoint] as const);

  it.each(cases)(
    "%s: 413 for a declared Content-Length over the limit, before a byte of the body is read",
    async (_name, endpoint) => {
      const reply = await postDeclaringLength(endpoint.url(), endpoint.headers(), GIB, endpoint.method);
      expect(reply.status).toBe(413);
      expect(reply.text).toContain(tooLargeText(server.limit));
      expect(await server.alive()).toBe(200);
    },
  );

  it.each(cases)(
    "%s: 413 for a chunked body that grows past the limit; a body of exactly the limit is read",
    async (_name, endpoint) => {
      const over = await postStreamed(endpoint.url(), endpoint.headers(), server.limit + 1, endpoint.method);
      expect(over.status).toBe(413);
      expect(JSON.stringify(over.json)).toContain(tooLargeText(server.limit));
      const atLimit = await postStreamed(endpoint.url(), endpoint.headers(), server.limit, endpoint.method);
      // Refused for what it says (not JSON, no key...), not for its size.
      expect(atLimit.status).not.toBe(413);
      expect(atLimit.status).toBeGreaterThanOrEqual(400);
      expect(atLimit.status).toBeLessThan(500);
      expect(await server.alive()).toBe(200);
    },
  );

  if (server.endless) {
    it("cuts off a body streaming far past the limit, and keeps serving", async () => {
      const [endpoint] = server.endpoints;
      if (endpoint === undefined) throw new Error(`${server.name} lists no endpoint`);
      const outcome = await postStreamed(endpoint.url(), endpoint.headers(), server.limit * 32, endpoint.method).then(
        (reply) => reply.status,
        () => "connection closed by the server",
      );
      expect([413, "connection closed by the server"]).toContain(outcome);
      expect(await server.alive()).toBe(200);
    });
  }

  const authenticated = cases.filter(([, endpoint]) => endpoint.authenticated);
  if (authenticated.length > 0) {
    it.each(authenticated)(
      "%s: without its key or token, 401 before the body is read, however large it says it is",
      async (_name, endpoint) => {
        const anonymous = Object.fromEntries(
          Object.entries(endpoint.headers()).filter(([name]) => name === "content-type"),
        );
        const url = new URL(endpoint.url());
        url.searchParams.delete("code");
        const reply = await postDeclaringLength(url.toString(), anonymous, GIB, endpoint.method);
        expect(reply.status).toBe(401);
      },
    );
  }
});
