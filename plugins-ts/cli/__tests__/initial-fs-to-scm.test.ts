/**
 * `fsi sync initial --direction fs-to-scm` over HTTP: rows that exist only in Field Service are
 * copied to the SCM emulator in dependency order, SCM's refusals are all listed, and the chosen
 * master decides conflicts. SCM's business events (a recording subscriber) show the order of
 * writes.
 */
import { ScmSyncStatus } from "@fsi/core/dataverse/tables";
import type { ScmDataChange } from "@fsi/core/scm/data-events";
import { type EventRecorder, recordScmEvents } from "../../__tests__/support/event-recorder";
import { type Environment, dataverseRowByKey, scmRequest, startEnvironment } from "../../__tests__/support/environment";
import {
  DEFAULT,
  TRANSIT,
  type TempDir,
  cliEnvironment,
  createFs,
  fsAsIntegration,
  fsi,
  scmWithoutEvent,
  scmRows,
  tempDir,
} from "./support";

let env: Environment;
let dir: TempDir;
let variables: Record<string, string>;
let events: EventRecorder;
const sites: Record<string, string> = {};

const BAD_IDENTIFIERS = ["12", "123", "12345", "ABCD", "X1", "99999", "1a2b"];

beforeAll(async () => {
  dir = tempDir();
  const statePath = `${dir.path}/plugins.sqlite`;
  env = await startEnvironment({ statePath });
  variables = cliEnvironment(env, dir.path, statePath);
  events = await recordScmEvents(env.scmUrl);

  const company = `/cdm_companies(${env.companyId})`;
  for (const [siteId, name] of [
    ["S1", "Seattle"],
    ["S2", "Spokane"],
  ] as const) {
    sites[siteId] = await createFs(env, "msdyn_operationalsites", {
      msdyn_siteid: siteId,
      msdyn_name: name,
      "msdyn_company@odata.bind": company,
    });
  }
  const warehouse = async (identifier: string, site: string, extra: Record<string, unknown> = {}) =>
    createFs(env, "msdyn_warehouses", {
      msdyn_warehouseidentifier: identifier,
      msdyn_name: identifier,
      msdyn_description: `Warehouse ${identifier}`,
      msdyn_warehousetype: TRANSIT,
      "msdyn_company@odata.bind": company,
      "msdyn_operationalsite@odata.bind": `/msdyn_operationalsites(${sites[site] ?? ""})`,
      ...extra,
    });
  // 3000 is a Default warehouse (usmf wants a transit warehouse on those) naming 3005, later in key order.
  const transit = await warehouse("3005", "S1");
  await warehouse("3000", "S1", {
    msdyn_warehousetype: DEFAULT,
    "msdyn_transitwarehouse@odata.bind": `/msdyn_warehouses(${transit})`,
  });
  // Two warehouses that name each other: no order writes both with their lookups.
  const first = await warehouse("3010", "S2");
  const second = await warehouse("3011", "S2", {
    "msdyn_mainrefillingwarehouse@odata.bind": `/msdyn_warehouses(${first})`,
  });
  await fsAsIntegration(env, "PATCH", `msdyn_warehouses(${first})`, {
    "msdyn_mainrefillingwarehouse@odata.bind": `/msdyn_warehouses(${second})`,
  });
  for (let n = 3020; n < 3024; n += 1) {
    await warehouse(String(n), "S1", {
      msdyn_primaryaddresscity: "Seattle",
      msdyn_primaryaddresslatitude: 47.6 + n / 10_000,
      msdyn_primaryaddresslongitude: -122.3,
    });
  }
  for (const identifier of BAD_IDENTIFIERS) await warehouse(identifier, "S1");
});

afterAll(async () => {
  await events.close();
  await env.close();
  dir.remove();
});

const keyOf = (event: ScmDataChange) => `${event.entity.entityName} ${Object.values(event.key).slice(1).join("/")}`;

