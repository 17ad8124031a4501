/**
 * `fsi sync pause/resume/retry/status/errors` against a running plug-in host that shares the
 * state file: while a map is paused, live changes in both systems are queued durably; resume
 * replays them in order; changes the other system refuses on replay wait on the catch-up list
 * (with the row's later changes behind them) until `retry`.
 */
import type { ScmDataChange } from "@fsi/core/scm/data-events";
import { type EventRecorder, recordScmEvents } from "../../__tests__/support/event-recorder";
import {
  type Environment,
  dataverseRequest,
  dataverseRowByKey,
  scmRequest,
  startEnvironment,
  settle,
} from "../../__tests__/support/environment";
import type { StatusReport } from "../commands/status";
import { TRANSIT, type TempDir, cliEnvironment, fsi, scmWithoutEvent, tempDir } from "./support";

let env: Environment;
let dir: TempDir;
let variables: Record<string, string>;
let events: EventRecorder;
let warehouseId: string;

beforeAll(async () => {
  dir = tempDir();
  const statePath = `${dir.path}/plugins.sqlite`;
  env = await startEnvironment({ statePath });
  variables = cliEnvironment(env, dir.path, statePath);
  expect(
    (
      await scmRequest(env.scmUrl, "POST", "OperationalSites", {
        dataAreaId: "usmf",
        SiteId: "S1",
        SiteName: "Seattle",
      })
    ).status,
  ).toBe(201);
  await settle(env);
  const site = await dataverseRowByKey(env, "msdyn_operationalsites", "msdyn_siteid eq 'S1'");
  const created = await dataverseRequest(env.dataverse.url, "POST", "msdyn_warehouses", {
    msdyn_warehouseidentifier: "5001",
    msdyn_name: "5001",
    msdyn_description: "Original",
    msdyn_warehousetype: TRANSIT,
    "msdyn_company@odata.bind": `/cdm_companies(${env.companyId})`,
    "msdyn_operationalsite@odata.bind": `/msdyn_operationalsites(${String(site?.msdyn_operationalsiteid)})`,
  });
  expect(created.status).toBe(204);
  warehouseId = String(
    (await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '5001'"))?.msdyn_warehouseid,
  );
  events = await recordScmEvents(env.scmUrl);
});

afterAll(async () => {
  await events.close();
  await env.close();
  dir.remove();
});

async function status(): Promise<StatusReport> {
  const run = await fsi(variables, dir.path, "sync", "status", "--json");
  expect(run.code).toBe(0);
  return JSON.parse(run.out) as StatusReport;
}

const warehouses = async () => (await status()).maps.find((map) => map.map === "warehouses");

async function renameInFs(name: string): Promise<number> {
  return (
    await dataverseRequest(env.dataverse.url, "PATCH", `msdyn_warehouses(${warehouseId})`, { msdyn_description: name })
  ).status;
}

async function scmName(id: string): Promise<unknown> {
  return (
    (await scmRequest(env.scmUrl, "GET", `Warehouses(dataAreaId='usmf',WarehouseId='${id}')`)).json as Record<
      string,
      unknown
    >
  ).WarehouseName;
}

const renamesOf5001 = (list: readonly ScmDataChange[]) =>
  list
    .filter((event) => event.key.WarehouseId === "5001" && event.operation === "Update")
    .map((event) => event.fields.WarehouseName);

describe("pause → changes queued → resume replays them in order", () => {
  it("pauses the map in the running host: changes from both systems are queued, not applied", async () => {
    const paused = await fsi(variables, dir.path, "sync", "pause", "warehouses");
    expect(paused).toMatchObject({ code: 0, out: expect.stringContaining("warehouses: paused") as unknown });
    expect(await warehouses()).toMatchObject({ state: "paused", queueDepth: 0 });

    await events.drained();

    const before = events.events.length;
    for (const name of ["Name A", "Name B", "Name C"]) expect(await renameInFs(name)).toBe(204);
    // A person creates a warehouse in SCM: SCM commits, the host queues it for Field Service.
    expect(
      (
        await scmRequest(env.scmUrl, "POST", "Warehouses", {
          dataAreaId: "usmf",
          WarehouseId: "5002",
          WarehouseName: "From SCM",
          OperationalSiteId: "S1",
          WarehouseType: "Transit",
        })
      ).status,
    ).toBe(201);

    expect(await scmName("5001")).toBe("Original");
    await events.drained();
    expect(renamesOf5001(events.events.slice(before))).toEqual([]);
    expect(await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '5002'")).toBeUndefined();
    expect(
      (await env.host.queue.pending({ map: "warehouses" })).map((change) => [
        change.direction,
        change.rowKey,
        change.reason,
      ]),
    ).toEqual([
      ["fs-to-scm", "usmf/5001", "paused"],
      ["fs-to-scm", "usmf/5001", "paused"],
      ["fs-to-scm", "usmf/5001", "paused"],
      ["scm-to-fs", "usmf/5002", "paused"],
    ]);
    expect(await warehouses()).toMatchObject({ state: "paused", queueDepth: 4, catchUp: 0 });
    // The host's own replay leaves a paused map alone.
    expect(await env.host.replayQueue()).toMatchObject({ applied: 0 });
  });

  it("resumes: the queued changes are replayed in the order they happened", async () => {
    await events.drained();
    const before = events.events.length;
    const resumed = await fsi(variables, dir.path, "sync", "resume", "warehouses");
    expect(resumed.code).toBe(0);
    expect(resumed.out).toContain("warehouses: resumed; 4 queued changes replayed in order.");
    await events.drained();
    expect(renamesOf5001(events.events.slice(before))).toEqual(["Name A", "Name B", "Name C"]);
    expect(await scmName("5001")).toBe("Name C");
    expect(await dataverseRowByKey(env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '5002'")).toMatchObject({
      msdyn_name: "5002",
      msdyn_description: "From SCM",
    });
    const after = await warehouses();
    expect(after).toMatchObject({ state: "running", queueDepth: 0, catchUp: 0, errors: 0 });
    expect(after?.lastSync).toEqual(expect.any(String));

    // Running again: changes apply at once.
    expect(await renameInFs("Live again")).toBe(204);
    expect(await scmName("5001")).toBe("Live again");
  });
});

describe("rows refused on replay → catch-up list → retry", () => {
  it("puts a refused change on the catch-up list, keeps the row's later changes behind it, and says so", async () => {
    expect((await fsi(variables, dir.path, "sync", "pause", "warehouses")).code).toBe(0);
    expect(await renameInFs("Taken")).toBe(204);
    // Meanwhile another warehouse gets that name in SCM (usmf wants names unique).
    await scmWithoutEvent(env, "POST", "Warehouses", {
      dataAreaId: "usmf",
      WarehouseId: "5003",
      WarehouseName: "Taken",
      OperationalSiteId: "S1",
      WarehouseType: "Transit",
    });

    const resumed = await fsi(variables, dir.path, "sync", "resume", "warehouses");
    expect(resumed.code).toBe(1);
    expect(resumed.out).toContain("1 refused, on the catch-up list:");
    expect(resumed.out).toMatch(/usmf\/5001\s+SCM refused to update Warehouses: .*WarehouseName/);
    expect(await warehouses()).toMatchObject({ state: "running", queueDepth: 1, catchUp: 1, errors: 1 });

    // A later change to the same row waits behind the refused one, even for the host's replay.
    expect(await renameInFs("Later")).toBe(204);
    expect(await env.host.replayQueue()).toMatchObject({ applied: 0 });
    expect(await scmName("5001")).toBe("Live again");
    expect(await warehouses()).toMatchObject({ queueDepth: 2, catchUp: 1 });

    const listed = await fsi(variables, dir.path, "sync", "errors", "warehouses");
    expect(listed.code).toBe(1);
    expect(listed.out).toMatch(
      /Catch-up list \(1; `fsi sync retry <map>` replays them\):[\s\S]*warehouses\s+fs-to-scm\s+usmf\/5001\s+1\s+SCM refused/,
    );
  });

  it("retries the catch-up list once the row is fixed, in order", async () => {
    await events.drained();
    const before = events.events.length;
    await scmWithoutEvent(env, "PATCH", "Warehouses(dataAreaId='usmf',WarehouseId='5003')", {
      WarehouseName: "Renamed",
    });
    const retried = await fsi(variables, dir.path, "sync", "retry", "warehouses");
    expect(retried.code).toBe(0);
    expect(retried.out).toContain("warehouses: 1 change off the catch-up list; 2 queued changes replayed in order.");
    await events.drained();
    expect(renamesOf5001(events.events.slice(before))).toEqual(["Taken", "Later"]);
    expect(await warehouses()).toMatchObject({ queueDepth: 0, catchUp: 0, errors: 0 });
    expect((await fsi(variables, dir.path, "sync", "errors", "warehouses")).out).toContain("Catch-up list: empty.");
  });
});
