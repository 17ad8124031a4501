/**
 * The sync CLI killed with SIGKILL (no cleanup) at the worst moment — right after the other system
 * committed a write and before the reply came back, so the state file still holds the work as
 * unfinished:
 * - mid-replay: `fsi sync resume` replaying the durable queue that fail-open filled while SCM was
 *   down; the next replay (once the dead process's lease has run out) carries on in order and the
 *   change in flight is found applied, not applied twice;
 * - mid-initial-sync, SCM → Field Service: a write (CreateMultiple) committed by Dataverse whose
 *   reply never came, while the batches beside it finished; the next run resumes from the
 *   checkpoint and finds that batch written.
 * (`cli/__tests__/initial-resume.test.ts` kills a Field Service → SCM run while a write hangs.)
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { ScmSyncStatus } from "@fsi/core/dataverse/tables";
import { type TempDir, cliEnvironment, fsi, scmWithoutEvent, tempDir } from "../../cli/__tests__/support";
import { InitialSyncStore } from "../../sync/initial-sync-store";
import { DEFAULT_LEASE_MS, ReplayLease } from "../../sync/replay-lease";
import { openSyncDatabase } from "../../sync/sync-database";
import { dataverseRequest, dataverseRowByKey } from "../support/environment";
import { type EventRecorder, recordScmEvents } from "../support/event-recorder";
import { type FaultMode, type FaultProxy, type ProxiedRequest, startFaultProxy } from "../support/fault-proxy";
import { type OutageSetup, createWarehouse, startOutageEnvironment } from "../support/outage";
import { warehousesOnBothSides } from "../support/reconcile";

const stall: FaultMode = { kind: "stall-after-forward" };

/** `bin/fsi.js` as a child process (as `npx fsi` runs it), with only the variables given. */
function runChild(
  variables: Record<string, string>,
  cwd: string,
  args: readonly string[],
): { child: ChildProcess; exited: Promise<NodeJS.Signals | null> } {
  const child = spawn(process.execPath, [join(__dirname, "..", "..", "..", "bin", "fsi.js"), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "", ...variables },
    stdio: ["ignore", "ignore", "ignore"],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => {
    child.on("exit", (_code, signal) => {
      resolve(signal);
    });
  });
  return { child, exited };
}

/** Lets the `nth` request `matching` through to the target, then never answers it. */
function stallNth(proxy: FaultProxy, matching: (request: ProxiedRequest) => boolean, nth: number): void {
  let seen = 0;
  proxy.faultEach((request) => (matching(request) && ++seen === nth ? stall : undefined));
}

describe("killed mid-replay of the durable change queue", () => {
  const WAREHOUSES = ["6101", "6102", "6103", "6104"];
  let dir: TempDir;
  let setup: OutageSetup;
  let gate: FaultProxy;
  let events: EventRecorder;
  let variables: Record<string, string>;

  beforeAll(async () => {
    dir = tempDir("fsi-faults-");
    const statePath = join(dir.path, "plugins.sqlite");
    setup = await startOutageEnvironment("fail-open", { statePath });
    gate = await startFaultProxy(new URL(setup.env.scmUrl).origin);
    events = await recordScmEvents(setup.env.scmUrl);
    variables = { ...cliEnvironment(setup.env, dir.path, statePath), FSI_SCM_URL: `${gate.url}/scm` };
  });

  afterAll(async () => {
    await events.close();
    await gate.close();
    await setup.close();
    dir.remove();
  });

  it("resumes the replay in order once the dead process's lease runs out, applying the change in flight once", async () => {
    // SCM is down for the host: each save is committed in Dataverse and its change queued.
    setup.proxy.fault({ kind: "down" });
    for (const identifier of WAREHOUSES) {
      const id = await createWarehouse(setup, identifier);
      expect(
        (
          await dataverseRequest(setup.env.dataverse.url, "PATCH", `msdyn_warehouses(${id})`, {
            msdyn_description: `Renamed ${identifier}`,
          })
        ).status,
      ).toBe(204);
    }
    expect(await setup.env.host.queue.depth()).toBe(8);

    // The fifth SCM write (the third row's create) reaches SCM; its reply never returns, and the process dies.
    stallNth(gate, (request) => request.method !== "GET" && request.url.startsWith("/scm/data/Warehouses"), 5);
    const { child, exited } = runChild(variables, dir.path, ["sync", "resume", "warehouses"]);
    await gate.whenFaulted();
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");

    expect((await setup.env.host.queue.pending()).map((change) => change.rowKey)).toEqual([
      "usmf/6103",
      "usmf/6103",
      "usmf/6104",
      "usmf/6104",
    ]);
    await events.drained();
    const inFlight = events.events.filter((event) => event.key.WarehouseId === "6103");
    expect(inFlight.map((event) => event.operation)).toEqual(["Create"]);

    // The dead process still holds the replay lease; it runs out 30 s after its last renewal.
    const db = openSyncDatabase(join(dir.path, "plugins.sqlite"));
    try {
      expect(await new ReplayLease(db).acquire()).toBe(false);
      const later = new ReplayLease(db, "after-the-lease-expired", () => Date.now() + DEFAULT_LEASE_MS + 1_000);
      expect(await later.acquire()).toBe(true);
      await later.release();
    } finally {
      db.close();
    }

    const resumed = await fsi(
      { ...variables, FSI_SCM_URL: setup.env.scmUrl },
      dir.path,
      "sync",
      "resume",
      "warehouses",
    );
    expect(resumed.code).toBe(0);
    expect(resumed.out).toContain("4 queued changes replayed in order");
    expect(await setup.env.host.queue.depth()).toBe(0);

    for (const identifier of WAREHOUSES) {
      await events.drained();
      const raised = events.events.filter((event) => event.key.WarehouseId === identifier);
      expect([
        identifier,
        raised.map((event) => `${event.operation} ${String(event.fields.WarehouseName ?? "")}`),
      ]).toEqual([identifier, [`Create Warehouse ${identifier}`, `Update Renamed ${identifier}`]]);
      expect(
        await dataverseRowByKey(setup.env, "msdyn_warehouses", `msdyn_warehouseidentifier eq '${identifier}'`),
      ).toMatchObject({ fsi_scmsyncstatus: ScmSyncStatus.Synced });
    }
    const sides = await warehousesOnBothSides(setup.env);
    expect(sides.dataverse).toEqual(sides.scm);
    expect(sides.scm.map((row) => row.name)).toEqual(WAREHOUSES.map((identifier) => `Renamed ${identifier}`));
  });
});

