/**
 * On-hand, live, over HTTP: SCM's on-hand changes reach Field Service product inventory through
 * inventory journals carrying the difference, and Field Service keeps its own rule that quantities
 * change only through journals.
 */
import { inventoryOnHand } from "@fsi/core/scm/inventory-entities";
import { buildDataEvent } from "@fsi/sandbox/scm/events/data-event";
import { InventoryJournalType, InventoryTransactionType } from "@fsi/core/dataverse/tables";
import {
  type InventoryEnvironment,
  SCM_EVENTS_KEY,
  createRow,
  dataverseRows,
  scmRequest,
  startInventoryEnvironment,
} from "./support/environment";

let env: InventoryEnvironment;

beforeAll(async () => {
  env = await startInventoryEnvironment();
  // The initial load: what SCM held before the subscription existed.
  const first = await env.engine.runBatch("on-hand");
  expect(first).toMatchObject({ status: "succeeded", read: 5, changed: 5, failed: 0 });
});

afterAll(async () => {
  await env.close();
});

async function inventory(product: string, warehouse: string): Promise<Record<string, unknown> | undefined> {
  const rows = await dataverseRows(
    env,
    `msdyn_productinventories?$filter=_msdyn_product_value eq ${product} and _msdyn_warehouse_value eq ${warehouse}`,
  );
  return rows[0];
}

async function journals(product: string, warehouse: string): Promise<Record<string, unknown>[]> {
  return dataverseRows(
    env,
    `msdyn_inventoryjournals?$filter=_msdyn_product_value eq ${product} and _msdyn_warehouse_value eq ${warehouse}&$orderby=versionnumber asc`,
  );
}

async function setScmOnHand(item: string, warehouse: string, changes: Record<string, number>): Promise<void> {
  const patched = await scmRequest(
    env,
    "PATCH",
    `InventoryOnHand(dataAreaId='usmf',ItemNumber='${item}',WarehouseId='${warehouse}')`,
    changes,
  );
  expect(patched.status).toBe(204);
  await env.settle();
}

