/**
 * How an on-hand batch run reads Field Service and how it behaves under Dataverse's service
 * protection limits, through the real emulators:
 * - a warehouse with many products in a chunk is read whole, one query, instead of by key pairs;
 *   one that holds more than that read takes is read by key pairs (and remembered as large);
 * - requests refused with 429 are sent again after Retry-After: the run succeeds, every row is
 *   carried once, no row is kept as failed.
 */
import { InventoryJournalType } from "@fsi/core/dataverse/tables";
import { type ApiRequest, errorResponse } from "@fsi/sandbox/dataverse/api";
import { ServiceProtection } from "@fsi/sandbox/dataverse/limits";
import { WHOLE_WAREHOUSE_FROM } from "../flows/on-hand-current";
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

const bind = (set: string, id: string | undefined) => `/${set}(${id ?? ""})`;

/** `count` products in Field Service and SCM, numbered `<prefix>000` on. */
async function addProducts(env: InventoryEnvironment, prefix: string, count: number): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (let index = 0; index < count; index++) {
    const item = `${prefix}${String(index).padStart(3, "0")}`;
    const released = await scmRequest(env, "POST", "ReleasedProducts", {
      dataAreaId: "usmf",
      ItemNumber: item,
      ProductName: `Part ${item}`,
      ProductType: "Item",
      InventoryUnitSymbol: "ea",
      SalesUnitSymbol: "ea",
    });
    expect(released.status).toBe(201);
    ids.set(
      item,
      await createRow(env, "products", {
        name: `Part ${item}`,
        productnumber: item,
        "defaultuomid@odata.bind": bind("uoms", env.ids.units.ea),
      }),
    );
  }
  return ids;
}

/** A warehouse in both systems. */
async function addWarehouse(env: InventoryEnvironment, identifier: string): Promise<string> {
  const scm = await scmRequest(env, "POST", "Warehouses", {
    dataAreaId: "usmf",
    WarehouseId: identifier,
    WarehouseName: `Depot ${identifier}`,
    OperationalSiteId: "1",
    WarehouseType: "Default",
    TransitWarehouseId: "1990",
  });
  expect(scm.status).toBe(201);
  return createRow(env, "msdyn_warehouses", {
    msdyn_name: `Depot ${identifier}`,
    msdyn_warehouseidentifier: identifier,
    "msdyn_company@odata.bind": bind("cdm_companies", env.ids.company),
  });
}

async function addScmOnHand(env: InventoryEnvironment, item: string, warehouse: string, physical: number) {
  const created = await scmRequest(env, "POST", "InventoryOnHand", {
    dataAreaId: "usmf",
    ItemNumber: item,
    WarehouseId: warehouse,
    PhysicalInventory: physical,
    InventoryUnitSymbol: "ea",
  });
  expect(created.status).toBe(201);
}

/** Field Service's on-hand and its On Hand journals both equal SCM's, for every SCM row of the warehouse. */
async function expectWarehouseEqualToScm(
  env: InventoryEnvironment,
  identifier: string,
  warehouse: string,
  products: ReadonlyMap<string, string>,
): Promise<void> {
  const scm = await scmRows(env, `InventoryOnHand?$filter=WarehouseId eq '${identifier}'`);
  expect(scm.length).toBeGreaterThan(0);
  for (const row of scm) {
    const product = products.get(String(row.ItemNumber));
    const [fs] = await dataverseRows(
      env,
      `msdyn_productinventories?$filter=_msdyn_product_value eq ${product ?? ""} and _msdyn_warehouse_value eq ${warehouse}`,
    );
    expect(fs?.msdyn_qtyonhand).toBe(row.PhysicalInventory);
    const journals = await dataverseRows(
      env,
      `msdyn_inventoryjournals?$filter=_msdyn_product_value eq ${product ?? ""} and _msdyn_warehouse_value eq ${warehouse} and msdyn_journaltype eq ${InventoryJournalType.OnHand}`,
    );
    expect(journals.reduce((total, journal) => total + Number(journal.msdyn_quantity), 0)).toBe(row.PhysicalInventory);
  }
}

