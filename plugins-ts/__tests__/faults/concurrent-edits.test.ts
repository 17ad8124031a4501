/**
 * The same warehouse edited in Field Service and in SCM at the same moment. The conflict rule
 * (plugins-ts/README.md, "Ordering, duplicates and the conflict rule"): Field Service → SCM is
 * synchronous (a Field Service save commits only with SCM's), SCM → Field Service is not (SCM
 * commits, then its data event arrives), so SCM's save never waits and the write SCM committed
 * last is what both systems end with, once its data event is in. When Dataverse's wait for the
 * sync step runs out, Field Service's save is rolled back, the host logs the loser and its resync
 * sets SCM back to Dataverse's row. Fault proxies order the race exactly: the host's write to SCM
 * is held until SCM's change has reached the host and waits on Dataverse's transaction.
 */
import { type Environment, type Reply, dataverseRequest, scmRequest, settle } from "../support/environment";
import { type FaultProxy, startFaultProxy } from "../support/fault-proxy";
import { type OutageSetup, createWarehouse, scmDataWrites, startOutageEnvironment } from "../support/outage";
import { type WarehouseView, eventually, warehousesOnBothSides } from "../support/reconcile";

/** The host's SCM timeout: long enough that the held write is never given up by the host. */
const HOST_SCM_TIMEOUT_MS = 4_000;
/** Dataverse's webhook timeout when its wait is to run out first. */
const SHORT_WEBHOOK_TIMEOUT_MS = 500;

let setup: OutageSetup;
let env: Environment;
/** Between SCM and the host's `/plugins/scm-events`: shows when SCM's change has reached the host. */
let toHost: FaultProxy;

beforeAll(async () => {
  let started: FaultProxy | undefined;
  setup = await startOutageEnvironment("fail-closed", {
    scmTimeoutMs: HOST_SCM_TIMEOUT_MS,
    hostUrlForScm: async (hostUrl) => {
      started = await startFaultProxy(hostUrl);
      return started.url;
    },
  });
  if (started === undefined) throw new Error("the proxy to the host did not start");
  toHost = started;
  env = setup.env;
});

afterAll(async () => {
  await setup.close();
  await toHost.close();
});

afterEach(async () => {
  env.dataverse.emulator.setWebhookTimeout(60_000);
  setup.proxy.heal();
  await setup.proxy.settled();
});

const view = (identifier: string, name: string): WarehouseView => ({
  key: `usmf/${identifier}`,
  name,
  type: "Transit",
  site: "S1",
});
const renameInScm = (identifier: string, name: string) =>
  scmRequest(env.scmUrl, "PATCH", `Warehouses(dataAreaId='usmf',WarehouseId='${identifier}')`, { WarehouseName: name });

interface Crossing {
  readonly fsSave: Reply;
  readonly scmSave: Reply;
}

/**
 * Dataverse's save of the row is in its transaction, its sync step's write to SCM held at the
 * proxy; SCM's save of the same row starts and reaches the host, whose write to Dataverse now waits
 * on that transaction. Then the held write goes on to SCM, where it waits on SCM's save: each
 * system waits for the other until a timeout runs out.
 */
async function crossEdits(
  identifier: string,
  id: string,
  options: { releaseAfterBothReturned?: boolean } = {},
): Promise<Crossing> {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  setup.proxy.fault({ kind: "hold", until: held }, { match: scmDataWrites, times: 1 });
  const reachedHost = toHost.requests.length;
  const fsSave = dataverseRequest(env.dataverse.url, "PATCH", `msdyn_warehouses(${id})`, {
    msdyn_description: `From FS ${identifier}`,
  });
  await setup.proxy.whenFaulted();
  const scmSave = renameInScm(identifier, `From SCM ${identifier}`);
  await eventually(() => toHost.requests.length > reachedHost, "SCM's change reached the host");
  if (options.releaseAfterBothReturned === true) {
    const replies = { fsSave: await fsSave, scmSave: await scmSave };
    release();
    return replies;
  }
  release();
  return { fsSave: await fsSave, scmSave: await scmSave };
}

const conflicts = (message: string) => env.logs.filter((entry) => entry.message.startsWith(`Conflict: ${message}`));