describe("on-hand SCM → Field Service, live", () => {
  it("loads SCM's on-hand into product inventory through journals, with available = on hand − allocated", async () => {
    const { products, warehouses, units } = env.ids;
    const row = await inventory(products.A0001 ?? "", warehouses["1001"] ?? "");
    expect(row).toMatchObject({
      msdyn_qtyonhand: 40,
      msdyn_qtyallocated: 5,
      msdyn_qtyavailable: 35,
      msdyn_qtyonorder: 0,
      _msdyn_unit_value: units.ea,
    });
    expect(row?.fsi_scmlastsyncedon).toEqual(expect.any(String));
    const history = await journals(products.A0001 ?? "", warehouses["1001"] ?? "");
    expect(history.map((journal) => [journal.msdyn_journaltype, journal.msdyn_quantity])).toEqual([
      [InventoryJournalType.OnHand, 40],
      [InventoryJournalType.Allocated, 5],
    ]);
    const metres = await inventory(products.B0001 ?? "", warehouses["1001"] ?? "");
    expect(metres).toMatchObject({ msdyn_qtyonhand: 250.5, _msdyn_unit_value: units.m });
  });

  it("turns an SCM on-hand change into product inventory and one journal row with the right delta", async () => {
    const { products, warehouses } = env.ids;
    await setScmOnHand("A0001", "1001", { PhysicalInventory: 52 });
    expect(await inventory(products.A0001 ?? "", warehouses["1001"] ?? "")).toMatchObject({
      msdyn_qtyonhand: 52,
      msdyn_qtyavailable: 47,
    });
    await setScmOnHand("A0001", "1001", { PhysicalInventory: 37, ReservedPhysical: 7 });
    expect(await inventory(products.A0001 ?? "", warehouses["1001"] ?? "")).toMatchObject({
      msdyn_qtyonhand: 37,
      msdyn_qtyallocated: 7,
      msdyn_qtyavailable: 30,
    });
    const history = await journals(products.A0001 ?? "", warehouses["1001"] ?? "");
    expect(history.slice(2).map((journal) => [journal.msdyn_journaltype, journal.msdyn_quantity])).toEqual([
      [InventoryJournalType.OnHand, 12],
      [InventoryJournalType.OnHand, -15],
      [InventoryJournalType.Allocated, 2],
    ]);
    // The journal history explains the quantity.
    const onHandSum = history
      .filter((journal) => journal.msdyn_journaltype === InventoryJournalType.OnHand)
      .reduce((sum, journal) => sum + Number(journal.msdyn_quantity), 0);
    expect(onHandSum).toBe(37);
  });

  it("lands SCM's on-hand as Manual journals that Field Service applies, writing no quantity itself", async () => {
    const { products, warehouses } = env.ids;
    // Every journal the integration wrote is a Manual journal (Field Service's integration journal).
    const written = await journals(products.A0002 ?? "", warehouses["1001"] ?? "");
    expect(written.length).toBeGreaterThan(0);
    expect(new Set(written.map((journal) => journal.msdyn_transactiontype))).toEqual(
      new Set([InventoryTransactionType.Manual]),
    );
    // No step of the solution stands between a client and product inventory: Field Service's rules apply.
    const steps = await dataverseRows(env, "sdkmessageprocessingsteps?$select=name");
    expect(steps.filter((step) => /productinventory|inventoryjournal/.test(String(step.name)))).toEqual([]);
    // A journal written by a person moves the quantity too: Field Service applies every journal.
    await createRow(env, "msdyn_inventoryjournals", {
      msdyn_name: "Found in the van",
      "msdyn_product@odata.bind": `/products(${products.A0002 ?? ""})`,
      "msdyn_warehouse@odata.bind": `/msdyn_warehouses(${warehouses["1001"] ?? ""})`,
      msdyn_quantity: 2,
      msdyn_journaltype: InventoryJournalType.OnHand,
    });
    expect((await inventory(products.A0002 ?? "", warehouses["1001"] ?? ""))?.msdyn_qtyonhand).toBe(32);
    // SCM stays the master: its next change sets Field Service to SCM's number, whatever the delta.
    await setScmOnHand("A0002", "1001", { PhysicalInventory: 31 });
    expect((await inventory(products.A0002 ?? "", warehouses["1001"] ?? ""))?.msdyn_qtyonhand).toBe(31);
    const last = (await journals(products.A0002 ?? "", warehouses["1001"] ?? "")).at(-1);
    expect(last?.msdyn_quantity).toBe(-1);
  });

  it("changes nothing with a redelivered event (SCM's row read by key), so no journal twice", async () => {
    const { products, warehouses } = env.ids;
    const before = await journals(products.A0001 ?? "", warehouses["1002"] ?? "");
    const patched = await scmRequest(
      env,
      "PATCH",
      "InventoryOnHand(dataAreaId='usmf',ItemNumber='A0001',WarehouseId='1002')",
      { PhysicalInventory: 20 },
    );
    expect(patched.status).toBe(204);
    await env.settle();
    const row = (
      await scmRequest(env, "GET", "InventoryOnHand(dataAreaId='usmf',ItemNumber='A0001',WarehouseId='1002')")
    ).json as Record<string, string | number>;
    const after = await journals(products.A0001 ?? "", warehouses["1002"] ?? "");
    expect(after.length).toBe(before.length + 1);
    // SCM's event again, late: the host reads the row by key, finds Field Service already there.
    const onHandKey = { dataAreaId: "usmf", ItemNumber: "A0001", WarehouseId: "1002" };
    const redelivered = buildDataEvent({
      entity: inventoryOnHand,
      operation: "Update",
      key: onHandKey,
      row: { ...row, PhysicalInventory: 99 },
      changedFields: ["PhysicalInventory"],
      raisedOn: new Date(),
    });
    const answer = await fetch(`${env.hostUrl}/plugins/scm-events?code=${SCM_EVENTS_KEY}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(redelivered),
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ outcome: "unchanged" });
    expect(await journals(products.A0001 ?? "", warehouses["1002"] ?? "")).toHaveLength(after.length);
    expect((await inventory(products.A0001 ?? "", warehouses["1002"] ?? ""))?.msdyn_qtyonhand).toBe(20);
  });

  it("keeps a row whose warehouse Field Service lacks, and carries it once the warehouse arrives", async () => {
    const created = await scmRequest(env, "POST", "InventoryOnHand", {
      dataAreaId: "usmf",
      ItemNumber: "A0002",
      WarehouseId: "1003",
      PhysicalInventory: 9,
      InventoryUnitSymbol: "ea",
    });
    expect(created.status).toBe(201);
    await env.settle();
    const status = (await env.engine.batchStatus()).find((map) => map.map === "on-hand");
    expect(status?.pendingRows).toBe(1);
    expect(status?.live?.lastError).toContain("waits for warehouse 1003 of company usmf");

    const warehouse = await createRow(env, "msdyn_warehouses", {
      msdyn_name: "Seattle 1003",
      msdyn_warehouseidentifier: "1003",
      "msdyn_company@odata.bind": `/cdm_companies(${env.ids.company})`,
    });
    await env.engine.retryPending();
    expect((await env.engine.batchStatus()).find((map) => map.map === "on-hand")?.pendingRows).toBe(0);
    expect(await inventory(env.ids.products.A0002 ?? "", warehouse)).toMatchObject({ msdyn_qtyonhand: 9 });
  });

  it("takes Field Service to zero, through journals, when SCM deletes the on-hand row", async () => {
    const { products, warehouses } = env.ids;
    const deleted = await scmRequest(
      env,
      "DELETE",
      "InventoryOnHand(dataAreaId='usmf',ItemNumber='A0002',WarehouseId='1002')",
    );
    expect(deleted.status).toBe(204);
    await env.settle();
    expect(await inventory(products.A0002 ?? "", warehouses["1002"] ?? "")).toMatchObject({
      msdyn_qtyonhand: 0,
      msdyn_qtyavailable: 0,
    });
    expect((await journals(products.A0002 ?? "", warehouses["1002"] ?? "")).at(-1)?.msdyn_quantity).toBe(-8);
  });

  it("applies an on-hand event posted to the host's one SCM events entrance; the old inventory entrance is gone", async () => {
    const { products, warehouses } = env.ids;
    // SCM's subscription off, so the change below reaches the host only through the event posted here.
    const endpoints = (await (await fetch(`${env.scmUrl}/admin/event-endpoints`)).json()) as {
      value: { id: string; url: string }[];
    };
    expect(endpoints.value.map((endpoint) => new URL(endpoint.url).pathname)).toEqual(["/plugins/scm-events"]);
    for (const endpoint of endpoints.value)
      await fetch(`${env.scmUrl}/admin/event-endpoints/${endpoint.id}`, { method: "DELETE" });
    const key = { dataAreaId: "usmf", ItemNumber: "A0001", WarehouseId: "1001" };
    const path = "InventoryOnHand(dataAreaId='usmf',ItemNumber='A0001',WarehouseId='1001')";
    const onHandBefore = (await inventory(products.A0001 ?? "", warehouses["1001"] ?? ""))?.msdyn_qtyonhand;
    expect((await scmRequest(env, "PATCH", path, { PhysicalInventory: 77 })).status).toBe(204);
    await env.settle();
    expect((await inventory(products.A0001 ?? "", warehouses["1001"] ?? ""))?.msdyn_qtyonhand).toBe(onHandBefore);
    const row = (await scmRequest(env, "GET", path)).json as Record<string, string | number>;
    const event = JSON.stringify(
      buildDataEvent({
        entity: inventoryOnHand,
        operation: "Update",
        key,
        row,
        changedFields: ["PhysicalInventory"],
        raisedOn: new Date(),
      }),
    );
    const post = (route: string) =>
      fetch(`${env.hostUrl}${route}?code=${SCM_EVENTS_KEY}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: event,
      });

    const retired = await post("/plugins/inventory/scm-events");
    expect([retired.status, ((await retired.json()) as { error: { code: string } }).error.code]).toEqual([
      404,
      "NOT_FOUND",
    ]);
    expect((await inventory(products.A0001 ?? "", warehouses["1001"] ?? ""))?.msdyn_qtyonhand).toBe(onHandBefore);

    const applied = await post("/plugins/scm-events");
    expect(applied.status).toBe(200);
    expect(await applied.json()).toMatchObject({
      outcome: "applied",
      message: expect.stringContaining("on-hand") as unknown,
    });
    expect((await inventory(products.A0001 ?? "", warehouses["1001"] ?? ""))?.msdyn_qtyonhand).toBe(77);
    expect((await journals(products.A0001 ?? "", warehouses["1001"] ?? "")).at(-1)).toMatchObject({
      msdyn_quantity: 77 - Number(onHandBefore),
      msdyn_transactiontype: InventoryTransactionType.Manual,
    });
  });
});