describe("killed mid-initial-sync, SCM → Field Service", () => {
  const MODES = 30;
  let dir: TempDir;
  let setup: OutageSetup;
  let gate: FaultProxy;
  let variables: Record<string, string>;

  beforeAll(async () => {
    dir = tempDir("fsi-faults-");
    const statePath = join(dir.path, "plugins.sqlite");
    setup = await startOutageEnvironment("fail-closed", { statePath });
    gate = await startFaultProxy(setup.env.dataverse.url);
    // Written in SCM as the integration user, so the live sync leaves them to the initial sync.
    for (let n = 0; n < MODES; n += 1)
      await scmWithoutEvent(setup.env, "POST", "ModesOfDelivery", {
        dataAreaId: "usmf",
        ModeCode: `K-${n}`,
        ModeDescription: `Mode ${n}`,
      });
    variables = { ...cliEnvironment(setup.env, dir.path, statePath), FSI_DATAVERSE_URL: gate.url };
  });

  afterAll(async () => {
    await gate.close();
    await setup.close();
    dir.remove();
  });

  it("resumes from the checkpoint: the batch committed at the kill is found written, nothing twice", async () => {
    // The three batches go out side by side (x-ms-dop-hint); the second write committed, never answered.
    stallNth(gate, (request) => request.method === "POST" && request.url.includes("Microsoft.Dynamics.CRM."), 2);
    const { child, exited } = runChild(variables, dir.path, [
      "sync",
      "initial",
      "--map",
      "ship-vias",
      "--direction",
      "scm-to-fs",
      "--batch-size",
      "10",
    ]);
    await gate.whenFaulted();
    // The other two batches are answered and checkpointed; the stalled one never will be.
    const db = openSyncDatabase(join(dir.path, "plugins.sqlite"));
    const store = new InitialSyncStore(db);
    while ((await store.finishedCount(1)) < 20) await new Promise((resolve) => setTimeout(resolve, 20));
    db.close();
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    const written = await dataverseRequest(setup.env.dataverse.url, "GET", "msdyn_shipvias?$select=msdyn_name");
    expect((written.json as { value: unknown[] }).value).toHaveLength(MODES);

    const resumed = await fsi(
      { ...variables, FSI_DATAVERSE_URL: setup.env.dataverse.url },
      dir.path,
      "sync",
      "initial",
      "--map",
      "ship-vias",
      "--direction",
      "scm-to-fs",
      "--batch-size",
      "10",
      "--json",
    );
    expect(resumed.code).toBe(0);
    const report = JSON.parse(resumed.out) as {
      resumed: boolean;
      alreadyFinished: number;
      maps: { map: string; counts: Record<string, number> }[];
    };
    expect(report).toMatchObject({ resumed: true, alreadyFinished: 20 });
    // The run's counts: 20 created before the kill; the 10 of the batch in flight found equal.
    expect(report.maps.find((map) => map.map === "ship-vias")?.counts).toEqual({
      created: 20,
      updated: 0,
      "written-back": 0,
      unchanged: 10,
      failed: 0,
    });
    const rows = await dataverseRequest(
      setup.env.dataverse.url,
      "GET",
      "msdyn_shipvias?$select=msdyn_name,msdyn_description",
    );
    const names = (rows.json as { value: { msdyn_name: string; msdyn_description: string }[] }).value.map(
      (row) => `${row.msdyn_name}=${row.msdyn_description}`,
    );
    expect(names.sort()).toEqual(Array.from({ length: MODES }, (_, n) => `K-${n}=Mode ${n}`).sort());
  });
});
