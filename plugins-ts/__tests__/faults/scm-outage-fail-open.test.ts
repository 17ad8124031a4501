/**
 * SCM misbehaves while the integration runs fail-open: saves go through in Dataverse (unvalidated,
 * with a warning), their sync changes wait in the durable queue with the rows Pending, the host's
 * timer retries them with backoff while SCM stays out, and once SCM is back every change lands
 * exactly once, in order. The validation API still answers 503: the form applies its own policy.
 */
import { ScmSyncStatus } from "@fsi/core/dataverse/tables";
import type { FaultMode } from "../support/fault-proxy";
import { dataverseRequest, dataverseRowByKey } from "../support/environment";
import { type EventRecorder, recordScmEvents } from "../support/event-recorder";
import {
  type OutageSetup,
  SCM_FAULTS,
  askValidationApi,
  createWarehouse,
  errorCode,
  scmDataWrites,
  startOutageEnvironment,
  warehouseBody,
} from "../support/outage";
import { type WarehouseView, eventually, warehousesOnBothSides } from "../support/reconcile";

let setup: OutageSetup;
let events: EventRecorder;

beforeAll(async () => {
  // A fast timer and a short backoff stand in for the defaults (30 s, 5 s → 15 min).
  setup = await startOutageEnvironment("fail-open", { retryIntervalMs: 20, retryBackoff: { baseMs: 40, maxMs: 320 } });
  events = await recordScmEvents(setup.env.scmUrl);
});

afterAll(async () => {
  await events.close();
  await setup.close();
});

afterEach(async () => {
  setup.proxy.heal();
  await setup.proxy.settled();
});

/** What SCM raised for a warehouse: `Operation Name`, in order. */
const eventsOf = (identifier: string): string[] =>
  events.events
    .filter((event) => event.key.WarehouseId === identifier)
    .map((event) =>
      `${event.operation} ${event.operation === "Delete" ? "" : String(event.fields.WarehouseName ?? "")}`.trim(),
    );

const view = (identifier: string, name = `Warehouse ${identifier}`): WarehouseView => ({
  key: `usmf/${identifier}`,
  name,
  type: "Transit",
  site: "S1",
});

const queuedFor = async (identifiers: readonly string[]) =>
  (await setup.env.host.queue.pending()).filter((change) =>
    identifiers.some((identifier) => change.rowKey === `usmf/${identifier}`),
  );

/** Creates, renames and deletes a warehouse each while `mode` is on; answers the three statuses. */
async function changeThreeRows(
  mode: FaultMode,
  rows: { added: string; renamed: string; removed: string },
  match?: typeof scmDataWrites,
): Promise<number[]> {
  const renamedId = await createWarehouse(setup, rows.renamed);
  const removedId = await createWarehouse(setup, rows.removed);
  setup.proxy.fault(mode, match === undefined ? {} : { match });
  const create = await dataverseRequest(
    setup.env.dataverse.url,
    "POST",
    "msdyn_warehouses",
    warehouseBody(setup, rows.added),
  );
  const update = await dataverseRequest(setup.env.dataverse.url, "PATCH", `msdyn_warehouses(${renamedId})`, {
    msdyn_description: `Renamed ${rows.renamed}`,
  });
  const remove = await dataverseRequest(setup.env.dataverse.url, "DELETE", `msdyn_warehouses(${removedId})`);
  return [create.status, update.status, remove.status];
}

