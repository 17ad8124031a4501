/**
 * CORS: only configured origins (and the host's own) may read the validation
 * API from a browser, on the preflight and on the actual request, whatever the reply; no other
 * origin gets `Access-Control-Allow-Origin`, look-alike origins included; every reply says
 * `Vary: Origin`; and no endpoint that is not for browsers grants any origin at all. The sandbox's
 * Entra token endpoint answers CORS only to the origin of a registered SPA redirect URI, as Entra does
 * for SPA registrations.
 *
 * Beyond `validation-api.test.ts` (one allowed and one foreign origin, 200/401/403): the look-alike
 * origins, `Vary`, no credentials, a refused origin's request not being processed, every reply
 * status, and every other endpoint.
 */
import { Agent, request as httpsRequest } from "node:https";
import {
  ADMIN,
  ALLOWED_ORIGIN,
  type Environment,
  type Reply,
  SCM_EVENTS_KEY,
  WEBHOOK_KEY,
  httpRequest,
  startEnvironment,
} from "@fsi/plugins/__tests__/support/environment";
import {
  type InventoryEnvironment,
  WEBHOOK_KEY as INVENTORY_WEBHOOK_KEY,
  startInventoryEnvironment,
} from "@fsi/plugins/inventory/__tests__/support/environment";
import { errorOf } from "./support/requests";

let env: Environment;
let inventory: InventoryEnvironment;
let token: string;

beforeAll(async () => {
  [env, inventory] = await Promise.all([startEnvironment({ bodyLimitBytes: 16 * 1024 }), startInventoryEnvironment()]);
  token = (await env.issuer.issueToken({ id: ADMIN.id })).access_token;
});

afterAll(async () => {
  await Promise.all([env.close(), inventory.close()]);
});

const shipVia = JSON.stringify({
  table: "msdyn_shipvia",
  operation: "create",
  company: "usmf",
  attributes: { msdyn_name: "AIR", msdyn_description: "Air freight" },
});
const validateUrl = () => `${env.hostUrl}/plugins/validate`;

function preflight(url: string, origin: string, method = "POST"): Promise<Reply> {
  return httpRequest(url, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": method,
      "access-control-request-headers": "authorization, content-type",
    },
  });
}

