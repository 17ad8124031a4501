/**
 * The host's retry timer while SCM is slow: a replay outlasts many ticks of the timer, and each tick
 * must not add another replay behind it. One replay runs at a time; ticks during it are skipped, and
 * once SCM answers the queue drains with the one replay, both systems equal.
 */
import { dataverseRequest } from "../support/environment";
import { type OutageSetup, scmDataWrites, startOutageEnvironment, warehouseBody } from "../support/outage";
import { eventually, warehouseRecordsOnBothSides } from "../support/reconcile";

let setup: OutageSetup;

beforeAll(async () => {
  setup = await startOutageEnvironment("fail-closed", {
    scmTimeoutMs: 30_000,
    retryIntervalMs: 5,
    retryBackoff: { baseMs: 1, maxMs: 1 },
  });
});

afterAll(async () => {
  await setup.close();
});

const logged = (message: string) => setup.env.logs.filter((entry) => entry.message === message).length;
const REPLAY = "Replaying the change queue";
const SKIPPED = "Retry timer: the previous replay is still running; this tick is skipped";

it("runs one replay at a time while SCM is slow, however often the timer fires", async () => {
  // Paused: Field Service commits and the changes wait in the queue for the timer.
  await setup.env.host.mapStates.pause("warehouses");
  for (const identifier of ["8701", "8702", "8703"]) {
    const created = await dataverseRequest(
      setup.env.dataverse.url,
      "POST",
      "msdyn_warehouses",
      warehouseBody(setup, identifier, `Slow ${identifier}`),
    );
    expect(created.status).toBe(204);
  }
  expect(await setup.env.host.queue.depth()).toBe(3);

  let release: () => void = () => undefined;
  const slow = new Promise<void>((resolve) => {
    release = resolve;
  });
  setup.proxy.fault({ kind: "hold", until: slow }, { match: scmDataWrites, times: 1 });
  await setup.env.host.mapStates.resume("warehouses");
  await setup.proxy.whenFaulted();
  const replaysWhenSlow = logged(REPLAY);
  const skippedBefore = logged(SKIPPED);
  await eventually(() => logged(SKIPPED) >= skippedBefore + 20, "the timer fired many times during the slow write");
  release();

  await eventually(async () => (await setup.env.host.queue.depth()) === 0, "the queue drained");
  await setup.env.host.whenIdle();
  // The replay that met the slow SCM did the whole queue; no pass was stacked behind it.
  expect(logged(REPLAY) - replaysWhenSlow).toBe(0);
  const sides = await warehouseRecordsOnBothSides(setup.env);
  expect(sides.dataverse).toEqual(sides.scm);
  expect(sides.scm.map((row) => row.key)).toEqual(["usmf/8701", "usmf/8702", "usmf/8703"]);
});
