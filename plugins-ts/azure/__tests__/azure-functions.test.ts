/**
 * The Azure Functions entry, invoked in-process with `@azure/functions`' own HttpRequest and
 * InvocationContext: the same handlers as the local host, against the real emulators.
 */
import { HttpRequest, type HttpFunctionOptions, type HttpResponseInit, InvocationContext } from "@azure/functions";
import { warehouseCreateContext } from "../../__tests__/support/contexts";
import { ADMIN, type Environment, WEBHOOK_KEY, dataverseRowByKey, scmRequest, startEnvironment } from "../../__tests__/support/environment";
import { pluginFunctions, registerPluginFunctions } from "../functions";

let env: Environment;
let siteId: string;
const logged: unknown[][] = [];

beforeAll(async () => {
  env = await startEnvironment({ bodyLimitBytes: 16 * 1024 });
  await scmRequest(env.scmUrl, "POST", "OperationalSites", { dataAreaId: "usmf", SiteId: "S1", SiteName: "Seattle" });
  siteId = String((await dataverseRowByKey(env, "msdyn_operationalsites", "msdyn_siteid eq 'S1'"))?.msdyn_operationalsiteid);
});

afterAll(async () => {
  await env.close();
});

function functionNamed(name: string) {
  const fn = pluginFunctions(() => env.host).find((candidate) => candidate.name === name);
  if (fn === undefined) throw new Error(`no function ${name}`);
  return fn;
}

/** Our handlers always answer a JSON text body. */
function bodyJson(response: HttpResponseInit): unknown {
  if (typeof response.body !== "string") throw new Error("expected a text body");
  return JSON.parse(response.body) as unknown;
}

const context = () => new InvocationContext({ functionName: "test", logHandler: (_level, ...args) => logged.push(args) });
const origin = "https://fsi-plugins.azurewebsites.net";

describe("Azure Functions entry", () => {
  it("registers one anonymous HTTP function per route, at the local host's paths", () => {
    const registered: [string, HttpFunctionOptions][] = [];
    registerPluginFunctions({ http: (name, options) => registered.push([name, options]) }, pluginFunctions(() => env.host));
    expect(registered.map(([name, options]) => [name, options.route, options.methods, options.authLevel])).toEqual([
      ["webhooks", "plugins/webhooks/{handler}", ["POST"], "anonymous"],
      ["scm-events", "plugins/scm-events", ["POST"], "anonymous"],
      ["validate", "plugins/validate", ["POST", "OPTIONS"], "anonymous"],
      ["health", "plugins/health", ["GET"], "anonymous"],
    ]);
  });

  it("runs the sync-to-scm plug-in for a webhook, and writes to SCM", async () => {
    const body = JSON.stringify(warehouseCreateContext({ identifier: "7001", name: "From Azure", companyId: env.companyId, siteId, stage: 40 }));
    const request = new HttpRequest({
      method: "POST",
      url: `${origin}/plugins/webhooks/sync-to-scm`,
      headers: { "content-type": "application/json", "x-fsi-webhook-key": WEBHOOK_KEY },
      body: { string: body },
      params: { handler: "sync-to-scm" },
    });
    const response = await functionNamed("webhooks").handler(request, context());
    expect(response.status).toBe(200);
    expect(bodyJson(response)).toMatchObject({ outcome: "applied" });
    expect((await scmRequest(env.scmUrl, "GET", "Warehouses(dataAreaId='usmf',WarehouseId='7001')")).json).toMatchObject({ WarehouseName: "From Azure" });
    expect(logged.some((args) => String(args[0]).includes("/plugins/webhooks/sync-to-scm → 200"))).toBe(true);
  });

  it("refuses a webhook without the key, and an oversize body", async () => {
    const unauthenticated = await functionNamed("webhooks").handler(
      new HttpRequest({ method: "POST", url: `${origin}/plugins/webhooks/validate`, headers: { "content-type": "application/json" }, body: { string: "{}" } }),
      context(),
    );
    expect(unauthenticated.status).toBe(401);
    const oversize = await functionNamed("webhooks").handler(
      new HttpRequest({
        method: "POST",
        url: `${origin}/plugins/webhooks/validate`,
        headers: { "content-type": "application/json", "x-fsi-webhook-key": WEBHOOK_KEY },
        body: { string: JSON.stringify({ padding: "x".repeat(32 * 1024) }) },
      }),
      context(),
    );
    expect(oversize.status).toBe(413);
  });

  it("serves the validation API and its preflight", async () => {
    const token = (await env.issuer.issueToken({ id: ADMIN.id })).access_token;
    const response = await functionNamed("validate").handler(
      new HttpRequest({
        method: "POST",
        url: `${origin}/plugins/validate`,
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: { string: JSON.stringify({ table: "msdyn_shipvia", operation: "create", company: "usmf", attributes: { msdyn_name: "air" } }) },
      }),
      context(),
    );
    expect(response.status).toBe(200);
    expect(bodyJson(response)).toMatchObject({ valid: false, errors: expect.arrayContaining([expect.objectContaining({ attribute: "msdyn_name", code: "pattern" })]) as unknown });

    const preflight = await functionNamed("validate").handler(
      new HttpRequest({ method: "OPTIONS", url: `${origin}/plugins/validate`, headers: { origin: "https://contoso.crm.dynamics.com", "access-control-request-method": "POST" } }),
      context(),
    );
    expect([preflight.status, (preflight.headers as Record<string, string>)["access-control-allow-origin"]]).toEqual([204, "https://contoso.crm.dynamics.com"]);
  });

  it("answers health", async () => {
    const response = await functionNamed("health").handler(new HttpRequest({ method: "GET", url: `${origin}/plugins/health` }), context());
    expect([response.status, bodyJson(response)]).toEqual([200, { status: "ok", queueDepth: 0 }]);
  });
});
