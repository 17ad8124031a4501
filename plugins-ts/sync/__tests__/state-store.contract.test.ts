/**
 * One contract, both implementations of the host's state store: SQLite (a file per test) and Azure
 * Storage (Azurite, Microsoft's storage emulator, started here: a real server, a fresh table prefix
 * per test). "Two hosts" are two store instances on the same file / the same storage account.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AzuriteServer, startAzurite } from "@fsi/test/support/azurite";
import type { NewChange } from "../change-queue";
import { openAzureStateStore } from "../azure/azure-state-store";
import type { HostStateStore } from "../state-store";
import { openSqliteStateStore } from "../sync-state";

jest.setTimeout(90_000);

interface Opener {
  /** Opens a store on this test's state; a second call opens a second instance (another host) on the same state. */
  open(options?: { now?: () => Date }): Promise<HostStateStore>;
  /** Lease duration of the stores this opener makes, in ms. */
  readonly leaseMs: number;
  cleanUp(): Promise<void>;
}

let azurite: AzuriteServer;
let prefixes = 0;

beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite.stop();
});

const implementations: [string, () => Opener][] = [
  [
    "SQLite",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "fsi-store-"));
      const opened: HostStateStore[] = [];
      return {
        leaseMs: 3_000,
        open: (options = {}) => {
          const store = openSqliteStateStore({
            path: join(dir, "state.db"),
            inventoryPath: join(dir, "inventory.db"),
            leaseMs: 3_000,
            ...(options.now === undefined ? {} : { now: options.now }),
          });
          opened.push(store);
          return Promise.resolve(store);
        },
        cleanUp: async () => {
          for (const store of opened) await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  ],
  [
    "Azure Storage (Azurite)",
    () => {
      const prefix = `t${++prefixes}x${Date.now().toString(36)}`;
      return {
        leaseMs: 15_000,
        open: (options = {}) =>
          openAzureStateStore(
            {
              access: { kind: "connection-string", connectionString: azurite.connectionString },
              prefix,
              leaseSeconds: 15,
            },
            options.now === undefined ? {} : { now: options.now },
          ),
        cleanUp: () => Promise.resolve(),
      };
    },
  ],
];

const change = (rowKey: string, n: number, map = "warehouses", extra: Partial<NewChange> = {}): NewChange => ({
  map,
  direction: "fs-to-scm",
  rowKey,
  operation: "upsert",
  payload: { n },
  reason: "unavailable",
  ...extra,
});

