/**
 * The Azure Functions entry, invoked in-process with `@azure/functions`' own HttpRequest,
 * InvocationContext and Timer: the same handlers as the local host, against the real emulators —
 * one function per row of the host's route table (the inventory maps' routes among them), and the
 * inventory schedule's timer, as `index.ts` builds them from app settings.
 */
import { inventoryOnHand } from "@fsi/core/scm/inventory-entities";
import { buildDataEvent } from "@fsi/sandbox/scm/events/data-event";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  HttpRequest,
  type HttpFunctionOptions,
  type HttpResponseInit,
  InvocationContext,
  type Timer,
  type TimerFunctionOptions,
} from "@azure/functions";
import { warehouseCreateContext } from "../../__tests__/support/contexts";
import {
  ADMIN,
  type Environment,
  SCM_EVENTS_KEY,
  WEBHOOK_KEY,
  dataverseRowByKey,
  httpRequest,
  scmRequest,
  startEnvironment,
  settle,
} from "../../__tests__/support/environment";
import { POSTED_BY_USER_REFUSAL, userSetsPostedContext } from "../../__tests__/support/inventory-contexts";
import * as inventorySupport from "../../inventory/__tests__/support/environment";
import {
  type IntegrationFunctions,
  integrationFunctions,
  pluginFunctions,
  registerPluginFunctions,
  registerTimerFunctions,
} from "../functions";

let env: Environment;
let siteId: string;
const logged: unknown[][] = [];

