/**
 * Every map in scheduled batch mode, over HTTP: a run reads only what changed since the last one
 * (the checkpoint in SQLite), keeps failed rows for the next run, and is recorded for
 * `batchStatus`; `runBatch` and `batchStatus` work from an engine or from the environment alone.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { InventoryPostingStatus, WorkOrderScmOrderStatus, WorkOrderSystemStatus } from "@fsi/core/dataverse/tables";
import { createLogger, memorySink } from "../../services/logger";
import { type BatchProgress, batchStatus, createInventoryEngine, runBatch } from "..";
import {
  INTEGRATION,
  INTEGRATION_TOKEN,
  type InventoryEnvironment,
  createRow,
  dataverseRequest,
  dataverseRows,
  scmRequest,
  scmRows,
  startInventoryEnvironment,
} from "./support/environment";

let env: InventoryEnvironment;
let folder: string;
let statePath: string;
const batch = { mode: "batch" } as const;

beforeAll(async () => {
  folder = mkdtempSync(path.join(os.tmpdir(), "fsi-inventory-batch-"));
  statePath = path.join(folder, "inventory.sqlite");
  env = await startInventoryEnvironment({
    statePath,
    settings: {
      maps: {
        "on-hand": batch,
        projects: batch,
        "inventory-adjustments": batch,
        "inventory-transfers": batch,
        "work-order-sales-orders": batch,
      },
    },
  });
});

afterAll(async () => {
  await env.close();
  rmSync(folder, { recursive: true, force: true });
});

const bind = (set: string, id: string | undefined) => `/${set}(${id ?? ""})`;

async function fsOnHand(item: string, warehouse: string): Promise<unknown> {
  const rows = await dataverseRows(
    env,
    `msdyn_productinventories?$filter=_msdyn_product_value eq ${env.ids.products[item] ?? ""} and _msdyn_warehouse_value eq ${env.ids.warehouses[warehouse] ?? ""}`,
  );
  return rows[0]?.msdyn_qtyonhand;
}

describe("batch mode", () => {
  it("registers no live steps and subscribes to no SCM events", () => {
    expect(env.engine.scmSubscriptionCollections()).toEqual([]);
    expect(env.engine.webhookSteps().map((step) => step.handler)).not.toContain("inventory-post");
    expect(env.engine.webhookSteps().map((step) => step.handler)).not.toContain("work-order-sales-order");
  });

  it("picks up only the rows changed since the last run", async () => {
    const progress: BatchProgress[] = [];
    const first = await runBatch("on-hand", { engine: env.engine, onProgress: (step) => progress.push(step) });
    expect(first).toMatchObject({
      status: "succeeded",
      read: 5,
      changed: 5,
      unchanged: 0,
      failed: 0,
      checkpointFrom: 0,
    });
    expect(progress.at(-1)).toMatchObject({ map: "on-hand", phase: "done", read: 5, total: 5 });
    expect(progress.filter((step) => step.phase === "changes").map((step) => step.read)).toEqual([1, 2, 3, 4, 5]);
    expect(await fsOnHand("A0001", "1001")).toBe(40);

    expect(await runBatch("on-hand", { engine: env.engine })).toMatchObject({
      status: "succeeded",
      read: 0,
      checkpointFrom: first.checkpointTo,
    });

    // Two rows change in SCM; Field Service waits for the next run.
    expect(
      (
        await scmRequest(env, "PATCH", "InventoryOnHand(dataAreaId='usmf',ItemNumber='A0001',WarehouseId='1001')", {
          PhysicalInventory: 45,
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await scmRequest(env, "PATCH", "InventoryOnHand(dataAreaId='usmf',ItemNumber='A0002',WarehouseId='1002')", {
          PhysicalInventory: 3,
        })
      ).status,
    ).toBe(204);
    await env.settle();
    expect(await fsOnHand("A0001", "1001")).toBe(40);
    const journalsBefore = (await dataverseRows(env, "msdyn_inventoryjournals")).length;
    const third = await runBatch("on-hand", { engine: env.engine });
    expect(third).toMatchObject({ status: "succeeded", read: 2, changed: 2 });
    expect(third.checkpointTo).toBeGreaterThan(third.checkpointFrom);
    expect(await fsOnHand("A0001", "1001")).toBe(45);
    expect(await fsOnHand("A0002", "1002")).toBe(3);
    expect((await dataverseRows(env, "msdyn_inventoryjournals")).length).toBe(journalsBefore + 2);
  });

  it("reads everything again when asked (full), finding it unchanged", async () => {
    expect(await runBatch("on-hand", { engine: env.engine, full: true })).toMatchObject({
      status: "succeeded",
      read: 5,
      changed: 0,
      unchanged: 5,
      checkpointFrom: 0,
    });
  });

  it("keeps a row that fails for the next run, which carries it once it can", async () => {
    expect(
      (
        await scmRequest(env, "POST", "InventoryOnHand", {
          dataAreaId: "usmf",
          ItemNumber: "A0001",
          WarehouseId: "1003",
          PhysicalInventory: 6,
          InventoryUnitSymbol: "ea",
        })
      ).status,
    ).toBe(201);
    const partial = await runBatch("on-hand", { engine: env.engine });
    expect(partial).toMatchObject({ status: "partial", read: 1, failed: 1 });
    expect(partial.errors).toEqual([
      { rowKey: "usmf/a0001/1003", message: "waits for warehouse 1003 of company usmf in Field Service" },
    ]);
    expect((await env.engine.batchStatus()).find((status) => status.map === "on-hand")).toMatchObject({
      mode: "batch",
      pendingRows: 1,
      lastRun: { status: "partial", failed: 1 },
    });

    await createRow(env, "msdyn_warehouses", {
      msdyn_name: "Seattle 1003",
      msdyn_warehouseidentifier: "1003",
      "msdyn_company@odata.bind": bind("cdm_companies", env.ids.company),
    });
    const next = await runBatch("on-hand", { engine: env.engine });
    expect(next).toMatchObject({ status: "succeeded", read: 1, changed: 1, failed: 0 });
    expect((await env.engine.batchStatus()).find((status) => status.map === "on-hand")?.pendingRows).toBe(0);
  });

  it("posts adjustments that wait to be posted on the next run, once", async () => {
    const id = await createRow(env, "msdyn_inventoryadjustments", { msdyn_name: "Batch count" });
    await createRow(env, "msdyn_inventoryadjustmentproducts", {
      "msdyn_inventoryadjustment@odata.bind": bind("msdyn_inventoryadjustments", id),
      "msdyn_product@odata.bind": bind("products", env.ids.products.A0002),
      "msdyn_warehouse@odata.bind": bind("msdyn_warehouses", env.ids.warehouses["1001"]),
      "msdyn_unit@odata.bind": bind("uoms", env.ids.units.ea),
      msdyn_quantity: 5,
    });
    expect(
      (
        await dataverseRequest(env, "PATCH", `msdyn_inventoryadjustments(${id})`, {
          fsi_postingstatus: InventoryPostingStatus.PostRequested,
        })
      ).status,
    ).toBe(204);
    await env.settle();
    expect((await dataverseRequest(env, "GET", `msdyn_inventoryadjustments(${id})`)).json).toMatchObject({
      fsi_postingstatus: InventoryPostingStatus.PostRequested,
    });

    expect(await runBatch("inventory-adjustments", { engine: env.engine })).toMatchObject({
      status: "succeeded",
      read: 1,
      changed: 1,
    });
    expect((await dataverseRequest(env, "GET", `msdyn_inventoryadjustments(${id})`)).json).toMatchObject({
      fsi_postingstatus: InventoryPostingStatus.Posted,
    });
    expect(
      await scmRows(env, `InventoryMovementJournalHeaders?$filter=FsiExternalReference eq 'FS-ADJ-${id}'`),
    ).toHaveLength(1);
    expect(await runBatch("inventory-adjustments", { engine: env.engine })).toMatchObject({ read: 0 });
    // Field Service moved its own quantity when the product was added (its adjustment journal); the
    // SCM posting moved SCM's, so the on-hand map's next run finds both sides equal.
    expect(await fsOnHand("A0002", "1001")).toBe(35);
    expect(await runBatch("on-hand", { engine: env.engine })).toMatchObject({ read: 1, changed: 0 });
    expect(await fsOnHand("A0002", "1001")).toBe(35);
  });

  it("sends completed work orders with a project on the next run", async () => {
    expect(await runBatch("projects", { engine: env.engine })).toMatchObject({
      status: "succeeded",
      changed: 3,
      filtered: 1,
    });
    const [project] = await dataverseRows(env, "fsi_projects?$filter=fsi_projectnumber eq 'US-PRJ-0001'");
    const order = await createRow(env, "msdyn_workorders", {
      msdyn_name: "WO-BATCH-1",
      "msdyn_serviceaccount@odata.bind": bind("accounts", env.ids.accounts["US-001"]),
      "fsi_project@odata.bind": bind("fsi_projects", String(project?.fsi_projectid)),
      msdyn_systemstatus: WorkOrderSystemStatus.Completed,
    });
    await createRow(env, "msdyn_workorderproducts", {
      "msdyn_workorder@odata.bind": bind("msdyn_workorders", order),
      "msdyn_product@odata.bind": bind("products", env.ids.products.A0001),
      msdyn_quantity: 3,
    });
    expect(await runBatch("work-order-sales-orders", { engine: env.engine })).toMatchObject({
      status: "succeeded",
      read: 1,
      changed: 1,
    });
    const row = (await dataverseRequest(env, "GET", `msdyn_workorders(${order})`)).json as Record<string, unknown>;
    expect(row.fsi_scmorderstatus).toBe(WorkOrderScmOrderStatus.Sent);
    expect(
      await scmRows(
        env,
        `SalesOrderLines?$filter=SalesOrderNumber eq '${String(row.fsi_scmsalesordernumber)}'&$select=ItemNumber,Quantity,ProjectId`,
      ),
    ).toEqual([{ ItemNumber: "A0001", Quantity: 3, ProjectId: "US-PRJ-0001" }]);
  });

  it("answers status from the state file alone, and runs a map from the environment", async () => {
    const statuses = await batchStatus({ env: { FSI_INVENTORY_STATE_PATH: statePath } });
    const onHand = statuses.find((status) => status.map === "on-hand");
    // No settings file given: the built-in templates' modes; the checkpoints and runs are the file's.
    expect(onHand).toMatchObject({ mode: "live", lastRun: { status: "succeeded" }, pendingRows: 0 });
    expect(onHand?.checkpoint).toBeGreaterThan(0);
    expect(statuses.map((status) => status.map)).toEqual([
      "on-hand",
      "projects",
      "inventory-adjustments",
      "inventory-transfers",
      "work-order-sales-orders",
    ]);

    expect(
      (
        await scmRequest(env, "PATCH", "Projects(dataAreaId='usmf',ProjectId='US-PRJ-0002')", {
          ProjectName: "Pump maintenance 2025",
        })
      ).status,
    ).toBe(204);
    const log = createLogger(memorySink());
    const run = await runBatch("projects", {
      log,
      env: {
        FSI_DATAVERSE_URL: env.dataverse.url,
        FSI_DATAVERSE_TOKEN: INTEGRATION_TOKEN,
        FSI_SCM_URL: env.scmUrl,
        FSI_INTEGRATION_USER_ID: INTEGRATION.id,
        FSI_INVENTORY_STATE_PATH: statePath,
      },
    });
    expect(run).toMatchObject({ status: "succeeded", read: 1, changed: 1 });
    const [project] = await dataverseRows(env, "fsi_projects?$filter=fsi_projectnumber eq 'US-PRJ-0002'");
    expect(project?.fsi_name).toBe("Pump maintenance 2025");
  });

  it("schedules the batch maps that have a schedule, and says when each runs next", async () => {
    const engine = createInventoryEngine({
      dataverse: { url: env.dataverse.url, accessToken: () => Promise.resolve(INTEGRATION_TOKEN) },
      scm: { url: env.scmUrl },
      integration: {
        integrationUserId: INTEGRATION.id,
        echoTag: "fsi-integration",
        scmIntegrationUser: "FSI-Integration",
      },
      settings: { maps: { "on-hand": { mode: "batch", scheduleMinutes: 15 }, projects: { mode: "batch" } } },
      log: createLogger(memorySink()),
      clock: () => new Date("2025-03-01T08:00:00Z"),
    });
    try {
      engine.startSchedule();
      const statuses = await engine.batchStatus();
      expect(statuses.find((status) => status.map === "on-hand")).toMatchObject({
        mode: "batch",
        scheduleMinutes: 15,
        nextRunAt: "2025-03-01T08:15:00.000Z",
      });
      expect(statuses.find((status) => status.map === "projects")).not.toHaveProperty("nextRunAt");
    } finally {
      await engine.close();
    }
  });

  it("refuses an unknown map, naming the maps there are", async () => {
    await expect(runBatch("warehouses-on-hand", { engine: env.engine })).rejects.toThrow(
      "There is no map 'warehouses-on-hand'; the maps are on-hand, projects, inventory-adjustments, inventory-transfers, work-order-sales-orders.",
    );
  });
});
