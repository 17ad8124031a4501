/**
 * The real parts on port 0 for the inventory integration tests: the SCM emulator (its own master
 * data: a site, warehouses, items, projects, on-hand), the Dataverse emulator with the sandbox's
 * Field Service emulation and the inventory webhook steps registered as rows, the inventory engine
 * behind the plug-in host (one route table), and — for live maps — SCM's asynchronous subscription
 * to the host's one SCM events entrance. Field Service holds the company, units,
 * products, warehouses and accounts the flows resolve. (Test code may start the sandbox's
 * emulators; product code never imports the sandbox.)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { fsiIntegrationRole, rolePrivileges } from "@fsi/solution/components/security-roles";
import { tableByLogicalName } from "@fsi/core/dataverse/tables";
import { type DataverseServer, startDataverseServer } from "@fsi/sandbox/dataverse";
import { registerWebhook, type WebhookStepSpec } from "@fsi/sandbox/dataverse/registration";
import { fieldServicePlugins } from "@fsi/sandbox/fieldservice";
import { closeServer, listen } from "@fsi/sandbox/http";
import { createScmEmulator, type ScmEmulator } from "@fsi/sandbox/scm";
import { type LogEntry, createLogger, memorySink } from "../../../services/logger";
import { type InventoryEngine, createInventoryEngine } from "../../engine";
import { routeUrl } from "../../../host/routes";
import { type InventoryStepDefinition, inventoryWebhookUrl } from "../../registration/steps";
import { hostServing } from "./host";
import type { InventorySettings } from "../../templates/flow-catalog";

// The same people and tokens as the two-way maps' test environment.
import { ADMIN, ADMIN_TOKEN, INTEGRATION, INTEGRATION_TOKEN } from "../../../__tests__/support/environment";
export { ADMIN, ADMIN_TOKEN, INTEGRATION, INTEGRATION_TOKEN };
export const WEBHOOK_KEY = "inventory-webhook-key-0123456789";
export const SCM_EVENTS_KEY = "inventory-events-key-0123456789";
export const SCM_USER = "FSI-Integration";

export interface EnvironmentOptions {
  readonly settings?: InventorySettings;
  /** The engine's state file; default in memory. */
  readonly statePath?: string;
  /** Put a proxy between the engine and SCM (tests that lose a reply). */
  readonly scmProxy?: (
    request: IncomingMessage,
    body: string,
    forward: () => Promise<{ status: number; body: string }>,
  ) => Promise<{ status: number; body: string }>;
}

export interface FieldServiceIds {
  readonly company: string;
  readonly units: Readonly<Record<string, string>>;
  readonly products: Readonly<Record<string, string>>;
  readonly warehouses: Readonly<Record<string, string>>;
  readonly accounts: Readonly<Record<string, string>>;
}

