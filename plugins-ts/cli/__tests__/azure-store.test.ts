/**
 * `fsi` operating a host whose state is on Azure Storage (Azurite, started here): configured by a
 * `--config` file of the host's FSI_* settings, the CLI's pause reaches the running host (which
 * reads the map's state on every change), `status` shows what the host queued, and `resume`
 * replays it through the real endpoints.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type AzuriteServer, startAzurite } from "@fsi/test/support/azurite";
import {
  type Environment,
  dataverseRequest,
  dataverseRowByKey,
  scmRequest,
  settle,
  startEnvironment,
} from "../../__tests__/support/environment";
import { openAzureStateStore } from "../../sync/azure/azure-state-store";
import type { HostStateStore } from "../../sync/state-store";
import type { StatusReport } from "../commands/status";
import { TRANSIT, type TempDir, cliEnvironment, fsi, tempDir } from "./support";

jest.setTimeout(60_000);

let azurite: AzuriteServer;
let store: HostStateStore;
let env: Environment;
let dir: TempDir;
let configFile: string;
let warehouseId: string;

beforeAll(async () => {
  azurite = await startAzurite();
  const settings = {
    FSI_STATE_STORE: "azure",
    FSI_STORAGE_CONNECTION_STRING: azurite.connectionString,
    FSI_STORAGE_PREFIX: "clitest",
  };
  store = await openAzureStateStore({
    access: { kind: "connection-string", connectionString: azurite.connectionString },
    prefix: "clitest",
  });
  env = await startEnvironment({ store });
  dir = tempDir();
  // The deployed host's settings, as an operator keeps them: no state file anywhere.
  const {
    FSI_STATE_PATH: _file,
    FSI_INVENTORY_STATE_PATH: _inventoryFile,
    ...connection
  } = cliEnvironment(env, dir.path, "unused");
  configFile = join(dir.path, "host.json");
  writeFileSync(configFile, JSON.stringify({ ...connection, ...settings }));
  await scmRequest(env.scmUrl, "POST", "OperationalSites", { dataAreaId: "usmf", SiteId: "S1", SiteName: "Seattle" });
  await settle(env);
  const site = await dataverseRowByKey(env, "msdyn_operationalsites", "msdyn_siteid eq 'S1'");
  expect(
    (
      await dataverseRequest(env.dataverse.url, "POST", "msdyn_warehouses", {
        msdyn_warehouseidentifier: "7001",
        // The warehouses map: SCM's WarehouseName is Field Service's description (the name is the id).
        msdyn_name: "7001",
        msdyn_description: "Original",
        msdyn_warehousetype: TRANSIT,
        "msdyn_company@odata.bind": `/cdm_companies(${env.companyId})`,
        "msdyn_operationalsite@odata.bind": `/msdyn_operationalsites(${String(site?.msdyn_operationalsiteid)})`,
      })
    ).status,
  ).toBe(204);
  warehouseId = String(
    (await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '7001'"))?.msdyn_warehouseid,
  );
});

afterAll(async () => {
  await env.close();
  await store.close();
  await azurite.stop();
  dir.remove();
});

const scmName = async (): Promise<unknown> =>
  (
    (await scmRequest(env.scmUrl, "GET", "Warehouses(dataAreaId='usmf',WarehouseId='7001')")).json as Record<
      string,
      unknown
    >
  ).WarehouseName;

async function warehousesStatus() {
  const run = await fsi({}, dir.path, "sync", "status", "--json", "--config", configFile);
  expect(run).toMatchObject({ code: 0 });
  const report = JSON.parse(run.out) as StatusReport;
  expect(report.stateFile).toContain("Azure Storage");
  return report.maps.find((map) => map.map === "warehouses");
}

it("pauses the host from the CLI through the shared store, and resumes it with the queued change replayed", async () => {
  expect(await scmName()).toBe("Original");
  const paused = await fsi({ FSI_CONFIG: configFile }, dir.path, "sync", "pause", "warehouses");
  expect(paused).toMatchObject({ code: 0, out: expect.stringContaining("warehouses: paused") as unknown });
  // The host opened its own client on the same account: it sees the pause at its next change.
  expect(await env.host.mapStates.isPaused("warehouses")).toBe(true);

  const renamed = await dataverseRequest(env.dataverse.url, "PATCH", `msdyn_warehouses(${warehouseId})`, {
    msdyn_description: "While paused",
  });
  expect(renamed.status).toBe(204);
  await settle(env);
  expect(await scmName()).toBe("Original");
  expect(await warehousesStatus()).toMatchObject({ state: "paused", queueDepth: 1, catchUp: 0 });

  const resumed = await fsi({}, dir.path, "sync", "resume", "warehouses", "--config", configFile);
  expect(resumed).toMatchObject({
    code: 0,
    out: expect.stringContaining("1 queued change replayed in order") as unknown,
  });
  expect(await scmName()).toBe("While paused");
  expect(await warehousesStatus()).toMatchObject({ state: "running", queueDepth: 0 });
  expect(await env.host.mapStates.isPaused("warehouses")).toBe(false);
});

it("refuses a config file that is not an object of FSI_* settings, naming the problem", async () => {
  const bad = join(dir.path, "bad.json");
  writeFileSync(bad, JSON.stringify({ STATE: "azure" }));
  const run = await fsi({}, dir.path, "sync", "status", "--config", bad);
  expect(run.code).toBe(2);
  expect(run.err).toContain("'STATE' is not an FSI_* setting");
});