beforeAll(async () => {
  env = await startEnvironment({ bodyLimitBytes: 16 * 1024 });
  await scmRequest(env.scmUrl, "POST", "OperationalSites", { dataAreaId: "usmf", SiteId: "S1", SiteName: "Seattle" });
  await settle(env);
  siteId = String(
    (await dataverseRowByKey(env, "msdyn_operationalsites", "msdyn_siteid eq 'S1'"))?.msdyn_operationalsiteid,
  );
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

const context = () =>
  new InvocationContext({ functionName: "test", logHandler: (_level, ...args) => logged.push(args) });
const origin = "https://fsi-plugins.azurewebsites.net";

/** The host's route table as Functions: one entrance for SCM's events, none under `inventory/`. */
const EVERY_ROUTE = [
  ["webhooks", "plugins/webhooks/{handler}", ["POST"], "anonymous"],
  ["inventory-webhooks", "plugins/inventory/webhooks/{handler}", ["POST"], "anonymous"],
  ["scm-events", "plugins/scm-events", ["POST"], "anonymous"],
  ["scm-catch-up", "plugins/scm-catch-up", ["POST"], "anonymous"],
  ["validate", "plugins/validate", ["POST", "OPTIONS"], "anonymous"],
  ["health", "plugins/health", ["GET"], "anonymous"],
  ["probe", "plugins/probe/{target}", ["GET"], "anonymous"],
  ["inventory-status", "plugins/inventory/status", ["GET"], "anonymous"],
];

describe("Azure Functions entry", () => {
  it("registers one anonymous HTTP function per row of the host's route table, at the local host's paths", () => {
    const registered: [string, HttpFunctionOptions][] = [];
    registerPluginFunctions(
      { http: (name, options) => registered.push([name, options]) },
      pluginFunctions(() => env.host),
    );
    expect(registered.map(([name, options]) => [name, options.route, options.methods, options.authLevel])).toEqual(
      EVERY_ROUTE,
    );
  });

  it("registers the same routes from app settings, and the inventory schedule as a timer, without creating the host", () => {
    // Settings that could not configure a host: registering must not touch them.
    const functions = integrationFunctions({});
    const registered: [string, HttpFunctionOptions][] = [];
    const timers: [string, TimerFunctionOptions][] = [];
    registerPluginFunctions({ http: (name, options) => registered.push([name, options]) }, functions.http);
    registerTimerFunctions({ timer: (name, options) => timers.push([name, options]) }, functions.timers);
    expect(registered.map(([name, options]) => [name, options.route, options.methods, options.authLevel])).toEqual(
      EVERY_ROUTE,
    );
    expect(timers.map(([name, options]) => [name, options.schedule])).toEqual([["inventory-schedule", "0 * * * * *"]]);
  });

  it("runs the sync-to-scm plug-in for a webhook, and writes to SCM", async () => {
    const body = JSON.stringify(
      warehouseCreateContext({ identifier: "7001", name: "From Azure", companyId: env.companyId, siteId, stage: 40 }),
    );
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
    expect(
      (await scmRequest(env.scmUrl, "GET", "Warehouses(dataAreaId='usmf',WarehouseId='7001')")).json,
    ).toMatchObject({ WarehouseName: "From Azure" });
    expect(logged.some((args) => String(args[0]).includes("/plugins/webhooks/sync-to-scm → 200"))).toBe(true);
  });

  it("refuses a webhook without the key, and an oversize body", async () => {
    const unauthenticated = await functionNamed("webhooks").handler(
      new HttpRequest({
        method: "POST",
        url: `${origin}/plugins/webhooks/validate`,
        headers: { "content-type": "application/json" },
        body: { string: "{}" },
      }),
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
        body: {
          string: JSON.stringify({
            table: "msdyn_shipvia",
            operation: "create",
            company: "usmf",
            attributes: { msdyn_name: "air" },
          }),
        },
      }),
      context(),
    );
    expect(response.status).toBe(200);
    expect(bodyJson(response)).toMatchObject({
      valid: false,
      errors: expect.arrayContaining([
        expect.objectContaining({
          attribute: "msdyn_name",
          message: expect.stringContaining("does not match the format") as unknown,
        }),
      ]) as unknown,
    });

    const preflight = await functionNamed("validate").handler(
      new HttpRequest({
        method: "OPTIONS",
        url: `${origin}/plugins/validate`,
        headers: { origin: "https://contoso.crm.dynamics.com", "access-control-request-method": "POST" },
      }),
      context(),
    );
    expect([preflight.status, (preflight.headers as Record<string, string>)["access-control-allow-origin"]]).toEqual([
      204,
      "https://contoso.crm.dynamics.com",
    ]);
  });

  it("runs the SCM catch-up pass: a warehouse whose data event was lost reaches Field Service; the events' key is required", async () => {
    await httpRequest(`${env.scmUrl}/admin/event-delivery`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ loseNext: 1 }),
    });
    expect(
      (
        await scmRequest(env.scmUrl, "POST", "Warehouses", {
          dataAreaId: "usmf",
          WarehouseId: "7002",
          WarehouseName: "Event lost",
          OperationalSiteId: "S1",
          WarehouseType: "Transit",
        })
      ).status,
    ).toBe(201);
    await settle(env);
    expect(await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '7002'")).toBeUndefined();

    const refused = await functionNamed("scm-catch-up").handler(
      new HttpRequest({ method: "POST", url: `${origin}/plugins/scm-catch-up?map=warehouses` }),
      context(),
    );
    expect(refused.status).toBe(401);
    const response = await functionNamed("scm-catch-up").handler(
      new HttpRequest({
        method: "POST",
        url: `${origin}/plugins/scm-catch-up?map=warehouses&code=${SCM_EVENTS_KEY}`,
        query: { map: "warehouses", code: SCM_EVENTS_KEY },
      }),
      context(),
    );
    expect(response.status).toBe(200);
    expect(bodyJson(response)).toEqual({
      maps: [expect.objectContaining({ map: "warehouses", applied: 1, deleted: 0 })],
    });
    expect(await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '7002'")).toBeDefined();
  });

  it("answers health", async () => {
    const response = await functionNamed("health").handler(
      new HttpRequest({ method: "GET", url: `${origin}/plugins/health` }),
      context(),
    );
    expect([response.status, bodyJson(response)]).toEqual([200, { status: "ok", queueDepth: 0 }]);
  });
});