describe.each(implementations)("state store contract: %s", (_name, makeOpener) => {
  let opener: Opener;
  beforeEach(() => {
    opener = makeOpener();
  });
  afterEach(async () => {
    await opener.cleanUp();
  });

  it("keeps the queue in arrival order, filters it, and counts it", async () => {
    const store = await opener.open();
    await store.queue.enqueue(change("usmf/1", 1));
    await store.queue.enqueue(change("usmf/AIR", 2, "ship-vias", { direction: "scm-to-fs" }));
    await store.queue.enqueue(change("usmf/1", 3, "warehouses", { waitingFor: ["msdyn_operationalsite usmf/S9"] }));
    await store.queue.enqueue(change("usmf/2", 4, "warehouses", { resync: true }));
    expect((await store.queue.pending()).map((queued) => queued.payload)).toEqual([
      { n: 1 },
      { n: 2 },
      { n: 3 },
      { n: 4 },
    ]);
    expect((await store.queue.pending({ map: "warehouses" })).map((queued) => queued.rowKey)).toEqual([
      "usmf/1",
      "usmf/1",
      "usmf/2",
    ]);
    expect(await store.queue.depth({ direction: "scm-to-fs" })).toBe(1);
    expect(await store.queue.depth()).toBe(4);
    expect(await store.queue.hasQueued("warehouses", "fs-to-scm", "usmf/1")).toBe(true);
    // A resync does not make later changes wait.
    expect(await store.queue.hasQueued("warehouses", "fs-to-scm", "usmf/2")).toBe(false);
    expect((await store.queue.waitingFor("msdyn_operationalsite usmf/S9")).map((queued) => queued.payload)).toEqual([
      { n: 3 },
    ]);
    const [first] = await store.queue.pending();
    await store.queue.complete(first!.sequence);
    expect((await store.queue.pending()).map((queued) => queued.payload)).toEqual([{ n: 2 }, { n: 3 }, { n: 4 }]);
  });

  it("keeps a payload larger than one table property intact", async () => {
    const store = await opener.open();
    const big = { text: "é".repeat(70_000) };
    await store.queue.enqueue({ ...change("usmf/1", 1), payload: big });
    expect((await store.queue.pending())[0]!.payload).toEqual(big);
  });

  it("retries with backoff: a failed change is due again only after its wait", async () => {
    let now = new Date("2024-05-01T00:00:00Z");
    const store = await opener.open({ now: () => now });
    const queued = await store.queue.enqueue(change("usmf/1", 1));
    expect(await store.queue.due()).toEqual([]);
    now = new Date(now.getTime() + 5_000);
    expect((await store.queue.due()).map((due) => due.sequence)).toEqual([queued.sequence]);
    await store.queue.retryLater(queued.sequence, "SCM did not answer", ["x"]);
    const [retried] = await store.queue.pending();
    expect(retried).toMatchObject({ attempts: 1, lastError: "SCM did not answer", waitingFor: ["x"] });
    expect(new Date(retried!.nextAttemptAt).getTime() - now.getTime()).toBe(10_000);
    expect(await store.queue.replayable({ dueOnly: true })).toEqual([]);
    expect(await store.queue.replayable({ dueOnly: false })).toHaveLength(1);
  });

  it("holds a refused change in its place: later changes of its row wait, other rows go on, retry releases it", async () => {
    const store = await opener.open();
    const refused = await store.queue.enqueue(change("usmf/1", 1));
    await store.queue.enqueue(change("usmf/1", 2));
    await store.queue.enqueue(change("usmf/2", 3));
    await store.queue.hold(refused.sequence, "SCM refused: site missing");
    expect((await store.queue.replayable({ dueOnly: false })).map((queued) => queued.payload)).toEqual([{ n: 3 }]);
    expect(await store.queue.held({ map: "warehouses" })).toEqual([
      expect.objectContaining({
        sequence: refused.sequence,
        held: true,
        attempts: 1,
        lastError: "SCM refused: site missing",
      }),
    ]);
    expect(await store.queue.release({ map: "ship-vias" })).toBe(0);
    expect(await store.queue.release({ map: "warehouses" })).toBe(1);
    // Released changes are due at once; the others keep their retry time.
    expect((await store.queue.replayable({ dueOnly: true })).map((queued) => queued.payload)).toEqual([{ n: 1 }]);
    expect((await store.queue.replayable({ dueOnly: false })).map((queued) => queued.payload)).toEqual([
      { n: 1 },
      { n: 2 },
      { n: 3 },
    ]);
  });

  it("leaves a paused map's changes to later, as every instance sees the pause", async () => {
    const host = await opener.open();
    const cli = await opener.open();
    await host.queue.enqueue(change("usmf/1", 1));
    await host.queue.enqueue(change("usmf/AIR", 2, "ship-vias"));
    expect(await cli.mapStates.pause("warehouses", "maintenance")).toBe("running");
    expect(await host.mapStates.isPaused("warehouses")).toBe(true);
    expect(await host.mapStates.isPaused("ship-vias")).toBe(false);
    expect(await host.mapStates.get("warehouses")).toMatchObject({ state: "paused", note: "maintenance" });
    expect((await host.queue.replayable({ dueOnly: false })).map((queued) => queued.payload)).toEqual([{ n: 2 }]);
    expect(await cli.mapStates.pause("warehouses")).toBe("paused");
    expect(await cli.mapStates.resume("warehouses")).toBe("paused");
    expect((await host.queue.replayable({ dueOnly: false })).map((queued) => queued.payload)).toEqual([
      { n: 1 },
      { n: 2 },
    ]);
  });

  it("ledger: stamps only grow, ids are found, summaries and failures per map", async () => {
    const store = await opener.open();
    const id = "6F9619FF-8B86-D011-B42D-00C04FC964FF";
    await store.ledger.record({
      map: "warehouses",
      rowKey: "usmf/11",
      dataverseId: id,
      status: "synced",
      fsStamp: 5_000_000_000,
    });
    await store.ledger.record({ map: "warehouses", rowKey: "usmf/11", status: "synced", fsStamp: 4, scmStamp: 7 });
    expect(await store.ledger.get("warehouses", "usmf/11")).toMatchObject({
      fsStamp: 5_000_000_000,
      scmStamp: 7,
      dataverseId: id.toLowerCase(),
      status: "synced",
    });
    expect((await store.ledger.byDataverseId("warehouses", id))?.rowKey).toBe("usmf/11");
    expect(await store.ledger.byDataverseId("ship-vias", id)).toBeUndefined();
    await store.ledger.record({ map: "warehouses", rowKey: "usmf/12", status: "failed", error: "refused" });
    await store.ledger.record({ map: "warehouses", rowKey: "usmf/10", status: "failed", error: "refused too" });
    const summary = await store.ledger.summary("warehouses");
    expect(summary).toMatchObject({ failed: 2, synced: 1 });
    expect(summary.lastSyncedOn).not.toBeNull();
    expect((await store.ledger.failures("warehouses")).map((entry) => [entry.rowKey, entry.lastError])).toEqual([
      ["usmf/10", "refused too"],
      ["usmf/12", "refused"],
    ]);
    expect(await store.ledger.get("warehouses", "usmf/404")).toBeUndefined();
  });

  it("two instances recording the same rows at once lose no write: every stamp and count is kept", async () => {
    const first = await opener.open();
    const second = await opener.open();
    const writes: Promise<unknown>[] = [];
    for (let stamp = 1; stamp <= 20; stamp++) {
      const store = stamp % 2 === 0 ? first : second;
      writes.push(
        store.ledger.record({
          map: "warehouses",
          rowKey: "usmf/1",
          status: "synced",
          ...(stamp % 4 < 2 ? { fsStamp: stamp } : { scmStamp: stamp }),
        }),
      );
      writes.push(store.inventory.recordLive("on-hand", "changed"));
      writes.push(store.inventory.recordEventStamp("on-hand", "usmf/1/X", stamp));
      writes.push(store.queue.enqueue(change(`usmf/${stamp}`, stamp)));
    }
    await Promise.all(writes);
    expect(await first.ledger.get("warehouses", "usmf/1")).toMatchObject({ fsStamp: 20, scmStamp: 19 });
    expect(await second.inventory.liveStats("on-hand")).toMatchObject({ received: 20, changed: 20 });
    expect(await second.inventory.eventStamp("on-hand", "usmf/1/X")).toBe(20);
    const sequences = (await second.queue.pending()).map((queued) => queued.sequence);
    expect(new Set(sequences).size).toBe(20);
  });

  it("the replay lease: one holder at a time, renewed by its holder, free once released, and taken over once expired", async () => {
    const hostStore = await opener.open();
    const cliStore = await opener.open();
    const host = hostStore.lease("host");
    const cli = cliStore.lease("cli");
    expect(await host.acquire()).toBe(true);
    expect(await cli.acquire()).toBe(false);
    expect(await cli.currentHolder()).toBe("host");
    expect(await host.acquire()).toBe(true);
    await host.release();
    expect(await host.currentHolder()).toBeUndefined();
    expect(await cli.acquire()).toBe(true);
    expect(await host.acquire()).toBe(false);
    // The holder dies (never renews): once its lease runs out, another takes it over.
    let taken = false;
    const giveUpAt = Date.now() + opener.leaseMs * 4;
    while (!taken && Date.now() < giveUpAt) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      taken = await host.acquire();
    }
    expect(taken).toBe(true);
    expect(await cli.currentHolder()).toBe("host");
  });

  it("initial sync: runs, finished rows with their ledger outcomes, errors, resume and status", async () => {
    const store = await opener.open();
    const run = await store.initial.start(["warehouses", "ship-vias"], "fs-to-scm", "fs");
    expect(await store.initial.unfinished(["warehouses", "ship-vias"], "fs-to-scm")).toMatchObject({
      id: run.id,
      status: "running",
    });
    expect(await store.initial.unfinished(["warehouses"], "fs-to-scm")).toBeUndefined();
    await store.initial.recordBatch(
      run.id,
      "warehouses",
      1,
      [
        { rowKey: "usmf/1", outcome: "created" },
        { rowKey: "usmf/2", outcome: "unchanged" },
        { rowKey: "usmf/3", outcome: "failed", error: "no site" },
      ],
      [{ map: "warehouses", rowKey: "usmf/1", status: "synced", fsStamp: 9 }],
    );
    await store.initial.recordBatch(run.id, "warehouses", 2, [{ rowKey: "usmf/1", outcome: "written-back" }]);
    expect(await store.ledger.get("warehouses", "usmf/1")).toMatchObject({ fsStamp: 9 });
    expect([...(await store.initial.finishedRows(run.id, "warehouses", 1))].sort()).toEqual([
      "usmf/1",
      "usmf/2",
      "usmf/3",
    ]);
    expect(await store.initial.finishedCount(run.id)).toBe(4);
    expect((await store.initial.outcomes(run.id)).get("warehouses")).toEqual({
      created: 1,
      updated: 0,
      "written-back": 0,
      unchanged: 1,
      failed: 1,
    });
    expect(await store.initial.errors(run.id)).toEqual([
      { map: "warehouses", pass: 1, rowKey: "usmf/3", message: "no site" },
    ]);
    expect(await store.initial.discardIfEmpty(run.id)).toBe(false);
    await store.initial.markResumed(run.id);
    expect(await store.initial.lastRunOf("ship-vias")).toMatchObject({ id: run.id, rows: 0, errors: 0 });
    expect(await store.initial.lastRunOf("warehouses")).toMatchObject({ id: run.id, rows: 3, errors: 1 });
    await store.initial.finish(run.id);
    expect(await store.initial.unfinished(["warehouses", "ship-vias"], "fs-to-scm")).toBeUndefined();
    const empty = await store.initial.start(["warehouses"], "scm-to-fs", "scm");
    expect(empty.id).toBeGreaterThan(run.id);
    expect(await store.initial.discardIfEmpty(empty.id)).toBe(true);
    expect(await store.initial.lastRunOf("warehouses")).toMatchObject({ id: run.id, status: "finished" });
  });

  it("remembers SCM row ids by entity", async () => {
    const store = await opener.open();
    await store.rowIds.remember("Warehouses", "ABC-1", { dataAreaId: "usmf", WarehouseId: "11" });
    expect(await store.rowIds.keyOf("Warehouses", "abc-1")).toEqual({ dataAreaId: "usmf", WarehouseId: "11" });
    expect(await store.rowIds.keyOf("Sites", "abc-1")).toBeUndefined();
  });

  it("inventory state: checkpoints only move forward, runs newest first, pending rows, event stamps, live counts", async () => {
    const store = await opener.open();
    const inventory = store.inventory;
    expect(await inventory.checkpoint("on-hand")).toBe(0);
    await inventory.advanceCheckpoint("on-hand", 9_000_000_000);
    await inventory.advanceCheckpoint("on-hand", 5);
    expect(await inventory.checkpoint("on-hand")).toBe(9_000_000_000);
    await inventory.resetCheckpoint("on-hand");
    expect(await inventory.checkpoint("on-hand")).toBe(0);
    const first = await inventory.startRun("on-hand", 0);
    await inventory.finishRun(first, {
      status: "partial",
      read: 3,
      changed: 1,
      unchanged: 1,
      filtered: 0,
      failed: 1,
      checkpointTo: 42,
      errors: [{ rowKey: "a", message: "bad" }],
    });
    const second = await inventory.startRun("on-hand", 42);
    await inventory.startRun("projects", 0);
    expect(await inventory.lastRun("on-hand")).toMatchObject({
      id: second,
      status: "running",
      checkpointFrom: 42,
      checkpointTo: null,
      finishedAt: null,
    });
    expect((await inventory.recentRuns("on-hand")).map((run) => [run.id, run.status])).toEqual([
      [second, "running"],
      [first, "partial"],
    ]);
    expect((await inventory.recentRuns("on-hand"))[1]).toMatchObject({
      read: 3,
      failed: 1,
      checkpointTo: 42,
      errors: [{ rowKey: "a", message: "bad" }],
    });
    await inventory.rememberFailure("on-hand", "usmf/1", { item: "A" }, "first");
    await inventory.rememberFailure("on-hand", "usmf/1", { item: "A" }, "second");
    expect(await inventory.pendingRows("on-hand")).toEqual([
      { rowKey: "usmf/1", key: { item: "A" }, lastError: "second", attempts: 2 },
    ]);
    expect(await inventory.pendingCount("on-hand")).toBe(1);
    await inventory.forgetFailure("on-hand", "usmf/1");
    expect(await inventory.pendingCount("on-hand")).toBe(0);
    await inventory.recordEventStamp("on-hand", "usmf/1", 7);
    await inventory.recordEventStamp("on-hand", "usmf/1", 3);
    expect(await inventory.eventStamp("on-hand", "usmf/1")).toBe(7);
    expect(await inventory.eventStamp("on-hand", "usmf/2")).toBeUndefined();
    await inventory.recordLive("on-hand", "changed");
    await inventory.recordLive("on-hand", "failed", "SCM refused");
    await inventory.recordLive("on-hand", "skipped");
    expect(await inventory.liveStats("on-hand")).toMatchObject({
      received: 3,
      changed: 1,
      failed: 1,
      skipped: 1,
      unchanged: 0,
      lastError: "SCM refused",
    });
    expect(await inventory.liveStats("projects")).toBeUndefined();
  });
});
