/**
 * A company that exists only in SCM: its rows' changes wait for the company in Field Service. After
 * the set number of attempts the wait becomes an error — on the catch-up list, counted in
 * `fsi sync status`, listed with what is missing by `fsi sync errors` — instead of a queue that
 * grows while status shows 0 errors. Once the company is added, `fsi sync retry` carries the rows
 * over and both systems end equal.
 */
import { ScmSyncStatus } from "@fsi/core/dataverse/tables";
import {
  type Environment,
  dataverseRequest,
  dataverseRowByKey,
  scmRequest,
  startEnvironment,
  settle,
} from "../../__tests__/support/environment";
import { warehouseRecordsOnBothSides } from "../../__tests__/support/reconcile";
import type { StatusReport } from "../commands/status";
import { type TempDir, cliEnvironment, fsi, scmWithoutEvent, tempDir } from "./support";

const ATTEMPTS = 3;
let env: Environment;
let dir: TempDir;
let variables: Record<string, string>;

beforeAll(async () => {
  dir = tempDir();
  const statePath = `${dir.path}/plugins.sqlite`;
  env = await startEnvironment({ statePath, dependencyAttempts: ATTEMPTS, retryBackoff: { baseMs: 1, maxMs: 1 } });
  variables = cliEnvironment(env, dir.path, statePath);
});

afterAll(async () => {
  await env.close();
  dir.remove();
});

const status = async (): Promise<StatusReport> => {
  const run = await fsi(variables, dir.path, "sync", "status", "--json");
  return JSON.parse(run.out) as StatusReport;
};
const mapStatus = async (map: string) => (await status()).maps.find((entry) => entry.map === map);

it("turns the endless wait into a visible error, and carries the rows over once the company exists", async () => {
  // People in SCM's company demf, which Field Service does not know.
  expect(
    (await scmRequest(env.scmUrl, "POST", "OperationalSites", { dataAreaId: "demf", SiteId: "B1", SiteName: "Berlin" }))
      .status,
  ).toBe(201);
  expect(
    (
      await scmRequest(env.scmUrl, "POST", "Warehouses", {
        dataAreaId: "demf",
        WarehouseId: "DE-BER-01",
        WarehouseName: "Berlin",
        OperationalSiteId: "B1",
        WarehouseType: "Transit",
        PrimaryAddressZipCode: "10115",
        PrimaryAddressLatitude: 52.520008,
        PrimaryAddressLongitude: 13.404954,
      })
    ).status,
  ).toBe(201);
  await settle(env);
  expect(await env.host.queue.depth()).toBe(2);
  expect(await mapStatus("operational-sites")).toMatchObject({ queueDepth: 1, catchUp: 0, errors: 0 });

  // The timer's retries: each one still finds no company demf.
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) await env.host.replayQueue();

  expect(await mapStatus("operational-sites")).toMatchObject({ queueDepth: 1, catchUp: 1, errors: 1 });
  const errors = await fsi(variables, dir.path, "sync", "errors", "operational-sites");
  expect(errors.out).toContain("demf/B1");
  expect(errors.out).toContain("add cdm_company */demf to Field Service");
  expect(errors.out).toContain(`after ${ATTEMPTS} attempts`);
  expect(errors.out).toContain("fsi sync retry operational-sites");
  // The warehouse waits behind its site (same reason, counted once its own attempts run out).
  expect((await mapStatus("warehouses"))?.queueDepth).toBe(1);

  // Someone adds the company to Field Service, and retries.
  expect(
    (
      await dataverseRequest(env.dataverse.url, "POST", "cdm_companies", {
        cdm_name: "Contoso Europe",
        cdm_companycode: "demf",
      })
    ).status,
  ).toBe(204);
  expect((await fsi(variables, dir.path, "sync", "retry", "operational-sites")).code).toBe(0);
  await fsi(variables, dir.path, "sync", "retry", "warehouses");
  await fsi(variables, dir.path, "sync", "resume", "warehouses");
  await env.host.whenIdle();

  await settle(env);

  expect(await env.host.queue.depth()).toBe(0);
  expect(await mapStatus("operational-sites")).toMatchObject({ queueDepth: 0, catchUp: 0, errors: 0 });
  const sides = await warehouseRecordsOnBothSides(env);
  expect(sides.dataverse).toEqual(sides.scm);
  expect(sides.dataverse).toEqual([
    expect.objectContaining({ key: "demf/DE-BER-01", site: "B1", latitude: 52.52001, longitude: 13.40495 }),
  ]);
});

it("shows the error on the Field Service row when the row exists: an SCM change waiting for a warehouse Field Service lacks", async () => {
  const site = await scmRequest(env.scmUrl, "POST", "OperationalSites", {
    dataAreaId: "usmf",
    SiteId: "S1",
    SiteName: "Seattle",
  });
  expect(site.status).toBe(201);
  const warehouse = (id: string, name: string) => ({
    dataAreaId: "usmf",
    WarehouseId: id,
    WarehouseName: name,
    OperationalSiteId: "S1",
    WarehouseType: "Transit",
  });
  expect(
    (
      await scmRequest(env.scmUrl, "POST", "Warehouses", {
        ...warehouse("6301", "Kept 6301"),
        WarehouseType: "Quarantine",
      })
    ).status,
  ).toBe(201);
  // 6301 reaches Field Service (its data event arrives after SCM's reply).
  await settle(env);
  // 6302 exists only in SCM: its data event is lost, so Field Service never heard of it.
  expect((await scmWithoutEvent(env, "POST", "Warehouses", warehouse("6302", "Only in SCM 6302"))).status).toBe(201);
  expect(
    (
      await scmRequest(env.scmUrl, "PATCH", "Warehouses(dataAreaId='usmf',WarehouseId='6301')", {
        TransitWarehouseId: "6302",
      })
    ).status,
  ).toBe(204);
  await settle(env);
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) await env.host.replayQueue();

  await settle(env);
  const row = await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '6301'");
  expect(row).toMatchObject({ fsi_scmsyncstatus: ScmSyncStatus.Failed });
  expect(String(row?.fsi_scmlasterror)).toContain(`after ${ATTEMPTS} attempts`);
  expect((await mapStatus("warehouses"))?.errors).toBe(1);

  // 6302 reaches Field Service (changed in SCM by a person); the retry applies the waiting change.
  expect(
    (
      await scmRequest(env.scmUrl, "PATCH", "Warehouses(dataAreaId='usmf',WarehouseId='6302')", {
        WarehouseName: "Now in FS 6302",
      })
    ).status,
  ).toBe(204);
  // Its data event arrives after SCM's reply, then the retry.
  await settle(env);
  expect((await fsi(variables, dir.path, "sync", "retry", "warehouses")).code).toBe(0);
  await env.host.whenIdle();
  await settle(env);
  expect(await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '6301'")).toMatchObject({
    fsi_scmsyncstatus: ScmSyncStatus.Synced,
  });
  const sides = await warehouseRecordsOnBothSides(env);
  expect(sides.dataverse).toEqual(sides.scm);
  expect(sides.scm.find((entry) => entry.key === "usmf/6301")).toMatchObject({ transit: "6302" });
});
