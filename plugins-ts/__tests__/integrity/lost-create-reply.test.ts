/**
 * A create whose reply is lost after SCM committed it: a gateway answers 503, the host's SCM client
 * sends the create again, and SCM refuses the repeat as a duplicate key. The create is idempotent —
 * a row with our values under the key is our write, applied — so Dataverse commits and both systems
 * hold the row once. A row under the key with other values (someone else's) is a refusal, Dataverse
 * rolls back, and a resync is queued so SCM's row is examined: never a row left only in SCM unnoticed.
 */
import { dataverseRequest, scmRequest } from "../support/environment";
import { type OutageSetup, scmDataWrites, startOutageEnvironment, warehouseBody } from "../support/outage";
import { eventually, warehouseRecordsInDataverse, warehouseRecordsOnBothSides } from "../support/reconcile";

let setup: OutageSetup;

beforeAll(async () => {
  setup = await startOutageEnvironment("fail-closed");
});

afterAll(async () => {
  await setup.close();
});

afterEach(async () => {
  setup.proxy.heal();
  await setup.proxy.settled();
});

const creates = (request: { method: string; url: string }) => scmDataWrites(request) && request.method === "POST";

describe("a create retried after its reply was lost", () => {
  it("counts SCM's duplicate-key refusal of the repeat as success when SCM holds our values: one row, in both systems", async () => {
    setup.proxy.fault({ kind: "status-after-forward", status: 503 }, { match: creates, times: 1 });

    const created = await dataverseRequest(setup.env.dataverse.url, "POST", "msdyn_warehouses", {
      ...warehouseBody(setup, "8101", "Lost reply 8101"),
      msdyn_primaryaddresscity: "Seattle",
      msdyn_primaryaddresslatitude: 47.60621,
      msdyn_primaryaddresslongitude: -122.33207,
    });

    expect(setup.proxy.faulted).toBe(1);
    // The repeat reached SCM and was refused as a duplicate there.
    expect(setup.proxy.requests.filter((request) => creates(request)).length).toBeGreaterThanOrEqual(2);
    expect(created.status).toBe(204);
    expect(await setup.env.host.queue.depth()).toBe(0);
    const sides = await warehouseRecordsOnBothSides(setup.env);
    expect(sides.dataverse).toEqual(sides.scm);
    expect(sides.scm.filter((row) => row.key === "usmf/8101")).toEqual([
      expect.objectContaining({ name: "Lost reply 8101", city: "Seattle", latitude: 47.60621, longitude: -122.33207 }),
    ]);
  });
});

describe("a create that meets someone else's row under its key", () => {
  let other: OutageSetup;

  beforeAll(async () => {
    // SCM's data events reach the host asynchronously, after SCM committed.
    other = await startOutageEnvironment("fail-closed");
  });

  afterAll(async () => {
    await other.close();
  });

  it("is refused, a reconcile of the row is queued, and both systems end with SCM's row", async () => {
    // SCM's user creates 8102 while the host's create is on its way: the host's read saw no row.
    let held = false;
    other.proxy.faultEach((request) => {
      if (held || !creates(request)) return undefined;
      held = true;
      const scmCreate = scmRequest(other.env.scmUrl, "POST", "Warehouses", {
        dataAreaId: "usmf",
        WarehouseId: "8102",
        WarehouseName: "Made in SCM",
        WarehouseType: "Transit",
        OperationalSiteId: "S1",
      });
      return { kind: "hold", until: scmCreate.then(() => undefined) };
    });

    const created = await dataverseRequest(
      other.env.dataverse.url,
      "POST",
      "msdyn_warehouses",
      warehouseBody(other, "8102", "Made in FS"),
    );
    other.proxy.heal();

    expect(created.status).toBe(400);
    expect(
      (await other.env.host.queue.pending()).filter((change) => change.resync).map((change) => change.rowKey),
    ).toEqual(["usmf/8102"]);
    await eventually(
      async () => (await warehouseRecordsInDataverse(other.env)).some((row) => row.key === "usmf/8102"),
      "SCM's row reached Field Service",
    );
    await other.env.host.whenIdle();
    expect(await other.env.host.replayQueue()).toMatchObject({ failed: 0, remaining: 0 });
    const sides = await warehouseRecordsOnBothSides(other.env);
    expect(sides.dataverse).toEqual(sides.scm);
    expect(sides.scm.filter((row) => row.key === "usmf/8102")).toEqual([
      expect.objectContaining({ name: "Made in SCM" }),
    ]);
  });
});