describe("concurrent edits of one warehouse in both systems", () => {
  it("edits that do not overlap: the one committed last is in both systems, nobody loses a save", async () => {
    const id = await createWarehouse(setup, "9401", "Original 9401");
    expect((await renameInScm("9401", "From SCM 9401")).status).toBe(204);
    expect(
      (
        await dataverseRequest(env.dataverse.url, "PATCH", `msdyn_warehouses(${id})`, {
          msdyn_description: "From FS 9401",
        })
      ).status,
    ).toBe(204);
    await settle(env);
    const sides = await warehousesOnBothSides(env);
    expect(sides.dataverse).toEqual(sides.scm);
    expect(sides.scm).toContainEqual(view("9401", "From FS 9401"));
  });

  it("crossing saves: SCM's save never waits; the write SCM committed last is in both systems once its event is in", async () => {
    const id = await createWarehouse(setup, "9402", "Original 9402");
    await settle(env);

    const { fsSave, scmSave } = await crossEdits("9402", id);

    expect(fsSave.status).toBe(204);
    expect(scmSave.status).toBe(204);
    await setup.proxy.settled();
    await settle(env);
    // Field Service's held write reached SCM after SCM's own save: it is SCM's last write.
    const sides = await warehousesOnBothSides(env);
    expect(sides.dataverse).toEqual(sides.scm);
    expect(sides.scm).toContainEqual(view("9402", "From FS 9402"));
  });

  it("edits of different fields crossing: SCM's change waits on its way while Field Service renames, and both survive", async () => {
    const id = await createWarehouse(setup, "9404", "Original 9404");
    await settle(env);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // SCM's data event for its type change is held before the host: Field Service still has the old type.
    toHost.fault({ kind: "hold", until: held }, { times: 1 });
    const typeInScm = await scmRequest(env.scmUrl, "PATCH", "Warehouses(dataAreaId='usmf',WarehouseId='9404')", {
      WarehouseType: "Quarantine",
    });
    expect(typeInScm.status).toBe(204);
    await toHost.whenFaulted();

    const rename = await dataverseRequest(env.dataverse.url, "PATCH", `msdyn_warehouses(${id})`, {
      msdyn_description: "From FS 9404",
    });
    expect(rename.status).toBe(204);
    release();
    await toHost.settled();
    await settle(env);

    // The rename sent only the name: SCM kept its type, and its event brought the type to Field Service.
    const sides = await warehousesOnBothSides(env);
    expect(sides.dataverse).toEqual(sides.scm);
    expect(sides.scm).toContainEqual({ ...view("9404", "From FS 9404"), type: "Quarantine" });
  });

  it("Dataverse's wait runs out first: Field Service's save is rolled back with an error, SCM's is in both, and the loser is logged", async () => {
    const id = await createWarehouse(setup, "9403", "Original 9403");
    env.dataverse.emulator.setWebhookTimeout(SHORT_WEBHOOK_TIMEOUT_MS);
    const before = conflicts("Dataverse stopped waiting").length;

    // The held write reaches SCM only after both saves have returned: SCM applies it although
    // Dataverse has rolled it back, and the host finds its caller gone.
    const { fsSave, scmSave } = await crossEdits("9403", id, { releaseAfterBothReturned: true });

    expect(fsSave.status).toBe(400);
    expect(scmSave.status).toBe(204);
    await setup.proxy.settled();
    await eventually(
      () => conflicts("Dataverse stopped waiting").length > before,
      "the host noticed Dataverse gave up",
    );
    expect(conflicts("Dataverse stopped waiting").at(-1)).toMatchObject({
      rowKey: "usmf/9403",
      lost: expect.objectContaining({ WarehouseName: "From FS 9403" }) as unknown,
    });
    // The resync the host queued sets SCM back to Dataverse's row; SCM's data events bring
    // Dataverse to SCM's rows: both end equal, with one of the two saves.
    expect((await env.host.queue.pending()).filter((change) => change.resync).map((change) => change.rowKey)).toEqual([
      "usmf/9403",
    ]);
    await settle(env);
    expect(await env.host.replayQueue()).toMatchObject({ failed: 0, remaining: 0 });
    await settle(env);
    const sides = await warehousesOnBothSides(env);
    expect(sides.dataverse).toEqual(sides.scm);
    expect(sides.scm.filter((row) => row.key === "usmf/9403").map((row) => row.name)).toEqual([
      expect.stringMatching(/^From (SCM|FS) 9403$/),
    ]);
  });
});
