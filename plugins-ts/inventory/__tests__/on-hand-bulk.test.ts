/**
 * On-hand batch runs in bulk, over HTTP: a page of SCM rows becomes a few keyed reads and a few
 * CreateMultiple / UpdateMultiple requests, and Dataverse's all-or-nothing bulk semantics never
 * lose or double a delta — a refused bulk write is applied again row by row against what Field
 * Service holds then, the bad row alone is kept, and it lands once on a later run.
 */
import { InventoryJournalType, inventoryJournal } from "@fsi/core/dataverse/tables";
import { startReceiver } from "@fsi/sandbox/dataverse/__tests__/helpers";
import type { ApiRequest } from "@fsi/sandbox/dataverse/api";
import { registerWebhook } from "@fsi/sandbox/dataverse/registration";
import {
  type InventoryEnvironment,
  createRow,
  dataverseRequest,
  dataverseRows,
  scmRequest,
  scmRows,
  startInventoryEnvironment,
} from "./support/environment";

let env: InventoryEnvironment;
const requests: { method: string; path: string }[] = [];

beforeAll(async () => {
  env = await startInventoryEnvironment({ settings: { maps: { "on-hand": { mode: "batch" } } } });
  const emulator = env.dataverse.emulator;
  const handle = emulator.handle.bind(emulator);
  emulator.handle = (request: ApiRequest) => {
    requests.push({ method: request.method, path: request.path });
    return handle(request);
  };
});

afterAll(async () => {
  await env.close();
});

const bind = (set: string, id: string | undefined) => `/${set}(${id ?? ""})`;

async function inventory(
  product: string | undefined,
  warehouse: string | undefined,
): Promise<Record<string, unknown> | undefined> {
  const rows = await dataverseRows(
    env,
    `msdyn_productinventories?$filter=_msdyn_product_value eq ${product ?? ""} and _msdyn_warehouse_value eq ${warehouse ?? ""}`,
  );
  return rows[0];
}

async function journals(
  product: string | undefined,
  warehouse: string | undefined,
): Promise<Record<string, unknown>[]> {
  return dataverseRows(
    env,
    `msdyn_inventoryjournals?$filter=_msdyn_product_value eq ${product ?? ""} and _msdyn_warehouse_value eq ${warehouse ?? ""}&$orderby=versionnumber asc`,
  );
}

async function addScmOnHand(item: string, warehouse: string, physical: number, reserved = 0): Promise<void> {
  const created = await scmRequest(env, "POST", "InventoryOnHand", {
    dataAreaId: "usmf",
    ItemNumber: item,
    WarehouseId: warehouse,
    PhysicalInventory: physical,
    ReservedPhysical: reserved,
    InventoryUnitSymbol: "ea",
  });
  expect(created.status).toBe(201);
}

/** Field Service equals SCM for the row: each quantity, and the journals of each quantity add up to it. */
async function expectEqualToScm(
  item: string,
  warehouse: string,
  product: string | undefined,
  fsWarehouse: string | undefined,
): Promise<void> {
  const [scm] = await scmRows(env, `InventoryOnHand?$filter=ItemNumber eq '${item}' and WarehouseId eq '${warehouse}'`);
  const row = await inventory(product, fsWarehouse);
  expect(row).toMatchObject({
    msdyn_qtyonhand: scm?.PhysicalInventory,
    msdyn_qtyallocated: scm?.ReservedPhysical,
    msdyn_qtyonorder: scm?.OrderedQuantity,
  });
  const history = await journals(product, fsWarehouse);
  const sum = (type: number) =>
    history
      .filter((journal) => journal.msdyn_journaltype === type)
      .reduce((total, journal) => total + Number(journal.msdyn_quantity), 0);
  expect(sum(InventoryJournalType.OnHand)).toBe(scm?.PhysicalInventory);
  expect(sum(InventoryJournalType.Allocated)).toBe(scm?.ReservedPhysical);
  expect(sum(InventoryJournalType.OnOrder)).toBe(scm?.OrderedQuantity);
}

const bulk = (set: string, action: "CreateMultiple" | "UpdateMultiple") =>
  requests.filter((request) => request.method === "POST" && request.path === `${set}/Microsoft.Dynamics.CRM.${action}`);