describe("on-hand batch reads of Field Service", () => {
  let env: InventoryEnvironment;
  const requests: ApiRequest[] = [];

  beforeAll(async () => {
    env = await startInventoryEnvironment({ settings: { maps: { "on-hand": { mode: "batch" } } } });
    const emulator = env.dataverse.emulator;
    const handle = emulator.handle.bind(emulator);
    emulator.handle = (request: ApiRequest) => {
      requests.push(request);
      return handle(request);
    };
    // The seed's rows first, so the runs below read only this test's rows.
    expect(await env.engine.runBatch("on-hand")).toMatchObject({ status: "succeeded" });
  });
  afterAll(async () => {
    await env.close();
  });

  const inventoryReads = () =>
    requests.filter((request) => request.method === "GET" && request.path === "msdyn_productinventories");
  const batches = () => requests.filter((request) => request.path === "$batch");

  it("reads a warehouse with many products in the chunk whole, in one query, before and after its journals", async () => {
    const count = WHOLE_WAREHOUSE_FROM + 2;
    const products = await addProducts(env, "W", count);
    const depot = await addWarehouse(env, "3001");
    for (const [index, item] of [...products.keys()].entries()) await addScmOnHand(env, item, "3001", 10 + index);
    requests.length = 0;

    expect(await env.engine.runBatch("on-hand")).toMatchObject({ status: "succeeded", read: count, changed: count });
    // Before the journals (nothing there yet) and after them (the rows Field Service created, to stamp).
    expect(inventoryReads().map((request) => request.query.get("$filter"))).toEqual([
      `_msdyn_warehouse_value eq ${depot}`,
      `_msdyn_warehouse_value eq ${depot}`,
    ]);
    expect(batches()).toEqual([]);
    await expectWarehouseEqualToScm(env, "3001", depot, products);
    const stamped = await dataverseRows(
      env,
      `msdyn_productinventories?$filter=_msdyn_warehouse_value eq ${depot} and fsi_scmlastsyncedon ne null`,
    );
    expect(stamped).toHaveLength(count);

    // Read again, nothing changed: one whole read, no journal.
    requests.length = 0;
    expect(await env.engine.runBatch("on-hand", { full: true })).toMatchObject({
      status: "succeeded",
      changed: 0,
    });
    expect(inventoryReads().filter((request) => request.query.get("$filter")?.includes(depot) === true)).toHaveLength(
      1,
    );
  });

  it("reads a warehouse that holds more than a whole read takes by key pairs, and remembers it", async () => {
    const count = WHOLE_WAREHOUSE_FROM;
    const products = await addProducts(env, "L", count * 5);
    const depot = await addWarehouse(env, "3002");
    // Field Service already holds every product at the depot (its own stock: journals, as a person would write them).
    const created = await dataverseRequest(
      env,
      "POST",
      "msdyn_inventoryjournals/Microsoft.Dynamics.CRM.CreateMultiple",
      {
        Targets: [...products.values()].map((product) => ({
          "@odata.type": "Microsoft.Dynamics.CRM.msdyn_inventoryjournal",
          msdyn_name: "Opening stock",
          "msdyn_product@odata.bind": bind("products", product),
          "msdyn_warehouse@odata.bind": bind("msdyn_warehouses", depot),
          "msdyn_unit@odata.bind": bind("uoms", env.ids.units.ea),
          msdyn_quantity: 5,
          msdyn_journaltype: InventoryJournalType.OnHand,
        })),
      },
    );
    expect(created.status).toBe(200);
    // SCM has stock of only the first `count` of them.
    const scmItems = [...products.keys()].slice(0, count);
    for (const [index, item] of scmItems.entries()) await addScmOnHand(env, item, "3002", 5 + index);
    requests.length = 0;

    expect(await env.engine.runBatch("on-hand")).toMatchObject({ status: "succeeded", read: count, failed: 0 });
    const scmProducts = new Map(scmItems.map((item) => [item, products.get(item) ?? ""]));
    await expectWarehouseEqualToScm(env, "3002", depot, scmProducts);
    const wholeReads = () =>
      inventoryReads().filter((request) => request.query.get("$filter") === `_msdyn_warehouse_value eq ${depot}`);
    expect(wholeReads()).toHaveLength(1);
    expect(batches().length).toBeGreaterThan(0);

    for (const item of scmItems)
      expect(
        (
          await scmRequest(env, "PATCH", `InventoryOnHand(dataAreaId='usmf',ItemNumber='${item}',WarehouseId='3002')`, {
            PhysicalInventory: 40,
          })
        ).status,
      ).toBe(204);
    requests.length = 0;
    expect(await env.engine.runBatch("on-hand")).toMatchObject({ status: "succeeded", read: count, changed: count });
    expect(wholeReads()).toEqual([]);
    await expectWarehouseEqualToScm(env, "3002", depot, scmProducts);
  });
});

describe("on-hand batch runs under Dataverse's service protection limits", () => {
  let env: InventoryEnvironment;
  let throttled = 0;

  beforeAll(async () => {
    env = await startInventoryEnvironment({ settings: { maps: { "on-hand": { mode: "batch" } } } });
    // The emulator's own service protection, eight requests a second, for the engine's user only
    // (the set-up above, as another user, is not held up): its parallel chunks get 429 + Retry-After.
    const limits = new ServiceProtection({ maxRequests: 8, windowSeconds: 1 });
    const emulator = env.dataverse.emulator;
    const handle = emulator.handle.bind(emulator);
    emulator.handle = async (request: ApiRequest) => {
      if (request.headers.authorization !== `Bearer ${INTEGRATION_TOKEN}`) return handle(request);
      let done: () => void;
      try {
        done = limits.admit(INTEGRATION.id);
      } catch (error) {
        throttled += 1;
        return errorResponse(error);
      }
      try {
        return await handle(request);
      } finally {
        done();
      }
    };
  });
  afterAll(async () => {
    await env.close();
  });

  it("sends a throttled request again after Retry-After and carries every row once", async () => {
    const products = await addProducts(env, "T", 6);
    const depot = await addWarehouse(env, "4001");
    for (const [index, item] of [...products.keys()].entries()) await addScmOnHand(env, item, "4001", 3 + index);

    const run = await env.engine.runBatch("on-hand", { batchSize: 2, concurrency: 3 });
    expect(run).toMatchObject({ status: "succeeded", failed: 0 });
    expect(run.read).toBeGreaterThanOrEqual(6);
    expect(throttled).toBeGreaterThan(0);
    await expectWarehouseEqualToScm(env, "4001", depot, products);
    expect((await env.engine.batchStatus()).find((status) => status.map === "on-hand")?.pendingRows).toBe(0);
  });
});