function post(origin: string | undefined, headers: Record<string, string> = {}, body = shipVia): Promise<Reply> {
  return httpRequest(validateUrl(), {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${token}`,
      ...(origin === undefined ? {} : { origin }),
      ...headers,
    },
    body,
  });
}

/** Every `access-control-*` header of a reply. */
function corsHeaders(reply: Reply): Record<string, string> {
  return Object.fromEntries([...reply.headers.entries()].filter(([name]) => name.startsWith("access-control-")));
}

const validationsAnswered = () => env.logs.filter((entry) => entry.message === "Validation answered").length;

// Origins a browser could send that must not pass for the configured one.
const foreignOrigins = [
  "https://evil.example",
  "null",
  `${ALLOWED_ORIGIN}.evil.example`,
  ALLOWED_ORIGIN.replace("https://", "https://evil-"),
  ALLOWED_ORIGIN.replace("https://", "http://"),
  `${ALLOWED_ORIGIN}:8443`,
  `https://${new URL(ALLOWED_ORIGIN).host}@evil.example`,
  "https://crm.dynamics.com",
];

describe("the validation API", () => {
  it("answers an allowed origin's preflight with that origin only: no wildcard, no credentials, only POST, Vary: Origin", async () => {
    const reply = await preflight(validateUrl(), ALLOWED_ORIGIN, "PUT");
    expect(reply.status).toBe(204);
    expect(corsHeaders(reply)).toEqual({
      "access-control-allow-origin": ALLOWED_ORIGIN,
      "access-control-allow-methods": "POST, OPTIONS",
      "access-control-allow-headers": "authorization, content-type",
      "access-control-max-age": "600",
    });
    expect(reply.headers.get("vary")).toBe("Origin");
  });

  it.each(foreignOrigins)(
    "refuses %s: preflight and request get 403, no Access-Control-* header, Vary: Origin — and the request is not processed",
    async (origin) => {
      const refusedPreflight = await preflight(validateUrl(), origin);
      expect([refusedPreflight.status, corsHeaders(refusedPreflight), refusedPreflight.headers.get("vary")]).toEqual([
        403,
        {},
        "Origin",
      ]);

      const answeredBefore = validationsAnswered();
      const refused = await post(origin);
      expect([refused.status, errorOf(refused.json).code, corsHeaders(refused), refused.headers.get("vary")]).toEqual([
        403,
        "ORIGIN_NOT_ALLOWED",
        {},
        "Origin",
      ]);
      expect(validationsAnswered()).toBe(answeredBefore);
      // The same request from the configured origin is processed: the count above would have moved.
      expect((await post(ALLOWED_ORIGIN)).status).toBe(200);
      expect(validationsAnswered()).toBe(answeredBefore + 1);
    },
  );

  it("lets the allowed origin read every reply, whatever its status, each with Vary: Origin", async () => {
    const replies = {
      ok: await post(ALLOWED_ORIGIN),
      malformed: await post(ALLOWED_ORIGIN, {}, JSON.stringify({ table: "account" })),
      unauthenticated: await post(ALLOWED_ORIGIN, { authorization: "Bearer not-a-token" }),
      tooLarge: await post(ALLOWED_ORIGIN, {}, JSON.stringify({ padding: "x".repeat(32 * 1024) })),
      notJson: await post(ALLOWED_ORIGIN, { "content-type": "text/plain" }, "hello"),
      wrongMethod: await httpRequest(validateUrl(), { method: "GET", headers: { origin: ALLOWED_ORIGIN } }),
    };
    expect(
      Object.fromEntries(
        Object.entries(replies).map(([name, reply]) => [
          name,
          [reply.status, reply.headers.get("access-control-allow-origin"), reply.headers.get("vary")],
        ]),
      ),
    ).toEqual({
      ok: [200, ALLOWED_ORIGIN, "Origin"],
      malformed: [400, ALLOWED_ORIGIN, "Origin"],
      unauthenticated: [401, ALLOWED_ORIGIN, "Origin"],
      tooLarge: [413, ALLOWED_ORIGIN, "Origin"],
      notJson: [415, ALLOWED_ORIGIN, "Origin"],
      wrongMethod: [405, ALLOWED_ORIGIN, "Origin"],
    });
    expect(replies.ok.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("says Vary: Origin to a caller without Origin too (a server, curl), and grants it nothing", async () => {
    const reply = await post(undefined);
    expect([reply.status, corsHeaders(reply), reply.headers.get("vary")]).toEqual([200, {}, "Origin"]);
  });
});

describe("endpoints that are not for browsers grant no origin, not even the configured one", () => {
  const endpoints = (): [string, string, string, Record<string, string>][] => [
    ["POST", `${env.hostUrl}/plugins/webhooks/validate`, "{}", { "x-fsi-webhook-key": WEBHOOK_KEY }],
    ["POST", `${env.hostUrl}/plugins/webhooks/sync-to-scm`, "{}", { "x-fsi-webhook-key": WEBHOOK_KEY }],
    ["POST", `${env.hostUrl}/plugins/scm-events?code=${SCM_EVENTS_KEY}`, "{}", {}],
    ["GET", `${env.hostUrl}/plugins/health`, "", {}],
    [
      "POST",
      `${inventory.hostUrl}/plugins/inventory/webhooks/inventory-posting-lock`,
      "{}",
      { "x-fsi-webhook-key": INVENTORY_WEBHOOK_KEY },
    ],
    ["POST", `${inventory.hostUrl}/plugins/scm-events`, "{}", {}],
    ["GET", `${inventory.hostUrl}/plugins/inventory/status`, "", { "x-fsi-webhook-key": INVENTORY_WEBHOOK_KEY }],
  ];

  it("no Access-Control-* header on a preflight or a request from the configured origin or another", async () => {
    const granted: Record<string, Record<string, string>> = {};
    for (const [method, url, body, headers] of endpoints()) {
      for (const origin of [ALLOWED_ORIGIN, "https://evil.example"]) {
        const request = await httpRequest(url, {
          method,
          headers: { "content-type": "application/json", origin, ...headers },
          ...(method === "POST" ? { body } : {}),
        });
        const options = await preflight(url, origin, method);
        for (const [kind, reply] of [
          ["request", request],
          ["preflight", options],
        ] as const) {
          const cors = corsHeaders(reply);
          if (Object.keys(cors).length > 0) granted[`${kind} ${method} ${new URL(url).pathname} from ${origin}`] = cors;
        }
        expect(request.status).toBeLessThan(500);
      }
    }
    expect(granted).toEqual({});
  });

  it("the sandbox's Entra token endpoint answers CORS only to the origin of a registered SPA redirect URI, and forbids caching", async () => {
    const agent = new Agent({ ca: env.entra.tlsCertificate.certificatePem });
    const post = (origin: string) =>
      new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
        const request = httpsRequest(
          env.entra.tokenEndpoint,
          { method: "POST", agent, headers: { origin, "content-type": "application/x-www-form-urlencoded" } },
          (response) => {
            response.resume();
            resolve({ status: response.statusCode ?? 0, headers: response.headers });
          },
        );
        request.on("error", reject);
        request.end("grant_type=refresh_token&client_id=5a4d0000-0000-4000-8000-0000000000c1&refresh_token=unknown");
      });
    const foreign = await post("https://evil.example");
    expect([foreign.status, foreign.headers["access-control-allow-origin"], foreign.headers["cache-control"]]).toEqual([
      400,
      undefined,
      "no-store",
    ]);
    const registered = await post(ALLOWED_ORIGIN);
    expect([registered.headers["access-control-allow-origin"], registered.headers["cache-control"]]).toEqual([
      ALLOWED_ORIGIN,
      "no-store",
    ]);
  });
});