describe("fsi sync initial --direction fs-to-scm", () => {
  let run: { code: number; out: string; err: string };
  let during: ScmDataChange[];

  beforeAll(async () => {
    expect(await scmRows(env, "Warehouses")).toEqual([]);
    await events.drained();
    const before = events.events.length;
    run = await fsi(
      variables,
      dir.path,
      "sync",
      "initial",
      "--map",
      "warehouses",
      "--direction",
      "fs-to-scm",
      "--batch-size",
      "3",
    );
    await events.drained();
    during = events.events.slice(before);
  });

  it("copies the map and its dependency (sites) to SCM: equal row counts and contents", async () => {
    expect((await scmRows(env, "OperationalSites")).map((row) => [row.SiteId, row.SiteName]).sort()).toEqual([
      ["S1", "Seattle"],
      ["S2", "Spokane"],
    ]);
    const warehouses = await scmRows(env, "Warehouses");
    const good = ["3000", "3005", "3010", "3011", "3020", "3021", "3022", "3023"];
    expect(warehouses.map((row) => row.WarehouseId).sort()).toEqual(good);
    const byId = new Map(warehouses.map((row) => [row.WarehouseId, row]));
    for (const id of good) {
      const fs = await dataverseRowByKey(env, "msdyn_warehouses", `msdyn_warehouseidentifier eq '${id}'`);
      const scm = byId.get(id);
      expect(scm).toMatchObject({
        dataAreaId: "usmf",
        WarehouseName: fs?.msdyn_description,
        WarehouseType: fs?.msdyn_warehousetype === DEFAULT ? "Default" : "Transit",
      });
      expect(scm?.OperationalSiteId).toBe(fs?._msdyn_operationalsite_value === sites.S1 ? "S1" : "S2");
      expect(scm?.PrimaryAddressLatitude).toBe(fs?.msdyn_primaryaddresslatitude ?? 0);
    }
    expect(byId.get("3000")).toMatchObject({ TransitWarehouseId: "3005" });
    expect(byId.get("3010")).toMatchObject({ MainRefillingWarehouseId: "3011" });
    expect(byId.get("3011")).toMatchObject({ MainRefillingWarehouseId: "3010" });
  });

  it("writes in dependency order: sites first, a named warehouse before the one naming it, a cycle in two passes", () => {
    const order = during.map(keyOf);
    const lastSite = Math.max(...order.map((entry, index) => (entry.startsWith("OperationalSite ") ? index : -1)));
    const firstWarehouse = order.findIndex((entry) => entry.startsWith("Warehouse "));
    expect(lastSite).toBeLessThan(firstWarehouse);
    expect(order.indexOf("Warehouse 3005")).toBeLessThan(order.indexOf("Warehouse 3000"));
    expect(during.find((event) => keyOf(event) === "Warehouse 3000")?.fields).toMatchObject({
      TransitWarehouseId: "3005",
    });

    // Either may go first; the first is created without its lookup, which pass 2 adds.
    const cycle = during
      .filter((event) => ["Warehouse 3010", "Warehouse 3011"].includes(keyOf(event)))
      .map((event) => [keyOf(event), event.operation, event.fields.MainRefillingWarehouseId]);
    const [first, second] = [cycle[0]?.[0], cycle[1]?.[0]];
    const idOf = (key: unknown) => String(key).slice("Warehouse ".length);
    expect(cycle).toEqual([
      [first, "Create", ""],
      [second, "Create", idOf(first)],
      [first, "Update", idOf(second)],
    ]);
    // Written as the integration user: the host drops these events as echoes.
  });

  it("lists every refused row (not the first few) with its key and SCM's message, and exits 1", () => {
    expect(run.code).toBe(1);
    expect(run.out).toContain(`${BAD_IDENTIFIERS.length} rows failed:`);
    for (const identifier of BAD_IDENTIFIERS) {
      const line = run.out.split("\n").find((candidate) => candidate.includes(`usmf/${identifier} `));
      expect(line).toMatch(/warehouses\s+1\s+usmf\/\S+\s+SCM refused to create Warehouses: .*WarehouseId/);
    }
    expect(run.out).toMatch(/warehouses\s+8\s+0\s+0\s+0\s+7/);
  });

  it("marks each Field Service row Synced, or Failed with SCM's reason", async () => {
    await env.dataverse.emulator.idle();
    expect(await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '3000'")).toMatchObject({
      fsi_scmsyncstatus: ScmSyncStatus.Synced,
      fsi_scmlasterror: null,
    });
    const failed = await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '12'");
    expect(failed).toMatchObject({ fsi_scmsyncstatus: ScmSyncStatus.Failed });
    expect(String(failed?.fsi_scmlasterror)).toContain("WarehouseId");
  });

  it("writes nothing on a second run when both sides are equal", async () => {
    await events.drained();
    const before = events.events.length;
    const again = await fsi(
      variables,
      dir.path,
      "sync",
      "initial",
      "--map",
      "warehouses",
      "--direction",
      "fs-to-scm",
      "--only",
      "--json",
    );
    const report = JSON.parse(again.out) as { maps: { map: string; counts: Record<string, number> }[] };
    expect(report.maps).toEqual([
      { map: "warehouses", counts: { created: 0, updated: 0, "written-back": 0, unchanged: 8, failed: 7 } },
    ]);
    await events.drained();
    expect(events.events.slice(before)).toEqual([]);
  });
});

