/**
 * Adjustments and transfers, live, over HTTP: a Field Service user asks to post; the inventory
 * engine posts one SCM journal (quantities in the item's inventory unit), marks the record Posted
 * and locks it; SCM's on-hand change comes back into Field Service as journals. A lost reply or a
 * redelivered webhook never posts twice; a refusal leaves the record unposted with SCM's error.
 */
import { InventoryPostingStatus, InventoryTransactionType, inventoryAdjustment } from "@fsi/core/dataverse/tables";
import { buildRemoteExecutionContext } from "@fsi/sandbox/dataverse";
import { SCM_POST_INVENTORY_JOURNAL_PATH } from "@fsi/core/scm/inventory-services";
import {
  type InventoryEnvironment,
  WEBHOOK_KEY,
  createRow,
  dataverseRequest,
  dataverseRows,
  scmRows,
  startInventoryEnvironment,
} from "./support/environment";

let env: InventoryEnvironment;
/** Journal posts whose reply the proxy lost (SCM posted them; the engine heard 504). */
let lostReplies = 0;
let loseNextReply = false;

beforeAll(async () => {
  env = await startInventoryEnvironment({
    scmProxy: async (request, _body, forward) => {
      const answer = await forward();
      if (loseNextReply && request.url?.endsWith(SCM_POST_INVENTORY_JOURNAL_PATH) === true) {
        loseNextReply = false;
        lostReplies += 1;
        return { status: 504, body: JSON.stringify({ Message: "Gateway timeout" }) };
      }
      return answer;
    },
  });
  await env.engine.runBatch("on-hand");
});

afterAll(async () => {
  await env.close();
});

const bind = (set: string, id: string | undefined) => `/${set}(${id ?? ""})`;

async function record(set: string, id: string): Promise<Record<string, unknown>> {
  const found = await dataverseRequest(env, "GET", `${set}(${id})`);
  expect(found.status).toBe(200);
  return found.json as Record<string, unknown>;
}

async function fsOnHand(item: string, warehouse: string): Promise<unknown> {
  const rows = await dataverseRows(
    env,
    `msdyn_productinventories?$filter=_msdyn_product_value eq ${env.ids.products[item] ?? ""} and _msdyn_warehouse_value eq ${env.ids.warehouses[warehouse] ?? ""}`,
  );
  return rows[0]?.msdyn_qtyonhand;
}

async function scmOnHand(item: string, warehouse: string): Promise<unknown> {
  const [row] = await scmRows(env, `InventoryOnHand?$filter=ItemNumber eq '${item}' and WarehouseId eq '${warehouse}'`);
  return row?.PhysicalInventory;
}

async function adjustment(
  name: string,
  lines: { item: string; warehouse: string; quantity: number; unit: string; name?: string }[],
): Promise<string> {
  const id = await createRow(env, "msdyn_inventoryadjustments", { msdyn_name: name });
  for (const line of lines) {
    await createRow(env, "msdyn_inventoryadjustmentproducts", {
      msdyn_name: line.name ?? `${line.item} ${line.quantity} ${line.unit}`,
      "msdyn_inventoryadjustment@odata.bind": bind("msdyn_inventoryadjustments", id),
      "msdyn_product@odata.bind": bind("products", env.ids.products[line.item]),
      "msdyn_warehouse@odata.bind": bind("msdyn_warehouses", env.ids.warehouses[line.warehouse]),
      "msdyn_unit@odata.bind": bind("uoms", env.ids.units[line.unit]),
      msdyn_quantity: line.quantity,
    });
  }
  return id;
}

async function requestPosting(set: string, id: string): Promise<void> {
  const requested = await dataverseRequest(env, "PATCH", `${set}(${id})`, {
    fsi_postingstatus: InventoryPostingStatus.PostRequested,
  });
  expect(requested.status).toBe(204);
  await env.settle();
}