describe("the inventory maps on Azure Functions, configured from app settings", () => {
  let inventory: inventorySupport.InventoryEnvironment;
  let folder: string;
  let functions: IntegrationFunctions;
  const now = new Date();
  let clock = now;

  beforeAll(async () => {
    // The emulators with Field Service's journal rule registered as steps, and SCM's master data.
    inventory = await inventorySupport.startInventoryEnvironment();
    folder = mkdtempSync(path.join(os.tmpdir(), "fsi-azure-inventory-"));
    const settingsPath = path.join(folder, "inventory-settings.json");
    writeFileSync(settingsPath, JSON.stringify({ maps: { projects: { mode: "batch", scheduleMinutes: 15 } } }));
    const appSettings = {
      FSI_DATAVERSE_URL: inventory.dataverse.url,
      FSI_DATAVERSE_TOKEN: inventorySupport.INTEGRATION_TOKEN,
      FSI_SCM_URL: inventory.scmUrl,
      FSI_INTEGRATION_USER_ID: inventorySupport.INTEGRATION.id,
      FSI_WEBHOOK_KEY: WEBHOOK_KEY,
      FSI_SCM_EVENTS_KEY: inventorySupport.SCM_EVENTS_KEY,
      FSI_VALIDATION_ISSUER: "urn:fsi:test",
      FSI_VALIDATION_AUDIENCE: "api://fsi-validation",
      FSI_VALIDATION_JWKS_URL: "http://127.0.0.1:9/jwks.json",
      FSI_INVENTORY_STATE_PATH: path.join(folder, "inventory.sqlite"),
      FSI_INVENTORY_SETTINGS: settingsPath,
    };
    functions = integrationFunctions(appSettings, { clock: () => clock });
  });

  afterAll(async () => {
    await functions.close();
    await inventory.close();
    rmSync(folder, { recursive: true, force: true });
  });

  function inventoryFunction(name: string) {
    const fn = functions.http.find((candidate) => candidate.name === name);
    if (fn === undefined) throw new Error(`no function ${name}`);
    return fn;
  }

  const tick = async (): Promise<void> => {
    const timer: Timer = {
      isPastDue: false,
      schedule: { adjustForDST: true },
      scheduleStatus: { last: now.toISOString(), next: now.toISOString(), lastUpdated: now.toISOString() },
    };
    const [schedule] = functions.timers;
    if (schedule === undefined) throw new Error("no timer");
    await schedule.handler(timer, context());
  };

  interface MapState {
    map: string;
    mode: string;
    scheduleMinutes?: number;
    pendingRows: number;
    lastRun?: { id: number; status: string; read: number; changed: number };
  }
  const mapStates = async (): Promise<MapState[]> => {
    const response = await inventoryFunction("inventory-status").handler(
      new HttpRequest({
        method: "GET",
        url: `${origin}/plugins/inventory/status`,
        headers: { "x-fsi-webhook-key": WEBHOOK_KEY },
      }),
      context(),
    );
    expect(response.status).toBe(200);
    return (bodyJson(response) as { maps: MapState[] }).maps;
  };
  const mapState = async (name: string): Promise<MapState | undefined> =>
    (await mapStates()).find((map) => map.map === name);

  const fsOnHand = async (item: string, warehouse: string): Promise<unknown> => {
    const rows = await inventorySupport.dataverseRows(
      inventory,
      `msdyn_productinventories?$filter=_msdyn_product_value eq ${inventory.ids.products[item] ?? ""} and _msdyn_warehouse_value eq ${warehouse}`,
    );
    return rows[0]?.msdyn_qtyonhand;
  };

  it("runs an inventory webhook step: a user setting Posted is refused, and the key is checked", async () => {
    const request = (headers: Record<string, string>) =>
      new HttpRequest({
        method: "POST",
        url: `${origin}/plugins/inventory/webhooks/inventory-posting-lock`,
        headers: { "content-type": "application/json", ...headers },
        body: { string: JSON.stringify(userSetsPostedContext({ userId: ADMIN.id })) },
        params: { handler: "inventory-posting-lock" },
      });
    const refused = await inventoryFunction("inventory-webhooks").handler(
      request({ "x-fsi-webhook-key": WEBHOOK_KEY }),
      context(),
    );
    expect(refused.status).toBe(422);
    expect(bodyJson(refused)).toMatchObject({
      error: { code: "VALIDATION_FAILED", message: expect.stringContaining(POSTED_BY_USER_REFUSAL) as unknown },
    });
    expect(
      logged.some((args) => String(args[0]).includes("/plugins/inventory/webhooks/inventory-posting-lock → 422")),
    ).toBe(true);

    const unauthenticated = await inventoryFunction("inventory-webhooks").handler(request({}), context());
    expect([unauthenticated.status, bodyJson(unauthenticated)]).toEqual([
      401,
      expect.objectContaining({ error: expect.objectContaining({ code: "MISSING_WEBHOOK_KEY" }) as unknown }),
    ]);
  });

  it("answers the status behind the key, with the maps as the settings file sets them", async () => {
    const unauthenticated = await inventoryFunction("inventory-status").handler(
      new HttpRequest({ method: "GET", url: `${origin}/plugins/inventory/status` }),
      context(),
    );
    expect(unauthenticated.status).toBe(401);
    const maps = await mapStates();
    expect(maps.map((map) => [map.map, map.mode])).toEqual([
      ["on-hand", "live"],
      ["projects", "batch"],
      ["inventory-adjustments", "live"],
      ["inventory-transfers", "live"],
      ["work-order-sales-orders", "live"],
    ]);
    expect(maps.find((map) => map.map === "projects")).toMatchObject({ scheduleMinutes: 15 });
    expect(maps.find((map) => map.map === "projects")?.lastRun).toBeUndefined();
  });

  it("runs due batch maps and retries kept rows on the timer, and leaves a map alone until its interval has passed", async () => {
    // A live on-hand event for a warehouse Field Service does not have yet: kept for a retry (202).
    const created = await inventorySupport.scmRequest(inventory, "POST", "InventoryOnHand", {
      dataAreaId: "usmf",
      ItemNumber: "A0002",
      WarehouseId: "1003",
      PhysicalInventory: 9,
      InventoryUnitSymbol: "ea",
    });
    expect(created.status).toBe(201);
    await inventory.settle();
    const onHandKey = { dataAreaId: "usmf", ItemNumber: "A0002", WarehouseId: "1003" };
    const event = buildDataEvent({
      entity: inventoryOnHand,
      operation: "Create",
      key: onHandKey,
      row: onHandKey,
      changedFields: [],
      raisedOn: new Date(),
    });
    const eventRequest = (query: string) =>
      new HttpRequest({
        method: "POST",
        url: `${origin}/plugins/scm-events${query}`,
        headers: { "content-type": "application/json" },
        body: { string: JSON.stringify(event) },
      });
    // The host's one SCM events entrance, which hands an on-hand event to the inventory engine.
    expect((await inventoryFunction("scm-events").handler(eventRequest(""), context())).status).toBe(401);
    const kept = await inventoryFunction("scm-events").handler(
      eventRequest(`?code=${inventorySupport.SCM_EVENTS_KEY}`),
      context(),
    );
    expect(kept.status).toBe(202);
    expect(await mapState("on-hand")).toMatchObject({ pendingRows: 1 });

    // The warehouse arrives; the next tick carries the kept row and runs the due projects batch.
    const warehouse = await inventorySupport.createRow(inventory, "msdyn_warehouses", {
      msdyn_name: "1003",
      msdyn_description: "Seattle 1003",
      msdyn_warehouseidentifier: "1003",
      "msdyn_company@odata.bind": `/cdm_companies(${inventory.ids.company})`,
    });
    await tick();
    expect(await mapState("on-hand")).toMatchObject({ pendingRows: 0 });
    expect(await fsOnHand("A0002", warehouse)).toBe(9);
    const first = (await mapState("projects"))?.lastRun;
    expect(first).toMatchObject({ status: "succeeded", read: 4, changed: 3 });
    const projects = await inventorySupport.dataverseRows(
      inventory,
      "fsi_projects?$select=fsi_projectnumber&$orderby=fsi_projectnumber",
    );
    expect(projects.map((row) => row.fsi_projectnumber)).toEqual(["US-PRJ-0001", "US-PRJ-0002", "US-PRJ-0005"]);
    expect(
      logged.some((args) =>
        String(args[0]).includes(`inventory schedule: projects batch run ${String(first?.id)} succeeded`),
      ),
    ).toBe(true);

    // The next tick, a minute later: not due.
    clock = new Date(now.getTime() + 60_000);
    await tick();
    expect((await mapState("projects"))?.lastRun?.id).toBe(first?.id);

    // Fifteen minutes after the first run started: due again, reading only what changed since.
    clock = new Date(Date.now() + 15 * 60_000);
    await tick();
    expect((await mapState("projects"))?.lastRun).toMatchObject({
      id: (first?.id ?? 0) + 1,
      status: "succeeded",
      read: 0,
    });
  });
});
