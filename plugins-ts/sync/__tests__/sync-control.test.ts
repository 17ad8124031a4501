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
import type { RowSyncStatus } from "../sync-ledger";

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
  it("migrates a new file once even when both open it, and a pause by one is seen by the other", async () => {
    const path = join(dir, "state.db");
    const host = openSyncState(path);
    const cli = openSyncState(path);
    expect(await cli.mapStates.pause("warehouses")).toBe("running");
    expect(await host.mapStates.isPaused("warehouses")).toBe(true);
    expect(await host.mapStates.isPaused("ship-vias")).toBe(false);
    expect(await cli.mapStates.pause("warehouses")).toBe("paused");
    expect(await cli.mapStates.resume("warehouses")).toBe("paused");
    expect(await host.mapStates.get("warehouses")).toMatchObject({ state: "running" });
    await host.close();
    await cli.close();
    // Reopening an up-to-date file runs no migration again.
    expect(() => openSyncDatabase(path).close()).not.toThrow();
  });
});

describe("ChangeQueue: what replays may take", () => {
  it("leaves a paused map's changes alone, and takes them in order once it runs", async () => {
    const db = openSyncDatabase(":memory:");
    const queue = new ChangeQueue(db);
    const states = new SyncMapStates(db);
    await states.pause("warehouses");
    await queue.enqueue(change("usmf/1", 1));
    await queue.enqueue({ ...change("usmf/AIR", 2, "ship-vias"), reason: "unavailable" });
    await queue.enqueue(change("usmf/1", 3));
    expect((await queue.replayable({ dueOnly: false })).map((queued) => queued.payload)).toEqual([{ n: 2 }]);
    await states.resume("warehouses");
    expect((await queue.replayable({ dueOnly: false, map: "warehouses" })).map((queued) => queued.payload)).toEqual([
      { n: 1 },
      { n: 3 },
    ]);
    expect(await queue.depth({ map: "warehouses" })).toBe(2);
  });

  it("holds a refused change on the catch-up list with the row's later changes behind it, until released", async () => {
    const queue = new ChangeQueue(openSyncDatabase(":memory:"));
    const refused = await queue.enqueue(change("usmf/1", 1));
    await queue.enqueue(change("usmf/1", 2));
    await queue.enqueue(change("usmf/2", 3));
    await queue.hold(refused.sequence, "SCM refused: name taken");
    expect(await queue.held()).toEqual([
      expect.objectContaining({
        sequence: refused.sequence,
        held: true,
        attempts: 1,
        lastError: "SCM refused: name taken",
      }),
    ]);
    expect((await queue.replayable({ dueOnly: false })).map((queued) => queued.payload)).toEqual([{ n: 3 }]);
    expect(await queue.pending()).toHaveLength(3);
    expect(await queue.hasQueued("warehouses", "fs-to-scm", "usmf/1")).toBe(true);

    expect(await queue.release({ map: "ship-vias" })).toBe(0);
    expect(await queue.release({ map: "warehouses" })).toBe(1);
    expect((await queue.replayable({ dueOnly: true })).map((queued) => queued.payload)).toEqual([{ n: 1 }]);
    expect((await queue.replayable({ dueOnly: false })).map((queued) => queued.payload)).toEqual([
      { n: 1 },
      { n: 2 },
      { n: 3 },
    ]);
  });
});

describe("ReplayLease", () => {
  it("lets one holder at a time replay, renews for its holder, and frees on release or expiry", async () => {
    let now = 1_000_000;
    const db = openSyncDatabase(":memory:");
    const host = new ReplayLease(db, "host", () => now, 30_000);
    const cli = new ReplayLease(db, "cli", () => now, 30_000);
    expect(await host.acquire()).toBe(true);
    expect(await cli.acquire()).toBe(false);
    expect(await cli.currentHolder()).toBe("host");
    now += 20_000;
    expect(await host.acquire()).toBe(true);
    now += 20_000;
    expect(await cli.acquire()).toBe(false);
    await host.release();
    expect(await cli.acquire()).toBe(true);
    // A holder that died: its lease runs out.
    now += 30_001;
    expect(await host.acquire()).toBe(true);
    await cli.release();
    expect(await host.currentHolder()).toBe("host");
  });
});

describe("InitialSyncStore", () => {
  it("finds the unfinished run of the same maps and direction, with its finished rows and every error", async () => {
    const store = new InitialSyncStore(openSyncDatabase(":memory:"));
    const run = await store.start(["operational-sites", "warehouses"], "fs-to-scm", "fs");
    await store.recordBatch(run.id, "warehouses", 1, [
      { rowKey: "usmf/1", outcome: "created" },
      { rowKey: "usmf/2", outcome: "failed", error: "SCM refused" },
    ]);
    await store.recordBatch(run.id, "warehouses", 2, [{ rowKey: "usmf/1", outcome: "updated" }]);
    expect(await store.unfinished(["operational-sites", "warehouses"], "scm-to-fs")).toBeUndefined();
    expect(await store.unfinished(["warehouses"], "fs-to-scm")).toBeUndefined();
    expect((await store.unfinished(["operational-sites", "warehouses"], "fs-to-scm"))?.id).toBe(run.id);
    expect([...(await store.finishedRows(run.id, "warehouses", 1))].sort()).toEqual(["usmf/1", "usmf/2"]);
    expect(await store.finishedCount(run.id)).toBe(3);
    expect(await store.errors(run.id)).toEqual([
      { map: "warehouses", pass: 1, rowKey: "usmf/2", message: "SCM refused" },
    ]);
    expect((await store.outcomes(run.id)).get("warehouses")).toEqual({
      created: 1,
      updated: 0,
      "written-back": 0,
      unchanged: 0,
      failed: 1,
    });
    expect(await store.lastRunOf("warehouses")).toMatchObject({ id: run.id, status: "running", rows: 2, errors: 1 });
    await store.finish(run.id);
    expect(await store.unfinished(["operational-sites", "warehouses"], "fs-to-scm")).toBeUndefined();
    expect(await store.lastRunOf("ship-vias")).toBeUndefined();
  });

  it("keeps the batch and the work recorded with it together: both or neither", async () => {
    const db = openSyncDatabase(":memory:");
    const store = new InitialSyncStore(db);
    const run = await store.start(["ship-vias"], "scm-to-fs", "scm");
    // A ledger row the schema refuses fails the whole transaction.
    const failure = await store
      .recordBatch(
        run.id,
        "ship-vias",
        1,
        [{ rowKey: "usmf/AIR", outcome: "created" }],
        [{ map: "ship-vias", rowKey: "usmf/AIR", status: "unknown" as RowSyncStatus }],
      )
      .then(
        () => "recorded",
        (error: unknown) => String(error),
      );
    expect(failure).toMatch(/CHECK constraint/);
    expect(await store.finishedCount(run.id)).toBe(0);
  });
});
