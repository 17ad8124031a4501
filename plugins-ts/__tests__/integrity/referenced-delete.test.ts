/**
 * Deleting a warehouse that another one names as its transit warehouse. Left alone, Field Service
 * clears the lookup while SCM keeps the old id, and the referencing warehouse can then be saved in
 * neither system. The integration's rule is restrict, in both systems: a delete in Field Service is
 * refused (Dataverse rolls it back); a delete in SCM, which the integration learns of only after it
 * committed, is undone — Field Service keeps the row and SCM gets it back. Either way both systems
 * end equal, lookups included, and the referencing warehouse saves in both.
 */
import { dataverseRequest, dataverseRowByKey, scmRequest, settle } from "../support/environment";
import { type OutageSetup, createWarehouse, startOutageEnvironment, warehouseBody } from "../support/outage";
import { warehouseRecordsOnBothSides } from "../support/reconcile";

const DEFAULT = 192350000;
let setup: OutageSetup;
let transitId: string;
let mainId: string;

beforeAll(async () => {
  setup = await startOutageEnvironment("fail-closed");
  transitId = await createWarehouse(setup, "8901", "Transit 8901");
  const main = await dataverseRequest(setup.env.dataverse.url, "POST", "msdyn_warehouses", {
    ...warehouseBody(setup, "8902", "Main 8902"),
    msdyn_warehousetype: DEFAULT,
    "msdyn_transitwarehouse@odata.bind": `/msdyn_warehouses(${transitId})`,
  });
  expect(main.status).toBe(204);
  mainId = String(
    (await dataverseRowByKey(setup.env, "msdyn_warehouses", "msdyn_warehouseidentifier eq '8902'"))?.msdyn_warehouseid,
  );
});

afterAll(async () => {
  await setup.close();
});

async function expectEqualAndSaveable(): Promise<void> {
  const sides = await warehouseRecordsOnBothSides(setup.env);
  expect(sides.dataverse).toEqual(sides.scm);
  expect(sides.scm.find((row) => row.key === "usmf/8902")).toMatchObject({ type: "Default", transit: "8901" });
  expect(
    (
      await dataverseRequest(setup.env.dataverse.url, "PATCH", `msdyn_warehouses(${mainId})`, {
        msdyn_description: "Saved in FS",
      })
    ).status,
  ).toBe(204);
  expect(
    (
      await scmRequest(setup.env.scmUrl, "PATCH", "Warehouses(dataAreaId='usmf',WarehouseId='8902')", {
        WarehouseName: "Saved in SCM",
      })
    ).status,
  ).toBe(204);
  // SCM's event arrives after its write; a change it queued (a lookup not resolvable at that
  // moment) is replayed as the host's retry timer would.
  await settle(setup.env);
  await setup.env.host.replayQueue();
  await settle(setup.env);
  const after = await warehouseRecordsOnBothSides(setup.env);
  expect(after.dataverse).toEqual(after.scm);
}

describe("deleting a warehouse another one names as its transit warehouse", () => {
  it("in Field Service: refused, rolled back, and both systems keep both rows", async () => {
    const deleted = await dataverseRequest(setup.env.dataverse.url, "DELETE", `msdyn_warehouses(${transitId})`);
    expect(deleted.status).toBe(400);
    // Dataverse shows its generic webhook error; the host logs why.
    expect(
      setup.env.logs.some(
        (entry) =>
          entry.message === "sync-to-scm: refused with 422" &&
          String(entry.reason).includes(
            "usmf/8901 cannot be deleted while other rows name it: 8902 (msdyn_transitwarehouse)",
          ),
      ),
    ).toBe(true);
    await expectEqualAndSaveable();
  });

  it("in SCM: SCM's delete is undone, Field Service keeps the row, and both systems end equal", async () => {
    const deleted = await scmRequest(setup.env.scmUrl, "DELETE", "Warehouses(dataAreaId='usmf',WarehouseId='8901')");
    expect(deleted.status).toBe(204);
    // SCM's data event of the delete arrives after SCM committed it.
    await settle(setup.env);
    expect(
      (await setup.env.host.queue.pending()).filter((change) => change.resync).map((change) => change.rowKey),
    ).toEqual(["usmf/8901"]);
    expect(await setup.env.host.replayQueue()).toMatchObject({ failed: 0, remaining: 0 });
    expect((await scmRequest(setup.env.scmUrl, "GET", "Warehouses(dataAreaId='usmf',WarehouseId='8901')")).status).toBe(
      200,
    );
    await expectEqualAndSaveable();
  });

  it("a warehouse nobody names is deleted in both systems as before", async () => {
    const id = await createWarehouse(setup, "8903", "Alone 8903");
    expect((await dataverseRequest(setup.env.dataverse.url, "DELETE", `msdyn_warehouses(${id})`)).status).toBe(204);
    await settle(setup.env);
    const sides = await warehouseRecordsOnBothSides(setup.env);
    expect(sides.dataverse).toEqual(sides.scm);
    expect(sides.scm.some((row) => row.key === "usmf/8903")).toBe(false);
  });
});