/** Heals SCM, waits for the host's timer to drain the rows' changes, and checks both systems hold them once. */
async function expectLandedOnce(rows: { added: string; renamed: string; removed: string }): Promise<void> {
  setup.proxy.heal();
  await eventually(
    async () => (await queuedFor(Object.values(rows))).length === 0,
    "the host's timer replayed the queued changes",
  );
  await setup.env.host.whenIdle();
  await setup.proxy.settled();
  await setup.env.dataverse.emulator.idle();

  await events.drained();
  expect(eventsOf(rows.added)).toEqual([`Create Warehouse ${rows.added}`]);
  expect(eventsOf(rows.renamed)).toEqual([`Create Warehouse ${rows.renamed}`, `Update Renamed ${rows.renamed}`]);
  expect(eventsOf(rows.removed)).toEqual([`Create Warehouse ${rows.removed}`, "Delete"]);
  expect(
    await dataverseRowByKey(setup.env, "msdyn_warehouses", `msdyn_warehouseidentifier eq '${rows.added}'`),
  ).toMatchObject({ fsi_scmsyncstatus: ScmSyncStatus.Synced, fsi_scmlasterror: null });
  const sides = await warehousesOnBothSides(setup.env);
  expect(sides.dataverse).toEqual(sides.scm);
  const touched = new Set(Object.values(rows).map((identifier) => `usmf/${identifier}`));
  expect(sides.scm.filter((row) => touched.has(row.key))).toEqual([
    view(rows.added),
    view(rows.renamed, `Renamed ${rows.renamed}`),
  ]);
}

describe.each(SCM_FAULTS.map(([name, mode], index) => [name, mode, index] as const))(
  "SCM %s, fail open",
  (_name, mode, index) => {
    const rows = { added: `81${index}1`, renamed: `81${index}2`, removed: `81${index}3` };

    it("saves in Dataverse, queues the sync (rows Pending), retries with backoff, and lands every change once when SCM is back", async () => {
      const passedUnvalidated = () =>
        setup.env.logs.filter(
          (entry) => entry.message === "SCM unreachable; the save goes through unvalidated (fail open)",
        ).length;
      const before = passedUnvalidated();

      expect(await changeThreeRows(mode, rows)).toEqual([204, 204, 204]);
      const api = await askValidationApi(setup.env, "AIR");
      await setup.env.dataverse.emulator.idle();

      expect(passedUnvalidated() - before).toBe(2);
      expect([api.status, errorCode(api)]).toEqual([503, "SCM_UNAVAILABLE"]);
      expect(
        await dataverseRowByKey(setup.env, "msdyn_warehouses", `msdyn_warehouseidentifier eq '${rows.added}'`),
      ).toMatchObject({
        fsi_scmsyncstatus: ScmSyncStatus.Pending,
        fsi_scmlasterror: expect.stringContaining("Queued for SCM") as unknown,
      });
      expect(
        (await queuedFor(Object.values(rows))).map((change) => [change.rowKey, change.operation, change.reason]),
      ).toEqual([
        [`usmf/${rows.added}`, "upsert", "unavailable"],
        [`usmf/${rows.renamed}`, "upsert", "unavailable"],
        [`usmf/${rows.removed}`, "delete", "unavailable"],
      ]);
      // While SCM stays out the timer keeps trying, each failure pushing the next attempt further out.
      await eventually(
        async () => ((await queuedFor([rows.added]))[0]?.attempts ?? 0) >= 2,
        "the timer retried the queued change twice",
      );
      expect((await queuedFor([rows.added]))[0]?.lastError).toContain("SCM could");

      await expectLandedOnce(rows);
    });
  },
);

describe.each([
  ["answers after the timeout", { kind: "slow", delayMs: 600 }],
  ["drops the connection after applying", { kind: "drop-after-forward" }],
] as const)("SCM applies a write but %s (fail open)", (_name, mode) => {
  const prefix = mode.kind === "slow" ? "820" : "830";
  const rows = { added: `${prefix}1`, renamed: `${prefix}2`, removed: `${prefix}3` };

  it("queues the change as not applied; the replay finds SCM already holding it and writes nothing twice", async () => {
    expect(await changeThreeRows(mode, rows, scmDataWrites)).toEqual([204, 204, 204]);
    // Each was queued (the timer may already have replayed some).
    const queued = setup.env.logs
      .filter((entry) => entry.message === "Change queued for SCM")
      .map((entry) => entry.rowKey);
    expect(Object.values(rows).map((identifier) => queued.includes(`usmf/${identifier}`))).toEqual([true, true, true]);
    await expectLandedOnce(rows);
  });
});