describe("on-hand batch runs in bulk", () => {
  it("loads many rows with a few bulk requests, every row equal to SCM with a true journal history", async () => {
    await addScmOnHand("A0001", "1990", 7, 2);
    await addScmOnHand("A0002", "1990", 3);
    await addScmOnHand("B0001", "1002", 11);
    requests.length = 0;
    const run = await env.engine.runBatch("on-hand", { batchSize: 4 });
    expect(run).toMatchObject({ status: "succeeded", read: 8, changed: 8, failed: 0 });

    const { products, warehouses } = env.ids;
    for (const [item, warehouse] of [
      ["A0001", "1001"],
      ["A0002", "1001"],
      ["A0001", "1002"],
      ["A0002", "1002"],
      ["B0001", "1001"],
      ["A0001", "1990"],
      ["A0002", "1990"],
      ["B0001", "1002"],
    ] as const) {
      await expectEqualToScm(item, warehouse, products[item], warehouses[warehouse]);
    }
    // Two chunks of four rows: their journals went in one CreateMultiple each, none one by one.
    const written = (await dataverseRows(env, "msdyn_inventoryjournals?$select=msdyn_inventoryjournalid")).length;
    expect(written).toBe(11);
    expect(bulk("msdyn_inventoryjournals", "CreateMultiple")).toHaveLength(2);
    expect(
      requests.filter((request) => request.method === "POST" && request.path === "msdyn_inventoryjournals"),
    ).toEqual([]);

    // Read again with nothing changed: no journal, the confirmation stamps in one UpdateMultiple per chunk.
    requests.length = 0;

    expect(await env.engine.runBatch("on-hand", { full: true, batchSize: 4 })).toMatchObject({
      status: "succeeded",
      read: 8,
      changed: 0,
      unchanged: 8,
    });
    expect((await dataverseRows(env, "msdyn_inventoryjournals?$select=msdyn_inventoryjournalid")).length).toBe(written);
    expect(bulk("msdyn_productinventories", "UpdateMultiple")).toHaveLength(2);
  });

  it("applies the rows of a refused bulk write one by one: the others land once, the bad row is kept and lands once later", async () => {
    // C0001 is known to the engine (it carried a row), then deleted from Field Service: the
    // engine's cached reference now points at a row that is gone.
    const scmItem = await scmRequest(env, "POST", "ReleasedProducts", {
      dataAreaId: "usmf",
      ItemNumber: "C0001",
      ProductName: "Capacitor",
      ProductType: "Item",
      InventoryUnitSymbol: "ea",
      SalesUnitSymbol: "ea",
    });
    expect(scmItem.status).toBe(201);
    const capacitor = await createRow(env, "products", {
      name: "Capacitor",
      productnumber: "C0001",
      "defaultuomid@odata.bind": bind("uoms", env.ids.units.ea),
    });
    await addScmOnHand("C0001", "1001", 4);
    expect(await env.engine.runBatch("on-hand")).toMatchObject({ status: "succeeded", read: 1, changed: 1 });
    expect((await dataverseRequest(env, "DELETE", `products(${capacitor})`)).status).toBe(204);

    // Three rows new to Field Service in one chunk (one CreateMultiple of journals), and one change to a row it has.
    const w1003 = await createRow(env, "msdyn_warehouses", {
      msdyn_name: "Seattle 1003",
      msdyn_warehouseidentifier: "1003",
      "msdyn_company@odata.bind": bind("cdm_companies", env.ids.company),
    });
    await addScmOnHand("A0001", "1003", 6, 1);
    await addScmOnHand("C0001", "1003", 9);
    await addScmOnHand("A0002", "1003", 5);
    expect(
      (
        await scmRequest(env, "PATCH", "InventoryOnHand(dataAreaId='usmf',ItemNumber='A0002',WarehouseId='1001')", {
          PhysicalInventory: 26,
        })
      ).status,
    ).toBe(204);
    const journalsBefore = (await journals(env.ids.products.A0002, env.ids.warehouses["1001"])).length;
    requests.length = 0;

    const run = await env.engine.runBatch("on-hand");
    expect(run).toMatchObject({ status: "partial", read: 4, changed: 3, failed: 1 });
    expect(run.errors.map((error) => error.rowKey)).toEqual(["usmf/c0001/1003"]);
    expect(run.errors[0]?.message).toContain("Does Not Exist");
    expect(env.logs.some((entry) => entry.message.includes("applying them one by one"))).toBe(true);
    // The refused bulk request, then the rows one by one.
    expect(bulk("msdyn_inventoryjournals", "CreateMultiple").length).toBeGreaterThan(0);
    expect(
      requests.filter((request) => request.method === "POST" && request.path === "msdyn_inventoryjournals").length,
    ).toBeGreaterThan(0);

    const { products } = env.ids;
    await expectEqualToScm("A0001", "1003", products.A0001, w1003);
    await expectEqualToScm("A0002", "1003", products.A0002, w1003);
    expect(await journals(products.A0001, w1003)).toHaveLength(2);
    expect(await journals(products.A0002, w1003)).toHaveLength(1);
    await expectEqualToScm("A0002", "1001", products.A0002, env.ids.warehouses["1001"]);
    expect(await journals(products.A0002, env.ids.warehouses["1001"])).toHaveLength(journalsBefore + 1);
    expect(await inventory(capacitor, w1003)).toBeUndefined();
    expect((await env.engine.batchStatus()).find((status) => status.map === "on-hand")?.pendingRows).toBe(1);

    // The product comes back (same id): the kept row lands, once.
    await createRow(env, "products", {
      productid: capacitor,
      name: "Capacitor",
      productnumber: "C0001",
      "defaultuomid@odata.bind": bind("uoms", env.ids.units.ea),
    });
    expect(await env.engine.runBatch("on-hand")).toMatchObject({ status: "succeeded", read: 1, changed: 1, failed: 0 });
    await expectEqualToScm("C0001", "1003", capacitor, w1003);
    expect(await journals(capacitor, w1003)).toHaveLength(1);
    expect(await journals(products.A0001, w1003)).toHaveLength(2);
  });

  it("keeps every row of a chunk whose journals Dataverse refuses, and lands each once when it accepts them again", async () => {
    // Another solution's synchronous step on journals refuses every journal (non-2xx), then accepts again.
    const refusing = await startReceiver(() => 500);
    const check = await registerWebhook(env.dataverse.emulator, { name: "Customer journal check", url: refusing.url }, [
      { name: "Check journals", message: "Create", table: inventoryJournal, stage: 10 },
    ]);
    for (const [item, quantity] of [
      ["A0001", 41],
      ["A0002", 27],
    ] as const) {
      expect(
        (
          await scmRequest(env, "PATCH", `InventoryOnHand(dataAreaId='usmf',ItemNumber='${item}',WarehouseId='1001')`, {
            PhysicalInventory: quantity,
          })
        ).status,
      ).toBe(204);
    }
    const { products, warehouses } = env.ids;
    const before = {
      A0001: (await journals(products.A0001, warehouses["1001"])).length,
      A0002: (await journals(products.A0002, warehouses["1001"])).length,
    };
    const refused = await env.engine.runBatch("on-hand");
    expect(refused).toMatchObject({ status: "partial", read: 2, failed: 2 });
    expect((await inventory(products.A0001, warehouses["1001"]))?.msdyn_qtyonhand).not.toBe(41);
    expect((await journals(products.A0001, warehouses["1001"])).length).toBe(before.A0001);

    refusing.answer = () => 200;
    expect(await env.engine.runBatch("on-hand")).toMatchObject({ status: "succeeded", read: 2, changed: 2, failed: 0 });
    for (const step of check.stepIds)
      expect((await dataverseRequest(env, "DELETE", `sdkmessageprocessingsteps(${step})`)).status).toBe(204);
    await refusing.close();
    await expectEqualToScm("A0001", "1001", products.A0001, warehouses["1001"]);
    await expectEqualToScm("A0002", "1001", products.A0002, warehouses["1001"]);
    expect((await journals(products.A0001, warehouses["1001"])).length).toBe(before.A0001 + 1);
    expect((await journals(products.A0002, warehouses["1001"])).length).toBe(before.A0002 + 1);
  });

  it("moves each row by the sum of a person's CreateMultiple of journals (Field Service's own processing)", async () => {
    const { products, warehouses } = env.ids;
    const onHand = async () => (await inventory(products.A0002, warehouses["1002"]))?.msdyn_qtyonhand;
    const allocated = async () => (await inventory(products.A0001, warehouses["1002"]))?.msdyn_qtyallocated;
    const [startOnHand, startAllocated] = [Number(await onHand()), Number(await allocated())];
    const journal = (product: string | undefined, warehouse: string | undefined, quantity: number, type: number) => ({
      "@odata.type": "Microsoft.Dynamics.CRM.msdyn_inventoryjournal",
      msdyn_name: "Cycle count",
      "msdyn_product@odata.bind": bind("products", product),
      "msdyn_warehouse@odata.bind": bind("msdyn_warehouses", warehouse),
      msdyn_quantity: quantity,
      msdyn_journaltype: type,
    });
    const created = await dataverseRequest(
      env,
      "POST",
      "msdyn_inventoryjournals/Microsoft.Dynamics.CRM.CreateMultiple",
      {
        Targets: [
          journal(products.A0002, warehouses["1002"], 2, InventoryJournalType.OnHand),
          journal(products.A0002, warehouses["1002"], 3, InventoryJournalType.OnHand),
          journal(products.A0001, warehouses["1002"], 1, InventoryJournalType.Allocated),
        ],
      },
    );
    expect(created.status).toBe(200);
    expect((created.json as { Ids: string[] }).Ids).toHaveLength(3);
    expect(await onHand()).toBe(startOnHand + 5);
    expect(await allocated()).toBe(startAllocated + 1);
    expect((await inventory(products.A0001, warehouses["1002"]))?.msdyn_qtyavailable).toBe(
      Number((await inventory(products.A0001, warehouses["1002"]))?.msdyn_qtyonhand) - (startAllocated + 1),
    );
  });
});
