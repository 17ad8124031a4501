/**
 * SCM misbehaves while the integration runs fail-closed (the default): down, slow beyond the
 * host's timeout, answering 500 or 503 (with a Retry-After of an hour), or dropping the connection
 * after it did the work. Saves that need SCM are refused, the validation API answers 503, and a
 * sync step ends with its change in both systems or in neither — a write SCM applied although the
 * step failed (late, or with its reply lost) is undone by the resync the host queues for the row.
 */
import type { ScmDataEventOperation } from "@fsi/core/scm/data-events";
import { dataverseRequest } from "../support/environment";
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
import { type WarehouseView, warehousesOnBothSides } from "../support/reconcile";

let setup: OutageSetup;
let events: EventRecorder;

beforeAll(async () => {
  setup = await startOutageEnvironment("fail-closed");
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

const faults = SCM_FAULTS.map(([name, mode], index) => [name, mode, index] as const);

const eventsOf = (identifier: string, operation: ScmDataEventOperation) =>
  events.events.filter((event) => event.key.WarehouseId === identifier && event.operation === operation);

const view = (identifier: string, name = `Warehouse ${identifier}`): WarehouseView => ({
  key: `usmf/${identifier}`,
  name,
  type: "Transit",
  site: "S1",
});

describe.each(faults)("SCM %s", (_name, mode, index) => {
  const kept = `71${index}1`;
  const refused = `71${index}2`;

  it("refuses creates and updates at the validate step and answers the validation API 503; neither system changes", async () => {
    const keptId = await createWarehouse(setup, kept);
    const before = await warehousesOnBothSides(setup.env);
    const refusals = setup.env.logs.filter((entry) => entry.message === "validate: refused with 503").length;
    setup.proxy.fault(mode);

    const created = await dataverseRequest(
      setup.env.dataverse.url,
      "POST",
      "msdyn_warehouses",
      warehouseBody(setup, refused),
    );
    const updated = await dataverseRequest(setup.env.dataverse.url, "PATCH", `msdyn_warehouses(${keptId})`, {
      msdyn_description: `Renamed ${kept}`,
    });
    const api = await askValidationApi(setup.env, "AIR");

    expect([created.status, updated.status]).toEqual([400, 400]);
    expect(
      setup.env.logs.filter(
        (entry) => entry.message === "validate: refused with 503" && entry.code === "SCM_UNAVAILABLE",
      ).length - refusals,
    ).toBeGreaterThanOrEqual(2);
    // The form script reads the 503 and applies its own policy (block or warn).
    expect([api.status, errorCode(api), api.headers.get("retry-after")]).toEqual([503, "SCM_UNAVAILABLE", "5"]);
    setup.proxy.heal();
    await setup.proxy.settled();
    const after = await warehousesOnBothSides(setup.env);
    expect(after).toEqual(before);
    expect(after.dataverse).toContainEqual(view(kept));
    expect(after.dataverse).not.toContainEqual(expect.objectContaining({ key: `usmf/${refused}` }));
  });
});

describe.each(faults)("SCM %s on its writes only (validation passes)", (_name, mode, index) => {
  const created = `72${index}1`;
  const existing = `72${index}2`;
  const replyLost = mode.kind === "drop-after-forward";
  /** No answer to a write: SCM may have applied it (a refusal with a status says it did not). */
  const outcomeUnknown = mode.kind !== "status";

  it("the sync step applies a create, an update and a delete in both systems or in neither", async () => {
    const existingId = await createWarehouse(setup, existing);
    setup.proxy.fault(mode, { match: scmDataWrites });

    const create = await dataverseRequest(
      setup.env.dataverse.url,
      "POST",
      "msdyn_warehouses",
      warehouseBody(setup, created),
    );
    const update = await dataverseRequest(setup.env.dataverse.url, "PATCH", `msdyn_warehouses(${existingId})`, {
      msdyn_description: `Renamed ${existing}`,
    });
    const remove = await dataverseRequest(setup.env.dataverse.url, "DELETE", `msdyn_warehouses(${existingId})`);
    setup.proxy.heal();
    // A slow SCM still applies the writes it got, after the steps gave up on them.
    await setup.proxy.settled();

    // Reply lost: Dataverse retries the 503 once and the retry finds SCM's row already equal (the
    // delete's retry is dropped again). Otherwise every operation is refused and rolled back.
    expect([create.status, update.status, remove.status]).toEqual(replyLost ? [204, 204, 400] : [400, 400, 400]);
    const resyncs = (await setup.env.host.queue.pending()).filter((change) => change.resync);
    expect(resyncs.length > 0).toBe(outcomeUnknown);
    expect(await setup.env.host.replayQueue()).toMatchObject({ failed: 0, remaining: 0 });

    const sides = await warehousesOnBothSides(setup.env);
    expect(sides.dataverse).toEqual(sides.scm);
    const expected = replyLost ? [view(created), view(existing, `Renamed ${existing}`)] : [view(existing)];
    expect(sides.dataverse.filter((row) => row.key === `usmf/${created}` || row.key === `usmf/${existing}`)).toEqual(
      expected,
    );
    // Created in SCM once at most, however often it was sent.
    await events.drained();
    expect(eventsOf(created, "Create").length).toBe(replyLost || mode.kind === "slow" ? 1 : 0);
  });
});