describe("inventory adjustments Field Service → SCM", () => {
  let posted: string;
  let journalNumber: string;

  it("posts one SCM movement journal, in the items' inventory unit, and marks the adjustment Posted", async () => {
    const scmBefore = Number(await scmOnHand("A0001", "1001"));
    posted = await adjustment("Van restock", [
      { item: "A0001", warehouse: "1001", quantity: 2, unit: "box12", name: "Filters, two boxes" },
      { item: "A0001", warehouse: "1001", quantity: -3, unit: "ea", name: "Damaged filters" },
    ]);
    await requestPosting("msdyn_inventoryadjustments", posted);

    const row = await record("msdyn_inventoryadjustments", posted);
    expect(row).toMatchObject({ fsi_postingstatus: InventoryPostingStatus.Posted, fsi_scmpostingerror: null });
    expect(String(row.fsi_scmjournalnumber)).toMatch(/^IMJ-/);
    expect(row.fsi_postedon).toEqual(expect.any(String));
    journalNumber = String(row.fsi_scmjournalnumber);
    const headers = await scmRows(
      env,
      `InventoryMovementJournalHeaders?$filter=FsiExternalReference eq 'FS-ADJ-${posted}'`,
    );
    expect(headers).toEqual([
      expect.objectContaining({ JournalNumber: journalNumber, Description: "Van restock", IsPosted: "Yes" }),
    ]);
    const lines = await scmRows(
      env,
      `InventoryMovementJournalLines?$filter=JournalNumber eq '${journalNumber}'&$orderby=LineNumber`,
    );
    expect(
      lines.map((line) => [line.ItemNumber, line.WarehouseId, line.Quantity, line.UnitSymbol, line.LineDescription]),
    ).toEqual([
      ["A0001", "1001", 24, "ea", "Filters, two boxes"],
      ["A0001", "1001", -3, "ea", "Damaged filters"],
    ]);
    // SCM's posting moved its on-hand; the on-hand flow brought the same number into Field Service.
    expect(await scmOnHand("A0001", "1001")).toBe(scmBefore + 21);
    expect(await fsOnHand("A0001", "1001")).toBe(scmBefore + 21);
  });

  it("locks the posted adjustment and its products", async () => {
    const renamed = await dataverseRequest(env, "PATCH", `msdyn_inventoryadjustments(${posted})`, {
      msdyn_name: "Changed after posting",
    });
    expect(renamed.status).toBe(400);
    const [line] = await dataverseRows(
      env,
      `msdyn_inventoryadjustmentproducts?$filter=_msdyn_inventoryadjustment_value eq ${posted}`,
    );
    const edited = await dataverseRequest(
      env,
      "PATCH",
      `msdyn_inventoryadjustmentproducts(${String(line?.msdyn_inventoryadjustmentproductid)})`,
      { msdyn_quantity: 100 },
    );
    expect(edited.status).toBe(400);
    const added = await dataverseRequest(env, "POST", "msdyn_inventoryadjustmentproducts", {
      "msdyn_inventoryadjustment@odata.bind": bind("msdyn_inventoryadjustments", posted),
      "msdyn_product@odata.bind": bind("products", env.ids.products.A0002),
      "msdyn_unit@odata.bind": bind("uoms", env.ids.units.ea),
      msdyn_quantity: 1,
    });
    expect(added.status).toBe(400);
    expect((await dataverseRequest(env, "DELETE", `msdyn_inventoryadjustments(${posted})`)).status).toBe(400);
    expect((await record("msdyn_inventoryadjustments", posted)).msdyn_name).toBe("Van restock");
    expect(
      env.logs.some(
        (entry) => String(entry.reason).includes("is posted as SCM journal") && String(entry.reason).includes("locked"),
      ),
    ).toBe(true);
  });

  it("does not post twice when the Dataverse webhook is delivered again", async () => {
    const job = await dataverseRows(env, `asyncoperations?$filter=regardingobjectid eq '${posted}'`);
    expect(job.length).toBeGreaterThan(0);
    // What Dataverse sent the first time, sent again: Update of the adjustment, Post requested.
    const entity = {
      table: inventoryAdjustment,
      id: posted,
      attributes: { msdyn_inventoryadjustmentid: posted, fsi_postingstatus: InventoryPostingStatus.PostRequested },
      withFormattedValues: false,
    };
    const context = buildRemoteExecutionContext({
      messageName: "Update",
      stage: 40,
      mode: 1,
      primaryEntityName: "msdyn_inventoryadjustment",
      primaryEntityId: posted,
      target: { kind: "entity", entity },
      preImages: [],
      postImages: [["PostImage", { ...entity, withFormattedValues: true }]],
      outputParameters: [],
      depth: 1,
      correlationId: "5f2e4c1a-0000-4000-8000-000000000001",
      userId: "a0000000-0000-4000-8000-000000000001",
      initiatingUserId: "a0000000-0000-4000-8000-000000000001",
      businessUnitId: "5f2e4c1a-0000-4000-8000-000000000002",
      organizationId: "5f2e4c1a-0000-4000-8000-000000000003",
      organizationName: "contoso",
      operationId: "5f2e4c1a-0000-4000-8000-000000000004",
      operationCreatedOn: new Date(),
      isInTransaction: false,
      owningExtension: {
        id: "5f2e4c1a-0000-4000-8000-000000000005",
        name: "FSI inventory-post: Update of msdyn_inventoryadjustment",
      },
      parentContext: null,
      sharedVariables: [],
    });
    const again = await fetch(`${env.hostUrl}/plugins/inventory/webhooks/inventory-post`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-fsi-webhook-key": WEBHOOK_KEY },
      body: JSON.stringify(context),
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ outcome: "skipped" });
    expect(
      await scmRows(env, `InventoryMovementJournalHeaders?$filter=FsiExternalReference eq 'FS-ADJ-${posted}'`),
    ).toHaveLength(1);
  });

  it("does not post twice when SCM's reply is lost: the retry gets the journal the first call posted", async () => {
    const scmBefore = Number(await scmOnHand("A0002", "1001"));
    const id = await adjustment("Cycle count", [{ item: "A0002", warehouse: "1001", quantity: 4, unit: "ea" }]);
    loseNextReply = true;
    await requestPosting("msdyn_inventoryadjustments", id);
    expect(lostReplies).toBe(1);
    const row = await record("msdyn_inventoryadjustments", id);
    expect(row.fsi_postingstatus).toBe(InventoryPostingStatus.Posted);
    const headers = await scmRows(
      env,
      `InventoryMovementJournalHeaders?$filter=FsiExternalReference eq 'FS-ADJ-${id}'`,
    );
    expect(headers).toHaveLength(1);
    expect(headers[0]?.JournalNumber).toBe(row.fsi_scmjournalnumber);
    expect(await scmOnHand("A0002", "1001")).toBe(scmBefore + 4);
    expect(
      env.logs.some(
        (entry) => typeof entry.message === "string" && entry.message.includes(`${id} already posted as SCM journal`),
      ),
    ).toBe(true);
  });

  it("leaves a refused adjustment unposted with SCM's error on it, and posts it once corrected", async () => {
    const available = Number(await scmOnHand("A0002", "1002"));
    const id = await adjustment("Write-off", [
      { item: "A0002", warehouse: "1002", quantity: -(available + 5), unit: "ea", name: "Lost belts" },
    ]);
    await requestPosting("msdyn_inventoryadjustments", id);
    const failed = await record("msdyn_inventoryadjustments", id);
    expect(failed.fsi_postingstatus).toBe(InventoryPostingStatus.Failed);
    expect(failed.fsi_scmjournalnumber).toBeNull();
    expect(String(failed.fsi_scmpostingerror)).toMatch(
      /^SCM refused it: Lost belts \(line 1, Quantity\): .*cannot go negative/,
    );
    expect(
      await scmRows(env, `InventoryMovementJournalHeaders?$filter=FsiExternalReference eq 'FS-ADJ-${id}'`),
    ).toEqual([]);
    expect(await scmOnHand("A0002", "1002")).toBe(available);

    // Still unposted, so still editable: correct the quantity and ask again.
    const [line] = await dataverseRows(
      env,
      `msdyn_inventoryadjustmentproducts?$filter=_msdyn_inventoryadjustment_value eq ${id}`,
    );
    expect(
      (
        await dataverseRequest(
          env,
          "PATCH",
          `msdyn_inventoryadjustmentproducts(${String(line?.msdyn_inventoryadjustmentproductid)})`,
          { msdyn_quantity: -1 },
        )
      ).status,
    ).toBe(204);
    await requestPosting("msdyn_inventoryadjustments", id);
    expect(await record("msdyn_inventoryadjustments", id)).toMatchObject({
      fsi_postingstatus: InventoryPostingStatus.Posted,
      fsi_scmpostingerror: null,
    });
    expect(await scmOnHand("A0002", "1002")).toBe(available - 1);
  });

  it("refuses a unit that does not convert to the item's inventory unit, naming both", async () => {
    const id = await adjustment("Wrong unit", [
      { item: "A0001", warehouse: "1001", quantity: 1, unit: "kg", name: "Filter by weight" },
    ]);
    await requestPosting("msdyn_inventoryadjustments", id);
    const failed = await record("msdyn_inventoryadjustments", id);
    expect(failed.fsi_postingstatus).toBe(InventoryPostingStatus.Failed);
    expect(failed.fsi_scmpostingerror).toBe(
      "Filter by weight (A0001): 'kg' and 'ea' are in different unit groups, so the quantity cannot be converted to 'ea'.",
    );
  });

  it("refuses what only the integration may set, and a new adjustment that asks to be posted at once", async () => {
    const id = await adjustment("Draft", [{ item: "A0001", warehouse: "1001", quantity: 1, unit: "ea" }]);
    expect(
      (
        await dataverseRequest(env, "PATCH", `msdyn_inventoryadjustments(${id})`, {
          fsi_postingstatus: InventoryPostingStatus.Posted,
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await dataverseRequest(env, "PATCH", `msdyn_inventoryadjustments(${id})`, {
          fsi_scmjournalnumber: "IMJ-999999",
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await dataverseRequest(env, "POST", "msdyn_inventoryadjustments", {
          msdyn_name: "Eager",
          fsi_postingstatus: InventoryPostingStatus.PostRequested,
        })
      ).status,
    ).toBe(400);
    expect((await record("msdyn_inventoryadjustments", id)).fsi_postingstatus).toBeNull();
  });
});

describe("inventory transfers Field Service → SCM", () => {
  it("posts one SCM transfer journal and moves the quantity in both warehouses, on both sides", async () => {
    const before = { scmFrom: Number(await scmOnHand("B0001", "1001")), fsTo: await fsOnHand("B0001", "1002") };
    expect(before.fsTo).toBeUndefined();
    const transfer = await createRow(env, "msdyn_inventorytransfers", {
      msdyn_name: "Line set to DC 1002",
      "msdyn_sourcewarehouse@odata.bind": bind("msdyn_warehouses", env.ids.warehouses["1001"]),
      "msdyn_destinationwarehouse@odata.bind": bind("msdyn_warehouses", env.ids.warehouses["1002"]),
    });
    await createRow(env, "msdyn_inventoryadjustmentproducts", {
      msdyn_name: "Copper line 250 cm",
      "msdyn_inventorytransfer@odata.bind": bind("msdyn_inventorytransfers", transfer),
      "msdyn_product@odata.bind": bind("products", env.ids.products.B0001),
      "msdyn_unit@odata.bind": bind("uoms", env.ids.units.cm),
      msdyn_quantity: 250,
    });
    await requestPosting("msdyn_inventorytransfers", transfer);

    const row = await record("msdyn_inventorytransfers", transfer);
    expect(row.fsi_postingstatus).toBe(InventoryPostingStatus.Posted);
    expect(String(row.fsi_scmjournalnumber)).toMatch(/^ITJ-/);
    const headers = await scmRows(
      env,
      `InventoryTransferJournalHeaders?$filter=FsiExternalReference eq 'FS-TRF-${transfer}'`,
    );
    expect(headers).toHaveLength(1);
    const lines = await scmRows(
      env,
      `InventoryTransferJournalLines?$filter=JournalNumber eq '${String(row.fsi_scmjournalnumber)}'`,
    );
    expect(
      lines.map((line) => [line.ItemNumber, line.FromWarehouseId, line.ToWarehouseId, line.Quantity, line.UnitSymbol]),
    ).toEqual([["B0001", "1001", "1002", 2.5, "m"]]);

    expect(await scmOnHand("B0001", "1001")).toBe(before.scmFrom - 2.5);
    expect(await scmOnHand("B0001", "1002")).toBe(2.5);
    expect(await fsOnHand("B0001", "1001")).toBe(before.scmFrom - 2.5);
    // Field Service created the destination's row in the transfer line's unit: 250 cm, SCM's 2.5 m.
    expect(await fsOnHand("B0001", "1002")).toBe(250);
    // Field Service's own transfer journals (one out, one in, in the line's unit) moved its quantities.
    const journals = await dataverseRows(
      env,
      `msdyn_inventoryjournals?$filter=msdyn_transactiontype eq ${InventoryTransactionType.Transfer}`,
    );
    expect(journals.map((journal) => journal.msdyn_quantity).sort((a, b) => Number(a) - Number(b))).toEqual([
      -250, 250,
    ]);
  });
});