export interface InventoryEnvironment {
  readonly scm: ScmEmulator;
  /** `http://127.0.0.1:<port>/scm` */
  readonly scmUrl: string;
  readonly dataverse: DataverseServer;
  readonly engine: InventoryEngine;
  /** The origin of the plug-in host serving the engine (`/plugins/inventory/...`, `/plugins/scm-events`). */
  readonly hostUrl: string;
  readonly logs: LogEntry[];
  readonly ids: FieldServiceIds;
  /** Waits until SCM has delivered every event and Dataverse has run every asynchronous step. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly json: unknown;
}

async function reply(response: Response): Promise<Reply> {
  const text = await response.text();
  let json: unknown = undefined;
  if (text !== "") {
    try {
      json = JSON.parse(text) as unknown;
    } catch {
      json = text;
    }
  }
  return { status: response.status, headers: response.headers, json };
}

/** A Dataverse Web API call as a user (admin by default). */
export async function dataverseRequest(
  env: Pick<InventoryEnvironment, "dataverse">,
  method: string,
  path: string,
  body?: unknown,
  token = ADMIN_TOKEN,
): Promise<Reply> {
  return reply(
    await fetch(`${env.dataverse.apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
}

/** Creates a Dataverse row as admin and answers its id; fails the test on a refusal. */
export async function createRow(
  env: Pick<InventoryEnvironment, "dataverse">,
  entitySet: string,
  body: Record<string, unknown>,
): Promise<string> {
  const created = await dataverseRequest(env, "POST", entitySet, body);
  const id = /\(([0-9a-f-]{36})\)/.exec(created.headers.get("odata-entityid") ?? "")?.[1];
  if (created.status !== 204 || id === undefined)
    throw new Error(`create ${entitySet} failed: ${created.status} ${JSON.stringify(created.json)}`);
  return id;
}

/** Rows of a Web API query (admin). */
export async function dataverseRows(
  env: Pick<InventoryEnvironment, "dataverse">,
  query: string,
): Promise<Record<string, unknown>[]> {
  const found = await dataverseRequest(env, "GET", query);
  if (found.status !== 200) throw new Error(`query ${query} failed: ${found.status} ${JSON.stringify(found.json)}`);
  return (found.json as { value: Record<string, unknown>[] }).value;
}

/** An SCM OData call as a person in SCM (`Admin`). */
export async function scmRequest(
  env: Pick<InventoryEnvironment, "scmUrl">,
  method: string,
  path: string,
  body?: unknown,
  user = "Admin",
): Promise<Reply> {
  return reply(
    await fetch(`${env.scmUrl}/data/${path}`, {
      method,
      headers: {
        "x-fsi-user": user,
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
}

export async function scmRows(
  env: Pick<InventoryEnvironment, "scmUrl">,
  query: string,
): Promise<Record<string, unknown>[]> {
  const found = await scmRequest(env, "GET", query);
  if (found.status !== 200) throw new Error(`SCM query ${query} failed: ${found.status} ${JSON.stringify(found.json)}`);
  return (found.json as { value: Record<string, unknown>[] }).value;
}

async function scmCreate(scmUrl: string, collection: string, row: Record<string, unknown>): Promise<void> {
  const created = await scmRequest({ scmUrl }, "POST", collection, row);
  if (created.status !== 201)
    throw new Error(`SCM create ${collection} failed: ${created.status} ${JSON.stringify(created.json)}`);
}

function stepSpec(step: InventoryStepDefinition): WebhookStepSpec {
  const table = tableByLogicalName(step.table);
  if (table === undefined) throw new Error(`unknown table ${step.table}`);
  return {
    name: step.name,
    message: step.message,
    table,
    stage: step.stage,
    mode: step.mode,
    rank: step.rank,
    ...(step.filteringAttributes === undefined ? {} : { filteringAttributes: step.filteringAttributes }),
    images: step.images.map((image) => ({ alias: image.alias, type: image.type, attributes: image.attributes })),
  };
}

/** SCM's master data: site 1, transit warehouse 1990, default warehouses 1001–1003, items, projects, on-hand. */
async function seedScm(scmUrl: string): Promise<void> {
  await scmCreate(scmUrl, "OperationalSites", { dataAreaId: "usmf", SiteId: "1", SiteName: "Seattle" });
  await scmCreate(scmUrl, "Warehouses", {
    dataAreaId: "usmf",
    WarehouseId: "1990",
    WarehouseName: "Seattle Transit",
    OperationalSiteId: "1",
    WarehouseType: "Transit",
  });
  for (const id of ["1001", "1002", "1003"]) {
    await scmCreate(scmUrl, "Warehouses", {
      dataAreaId: "usmf",
      WarehouseId: id,
      WarehouseName: `Seattle DC ${id}`,
      OperationalSiteId: "1",
      WarehouseType: "Default",
      TransitWarehouseId: "1990",
    });
  }
  const items = [
    {
      ItemNumber: "A0001",
      ProductName: "Air filter",
      ProductType: "Item",
      InventoryUnitSymbol: "ea",
      SalesUnitSymbol: "ea",
    },
    {
      ItemNumber: "A0002",
      ProductName: "Drive belt",
      ProductType: "Item",
      InventoryUnitSymbol: "ea",
      SalesUnitSymbol: "ea",
    },
    {
      ItemNumber: "B0001",
      ProductName: "Copper line",
      ProductType: "Item",
      InventoryUnitSymbol: "m",
      SalesUnitSymbol: "m",
    },
    {
      ItemNumber: "S0001",
      ProductName: "Installation labour",
      ProductType: "Service",
      InventoryUnitSymbol: "h",
      SalesUnitSymbol: "h",
    },
  ];
  for (const item of items) await scmCreate(scmUrl, "ReleasedProducts", { dataAreaId: "usmf", ...item });
  const projects = [
    {
      ProjectId: "US-PRJ-0001",
      ProjectName: "HVAC service contract",
      ProjectType: "TimeMaterial",
      ProjectStage: "InProcess",
      CustomerAccount: "US-001",
    },
    {
      ProjectId: "US-PRJ-0002",
      ProjectName: "Pump maintenance",
      ProjectType: "TimeMaterial",
      ProjectStage: "InProcess",
      CustomerAccount: "US-001",
    },
    {
      ProjectId: "US-PRJ-0005",
      ProjectName: "Dock door retrofit",
      ProjectType: "TimeMaterial",
      ProjectStage: "Completed",
      CustomerAccount: "US-001",
    },
    {
      ProjectId: "US-PRJ-0007",
      ProjectName: "Conveyor installation",
      ProjectType: "FixedPrice",
      ProjectStage: "InProcess",
      CustomerAccount: "US-001",
    },
  ];
  for (const project of projects) await scmCreate(scmUrl, "Projects", { dataAreaId: "usmf", ...project });
  const onHand: [string, string, number, number, number][] = [
    ["A0001", "1001", 40, 5, 0],
    ["A0002", "1001", 30, 0, 10],
    ["A0001", "1002", 12, 0, 0],
    ["A0002", "1002", 8, 0, 0],
    ["B0001", "1001", 250.5, 0, 0],
  ];
  for (const [ItemNumber, WarehouseId, PhysicalInventory, ReservedPhysical, OrderedQuantity] of onHand) {
    await scmCreate(scmUrl, "InventoryOnHand", {
      dataAreaId: "usmf",
      ItemNumber,
      WarehouseId,
      PhysicalInventory,
      ReservedPhysical,
      OrderedQuantity,
      InventoryUnitSymbol: ItemNumber === "B0001" ? "m" : "ea",
    });
  }
}

/** Field Service's side: company usmf, units, products, warehouses, an account. */
async function seedFieldService(env: Pick<InventoryEnvironment, "dataverse">): Promise<FieldServiceIds> {
  const company = await createRow(env, "cdm_companies", { cdm_name: "Contoso USA", cdm_companycode: "usmf" });
  const units: Record<string, string> = {};
  units.ea = await createRow(env, "uoms", { name: "ea", quantity: 1 });
  units.box12 = await createRow(env, "uoms", {
    name: "box12",
    quantity: 12,
    "baseuom@odata.bind": `/uoms(${units.ea})`,
  });
  units.kg = await createRow(env, "uoms", { name: "kg", quantity: 1 });
  units.m = await createRow(env, "uoms", { name: "m", quantity: 1 });
  units.cm = await createRow(env, "uoms", { name: "cm", quantity: 0.01, "baseuom@odata.bind": `/uoms(${units.m})` });
  const products: Record<string, string> = {};
  for (const [number, name, unit] of [
    ["A0001", "Air filter", "ea"],
    ["A0002", "Drive belt", "ea"],
    ["B0001", "Copper line", "m"],
    ["S0001", "Installation labour", "ea"],
  ] as const) {
    products[number] = await createRow(env, "products", {
      name,
      productnumber: number,
      "defaultuomid@odata.bind": `/uoms(${units[unit] ?? ""})`,
    });
  }
  const warehouses: Record<string, string> = {};
  for (const id of ["1990", "1001", "1002"]) {
    warehouses[id] = await createRow(env, "msdyn_warehouses", {
      msdyn_name: `Seattle ${id}`,
      msdyn_warehouseidentifier: id,
      "msdyn_company@odata.bind": `/cdm_companies(${company})`,
    });
  }
  const accounts: Record<string, string> = {};
  accounts["US-001"] = await createRow(env, "accounts", {
    name: "Fabrikam Facilities",
    accountnumber: "US-001",
    "msdyn_company@odata.bind": `/cdm_companies(${company})`,
  });
  return { company, units, products, warehouses, accounts };
}

function listenOn(listener: (req: IncomingMessage, res: ServerResponse) => void): {
  server: Server;
  start: () => Promise<string>;
} {
  const server = createServer(listener);
  return { server, start: () => listen(server, 0) };
}

export async function startInventoryEnvironment(options: EnvironmentOptions = {}): Promise<InventoryEnvironment> {
  const scm = createScmEmulator({ seed: false, retry: { baseDelayMs: 5, maxDelayMs: 50, timeoutMs: 10_000 } });
  const scmServer = listenOn((req, res) => void scm.handle(req, res));
  const scmUrl = `${await scmServer.start()}/scm`;
  await seedScm(scmUrl);

  let engineScmUrl = scmUrl;
  let proxy: Server | undefined;
  const scmProxy = options.scmProxy;
  if (scmProxy !== undefined) {
    const origin = scmUrl.replace(/\/scm$/, "");
    const proxied = listenOn((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const forward = async () => {
          const headers = Object.fromEntries(
            Object.entries(req.headers).flatMap(([name, value]) =>
              typeof value === "string" && name !== "host" && name !== "content-length" ? [[name, value]] : [],
            ),
          );
          const answer = await fetch(`${origin}${req.url ?? ""}`, {
            method: req.method ?? "GET",
            headers,
            ...(body === "" ? {} : { body }),
          });
          return { status: answer.status, body: await answer.text() };
        };
        void scmProxy(req, body, forward).then((answer) => {
          res.writeHead(answer.status, { "content-type": "application/json" }).end(answer.body);
        });
      });
    });
    proxy = proxied.server;
    engineScmUrl = `${await proxied.start()}/scm`;
  }

  // Field Service is installed: its own journal processing runs in the pipeline (the sandbox's emulation).
  const dataverse = await startDataverseServer({
    users: [ADMIN, INTEGRATION],
    tokens: { [ADMIN_TOKEN]: ADMIN.id, [INTEGRATION_TOKEN]: INTEGRATION.id },
    privileges: { [INTEGRATION.id]: rolePrivileges(fsiIntegrationRole) },
    platformPlugins: fieldServicePlugins(),
  });
  const sink = memorySink();
  const log = createLogger(sink, "debug");
  const engine = createInventoryEngine({
    dataverse: { url: dataverse.url, accessToken: () => Promise.resolve(INTEGRATION_TOKEN) },
    scm: { url: engineScmUrl, timeoutMs: 10_000, retryDelayMs: 10 },
    integration: { integrationUserId: INTEGRATION.id, echoTag: "fsi-integration", scmIntegrationUser: SCM_USER },
    ...(options.settings === undefined ? {} : { settings: options.settings }),
    ...(options.statePath === undefined ? {} : { statePath: options.statePath }),
    retryIntervalMs: 0,
    log,
  });
  const host = hostServing(engine, {
    dataverseUrl: dataverse.url,
    dataverseToken: INTEGRATION_TOKEN,
    scmUrl: engineScmUrl,
    integrationUserId: INTEGRATION.id,
    scmIntegrationUser: SCM_USER,
    webhookAuth: { kind: "HttpHeader", headerName: "x-fsi-webhook-key", key: WEBHOOK_KEY },
    scmEventsAuth: { kind: "WebhookKey", key: SCM_EVENTS_KEY },
    log,
  });
  const hostServer = listenOn(host.listener);
  const hostUrl = await hostServer.start();

  const steps = engine.webhookSteps();
  const handlers = [...new Set(steps.map((step) => step.handler))];
  for (const handler of handlers) {
    await registerWebhook(
      dataverse.emulator,
      {
        name: `FSI ${handler}`,
        url: inventoryWebhookUrl(hostUrl, handler),
        auth: { type: "HttpHeader", values: { "x-fsi-webhook-key": WEBHOOK_KEY } },
      },
      steps.filter((step) => step.handler === handler).map(stepSpec),
    );
  }
  const ids = await seedFieldService({ dataverse });

  const collections = engine.scmSubscriptionCollections();
  if (collections.length > 0) {
    const subscribed = await fetch(`${scmUrl}/admin/event-endpoints`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: `${routeUrl(hostUrl, "scm-events")}?code=${SCM_EVENTS_KEY}`, entities: collections }),
    });
    if (subscribed.status !== 201)
      throw new Error(`SCM data event endpoint failed: ${subscribed.status} ${await subscribed.text()}`);
  }

  return {
    scm,
    scmUrl,
    dataverse,
    engine,
    hostUrl,
    logs: sink.entries,
    ids,
    async settle() {
      // Polls: SCM delivers asynchronously with backoff; this waits for it, never for a fixed time.
      const deadline = Date.now() + 15_000;
      for (;;) {
        await dataverse.emulator.idle();
        const outbox = (await (await fetch(`${scmUrl}/admin/outbox`)).json()) as { value?: unknown[] } | unknown[];
        const pending = Array.isArray(outbox) ? outbox.length : (outbox.value?.length ?? 0);
        if (pending === 0) {
          await dataverse.emulator.idle();
          return;
        }
        if (Date.now() > deadline) throw new Error(`SCM still has ${pending} undelivered events`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close() {
      await closeServer(hostServer.server);
      await host.close();
      await engine.close();
      if (proxy !== undefined) await closeServer(proxy);
      await dataverse.close();
      await closeServer(scmServer.server);
      await scm.close();
    },
  };
}
