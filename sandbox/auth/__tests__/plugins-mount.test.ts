/**
 * The `/plugins` mount inside a real sandbox server (one origin, SCM and Dataverse mounts beside it):
 * once listening it registers its webhook steps and its SCM subscription, and the integration runs
 * both ways. The Dataverse mount here maps the integration's token to its user, as the sandbox's
 * must for echo suppression.
 */
import { builtInMaps } from "@fsi/core";
import { DEFAULT_USER, DataverseEmulator, WEB_API_PATH, dataverseRoute } from "../../dataverse";
import { type MountFactory, type SandboxServer, scmMount, startSandbox } from "../../server";
import {
  type PluginsMount,
  SANDBOX_INTEGRATION_TOKEN,
  SANDBOX_INTEGRATION_USER,
  createPluginsMount,
} from "../plugins-mount";
import { tokenForge } from "../entra";

const dataverseWithIntegrationUser: MountFactory = () => {
  const emulator = new DataverseEmulator({
    requireAuthorization: false,
    users: [DEFAULT_USER, SANDBOX_INTEGRATION_USER],
    tokens: { [SANDBOX_INTEGRATION_TOKEN]: SANDBOX_INTEGRATION_USER.id },
  });
  const route = dataverseRoute(emulator);
  return {
    prefix: WEB_API_PATH,
    handle: async (req, res) => {
      const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`);
      await route({ req, res, url, prefix: WEB_API_PATH, rest: url.pathname.slice(WEB_API_PATH.length) });
    },
    close: async () => {
      await emulator.idle();
      emulator.close();
    },
  };
};

let sandbox: SandboxServer;

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    stateDir: null,
    seed: false,
    mounts: [scmMount, dataverseWithIntegrationUser, createPluginsMount()],
  });
});

afterAll(async () => {
  await sandbox.close();
});

const json = { "content-type": "application/json" };

async function dataverseRow(path: string): Promise<Record<string, unknown> | undefined> {
  const reply = (await (await fetch(`${sandbox.url}${WEB_API_PATH}/${path}`)).json()) as {
    value: Record<string, unknown>[];
  };
  return reply.value[0];
}

describe("the sandbox's /plugins mount", () => {
  it("serves the host on the sandbox origin, its validation API trusting the sandbox's Entra ID and no cookie token route", async () => {
    expect((await fetch(`${sandbox.url}/plugins/health`)).status).toBe(200);
    expect((await fetch(`${sandbox.url}/plugins/token`)).status).toBe(404);
    const mount = sandbox.mounts.find((candidate) => candidate.prefix === "/plugins") as PluginsMount | undefined;
    const entra = mount?.entra();
    if (entra === undefined) throw new Error("the mount started no Entra ID");
    expect(entra.authority).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]{36}$/);
    expect(entra.directory.clients[0]?.spaRedirectUris).toEqual([
      `${sandbox.url}/WebResources/fsi_/auth/redirect.html`,
    ]);
    const { access_token: token } = await tokenForge(entra).issueToken({
      id: DEFAULT_USER.id,
      name: DEFAULT_USER.fullname,
    });
    const reply = await fetch(`${sandbox.url}/plugins/validate`, {
      method: "POST",
      headers: { ...json, authorization: `Bearer ${token}`, origin: sandbox.url },
      body: JSON.stringify({
        table: "msdyn_shipvia",
        operation: "create",
        company: "usmf",
        attributes: { msdyn_name: "AIR", msdyn_description: "Air" },
      }),
    });
    expect([reply.status, await reply.json()]).toEqual([200, { valid: true, errors: [], warnings: [] }]);
  });

  it("registers its one SCM events entrance for the collections its maps cover (the live inventory maps' too) and no others", async () => {
    const { value } = (await (await fetch(`${sandbox.url}/scm/admin/event-endpoints`)).json()) as {
      value: { url: string; entities?: string[] | null }[];
    };
    expect(value.map((endpoint) => new URL(endpoint.url).pathname)).toEqual(["/plugins/scm-events"]);
    const mount = sandbox.mounts.find((candidate) => candidate.prefix === "/plugins") as PluginsMount | undefined;
    const inventory = mount?.inventory()?.scmSubscriptionCollections() ?? [];
    expect(inventory).toEqual(["InventoryOnHand", "Projects"]);
    expect([...(value[0]!.entities ?? [])].sort()).toEqual(
      [...builtInMaps.map((map) => map.scmCollection), ...inventory].sort(),
    );
  });

  it("syncs both ways once it has registered itself", async () => {
    const company = await fetch(`${sandbox.url}${WEB_API_PATH}/cdm_companies`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ cdm_name: "Contoso", cdm_companycode: "usmf" }),
    });
    expect(company.status).toBe(204);
    const companyId = /\(([0-9a-f-]{36})\)/.exec(company.headers.get("odata-entityid") ?? "")?.[1] ?? "";

    const site = await fetch(`${sandbox.url}/scm/data/OperationalSites`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ dataAreaId: "usmf", SiteId: "S1", SiteName: "Seattle" }),
    });
    expect(site.status).toBe(201);
    await eventsDelivered();
    const siteRow = await dataverseRow("msdyn_operationalsites?$filter=msdyn_siteid eq 'S1'");
    expect(siteRow?.msdyn_name).toBe("Seattle");

    const created = await fetch(`${sandbox.url}${WEB_API_PATH}/msdyn_warehouses`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({
        msdyn_name: "9001",
        msdyn_description: "Sandbox",
        msdyn_warehouseidentifier: "9001",
        msdyn_warehousetype: 192350002,
        "msdyn_company@odata.bind": `/cdm_companies(${companyId})`,
        "msdyn_operationalsite@odata.bind": `/msdyn_operationalsites(${String(siteRow?.msdyn_operationalsiteid)})`,
      }),
    });
    expect(created.status).toBe(204);
    const inScm = await fetch(`${sandbox.url}/scm/data/Warehouses(dataAreaId='usmf',WarehouseId='9001')`);
    expect(await inScm.json()).toMatchObject({ WarehouseName: "Sandbox" });

    await eventsDelivered();
    const renamed = await fetch(`${sandbox.url}/scm/data/Warehouses(dataAreaId='usmf',WarehouseId='9001')`, {
      method: "PATCH",
      headers: json,
      body: JSON.stringify({ WarehouseName: "Renamed in SCM" }),
    });
    expect(renamed.status).toBe(204);
    await eventsDelivered();
    expect(
      (await dataverseRow("msdyn_warehouses?$filter=msdyn_warehouseidentifier eq '9001'"))?.msdyn_description,
    ).toBe("Renamed in SCM");
  });
});

/** Waits until SCM has delivered its data events (they go out after SCM's write returns). */
async function eventsDelivered(): Promise<void> {
  for (let tries = 0; tries < 1500; tries += 1) {
    const outbox = (await (await fetch(`${sandbox.url}/scm/admin/outbox`)).json()) as { value: unknown[] };
    if (outbox.value.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("SCM did not deliver its data events");
}