describe("conflicts: the chosen master decides", () => {
  beforeAll(async () => {
    // Someone renamed 3020 in SCM, and 3021 in Field Service, outside the integration.
    await scmWithoutEvent(env, "PATCH", "Warehouses(dataAreaId='usmf',WarehouseId='3020')", {
      WarehouseName: "Renamed in SCM",
    });
    const fs3021 = await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '3021'");
    await fsAsIntegration(env, "PATCH", `msdyn_warehouses(${String(fs3021?.msdyn_warehouseid)})`, {
      msdyn_description: "Renamed in FS",
    });
  });

  it("with --master scm, rewrites the Field Service row from SCM and leaves SCM as it is", async () => {
    const run = await fsi(
      variables,
      dir.path,
      "sync",
      "initial",
      "--map",
      "warehouses",
      "--only",
      "--direction",
      "fs-to-scm",
      "--master",
      "scm",
      "--json",
    );
    const report = JSON.parse(run.out) as { master: string; maps: { counts: Record<string, number> }[] };
    expect(report.master).toBe("scm");
    expect(report.maps[0]?.counts["written-back"]).toBe(2);
    expect(
      (await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '3020'"))?.msdyn_description,
    ).toBe("Renamed in SCM");
    expect(
      (await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '3021'"))?.msdyn_description,
    ).toBe("Warehouse 3021");
    expect(
      (await scmRequest(env.scmUrl, "GET", "Warehouses(dataAreaId='usmf',WarehouseId='3021')")).json,
    ).toMatchObject({ WarehouseName: "Warehouse 3021" });
  });

  it("with the default master (the source, FS), overwrites SCM's row", async () => {
    const fs3022 = await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '3022'");
    await fsAsIntegration(env, "PATCH", `msdyn_warehouses(${String(fs3022?.msdyn_warehouseid)})`, {
      msdyn_description: "FS wins",
    });
    await scmWithoutEvent(env, "PATCH", "Warehouses(dataAreaId='usmf',WarehouseId='3022')", {
      WarehouseName: "SCM loses",
    });
    const run = await fsi(
      variables,
      dir.path,
      "sync",
      "initial",
      "--map",
      "warehouses",
      "--only",
      "--direction",
      "fs-to-scm",
      "--json",
    );
    expect((JSON.parse(run.out) as { maps: { counts: Record<string, number> }[] }).maps[0]?.counts.updated).toBe(1);
    expect(
      (await scmRequest(env.scmUrl, "GET", "Warehouses(dataAreaId='usmf',WarehouseId='3022')")).json,
    ).toMatchObject({ WarehouseName: "FS wins" });
    expect(
      (await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '3022'"))?.msdyn_description,
    ).toBe("FS wins");
  });
});
