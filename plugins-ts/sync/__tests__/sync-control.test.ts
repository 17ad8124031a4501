/**
 * The state the sync CLI and the plug-in host share through one SQLite file: map states, the
 * catch-up list and what replays may take, the replay lease, the initial sync's checkpoint.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChangeQueue, type NewChange } from "../change-queue";
import { InitialSyncStore } from "../initial-sync-store";
import { SyncMapStates } from "../map-states";
import { ReplayLease } from "../replay-lease";
import { openSyncDatabase } from "../sync-database";
import { openSyncState } from "../sync-state";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "fsi-sync-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const change = (rowKey: string, n: number, map = "warehouses"): NewChange => ({
  map,
  direction: "fs-to-scm",
  rowKey,
  operation: "upsert",
  payload: { n },
  reason: "paused",
});

describe("two processes on one state file", () => {
  it("migrates a new file once even when both open it, and a pause by one is seen by the other", () => {
    const path = join(dir, "state.db");
    const host = openSyncState(path);
    const cli = openSyncState(path);
    expect(cli.mapStates.pause("warehouses")).toBe("running");
    expect(host.mapStates.isPaused("warehouses")).toBe(true);
    expect(host.mapStates.isPaused("ship-vias")).toBe(false);
    expect(cli.mapStates.pause("warehouses")).toBe("paused");
    expect(cli.mapStates.resume("warehouses")).toBe("paused");
    expect(host.mapStates.get("warehouses")).toMatchObject({ state: "running" });
    host.close();
    cli.close();
    // Reopening an up-to-date file runs no migration again.
    expect(() => openSyncDatabase(path).close()).not.toThrow();
  });
});

describe("ChangeQueue: what replays may take", () => {
  it("leaves a paused map's changes alone, and takes them in order once it runs", () => {
    const db = openSyncDatabase(":memory:");
    const queue = new ChangeQueue(db);
    const states = new SyncMapStates(db);
    states.pause("warehouses");
    queue.enqueue(change("usmf/1", 1));
    queue.enqueue({ ...change("usmf/AIR", 2, "ship-vias"), reason: "unavailable" });
    queue.enqueue(change("usmf/1", 3));
    expect(queue.replayable({ dueOnly: false }).map((queued) => queued.payload)).toEqual([{ n: 2 }]);
    states.resume("warehouses");
    expect(queue.replayable({ dueOnly: false, map: "warehouses" }).map((queued) => queued.payload)).toEqual([
      { n: 1 },
      { n: 3 },
    ]);
    expect(queue.depth({ map: "warehouses" })).toBe(2);
  });

  it("holds a refused change on the catch-up list with the row's later changes behind it, until released", () => {
    const queue = new ChangeQueue(openSyncDatabase(":memory:"));
    const refused = queue.enqueue(change("usmf/1", 1));
    queue.enqueue(change("usmf/1", 2));
    queue.enqueue(change("usmf/2", 3));
    queue.hold(refused.sequence, "SCM refused: name taken");
    expect(queue.held()).toEqual([
      expect.objectContaining({
        sequence: refused.sequence,
        held: true,
        attempts: 1,
        lastError: "SCM refused: name taken",
      }),
    ]);
    expect(queue.replayable({ dueOnly: false }).map((queued) => queued.payload)).toEqual([{ n: 3 }]);
    expect(queue.pending()).toHaveLength(3);
    expect(queue.hasQueued("warehouses", "fs-to-scm", "usmf/1")).toBe(true);

    expect(queue.release({ map: "ship-vias" })).toBe(0);
    expect(queue.release({ map: "warehouses" })).toBe(1);
    expect(queue.replayable({ dueOnly: true }).map((queued) => queued.payload)).toEqual([{ n: 1 }]);
    expect(queue.replayable({ dueOnly: false }).map((queued) => queued.payload)).toEqual([
      { n: 1 },
      { n: 2 },
      { n: 3 },
    ]);
  });
});

describe("ReplayLease", () => {
  it("lets one holder at a time replay, renews for its holder, and frees on release or expiry", () => {
    let now = 1_000_000;
    const db = openSyncDatabase(":memory:");
    const host = new ReplayLease(db, "host", () => now, 30_000);
    const cli = new ReplayLease(db, "cli", () => now, 30_000);
    expect(host.acquire()).toBe(true);
    expect(cli.acquire()).toBe(false);
    expect(cli.currentHolder()).toBe("host");
    now += 20_000;
    expect(host.acquire()).toBe(true);
    now += 20_000;
    expect(cli.acquire()).toBe(false);
    host.release();
    expect(cli.acquire()).toBe(true);
    // A holder that died: its lease runs out.
    now += 30_001;
    expect(host.acquire()).toBe(true);
    cli.release();
    expect(host.currentHolder()).toBe("host");
  });
});

describe("InitialSyncStore", () => {
  it("finds the unfinished run of the same maps and direction, with its finished rows and every error", () => {
    const store = new InitialSyncStore(openSyncDatabase(":memory:"));
    const run = store.start(["operational-sites", "warehouses"], "fs-to-scm", "fs");
    store.recordBatch(run.id, "warehouses", 1, [
      { rowKey: "usmf/1", outcome: "created" },
      { rowKey: "usmf/2", outcome: "failed", error: "SCM refused" },
    ]);
    store.recordBatch(run.id, "warehouses", 2, [{ rowKey: "usmf/1", outcome: "updated" }]);
    expect(store.unfinished(["operational-sites", "warehouses"], "scm-to-fs")).toBeUndefined();
    expect(store.unfinished(["warehouses"], "fs-to-scm")).toBeUndefined();
    expect(store.unfinished(["operational-sites", "warehouses"], "fs-to-scm")?.id).toBe(run.id);
    expect([...store.finishedRows(run.id, "warehouses", 1)].sort()).toEqual(["usmf/1", "usmf/2"]);
    expect(store.finishedCount(run.id)).toBe(3);
    expect(store.errors(run.id)).toEqual([{ map: "warehouses", pass: 1, rowKey: "usmf/2", message: "SCM refused" }]);
    expect(store.outcomes(run.id).get("warehouses")).toEqual({
      created: 1,
      updated: 0,
      "written-back": 0,
      unchanged: 0,
      failed: 1,
    });
    expect(store.lastRunOf("warehouses")).toMatchObject({ id: run.id, status: "running", rows: 2, errors: 1 });
    store.finish(run.id);
    expect(store.unfinished(["operational-sites", "warehouses"], "fs-to-scm")).toBeUndefined();
    expect(store.lastRunOf("ship-vias")).toBeUndefined();
  });

  it("keeps the batch and the work recorded with it together: both or neither", () => {
    const db = openSyncDatabase(":memory:");
    const store = new InitialSyncStore(db);
    const run = store.start(["ship-vias"], "scm-to-fs", "scm");
    expect(() => {
      store.recordBatch(run.id, "ship-vias", 1, [{ rowKey: "usmf/AIR", outcome: "created" }], () => {
        throw new Error("ledger write failed");
      });
    }).toThrow("ledger write failed");
    expect(store.finishedCount(run.id)).toBe(0);
  });
});
