import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChangeQueue } from "../change-queue";
import { openSyncDatabase } from "../sync-database";
import { SyncLedger } from "../sync-ledger";

describe("ChangeQueue", () => {
  it("keeps changes in arrival order and survives a restart of the host (file database)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fsi-queue-"));
    try {
      const path = join(dir, "state.db");
      const first = openSyncDatabase(path);
      const queue = new ChangeQueue(first);
      await queue.enqueue({
        map: "warehouses",
        direction: "scm-to-fs",
        rowKey: "usmf/W1",
        operation: "upsert",
        payload: { n: 1 },
        reason: "dependency",
        waitingFor: ["msdyn_operationalsite usmf/S9"],
      });
      await queue.enqueue({
        map: "warehouses",
        direction: "scm-to-fs",
        rowKey: "usmf/W2",
        operation: "upsert",
        payload: { n: 2 },
        reason: "dependency",
      });
      first.close();

      const reopened = new ChangeQueue(openSyncDatabase(path));
      const pending = await reopened.pending();
      expect(pending.map((change) => change.payload)).toEqual([{ n: 1 }, { n: 2 }]);
      expect(pending[0]?.waitingFor).toEqual(["msdyn_operationalsite usmf/S9"]);
      expect((await reopened.waitingFor("msdyn_operationalsite usmf/S9")).map((change) => change.rowKey)).toEqual([
        "usmf/W1",
      ]);
      expect(await reopened.hasQueued("warehouses", "scm-to-fs", "usmf/W2")).toBe(true);
      expect(await reopened.hasQueued("warehouses", "fs-to-scm", "usmf/W2")).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reschedules a failed replay with growing backoff and keeps its error", async () => {
    let now = new Date("2024-05-01T00:00:00Z");
    const queue = new ChangeQueue(openSyncDatabase(":memory:"), () => now);
    const change = await queue.enqueue({
      map: "ship-vias",
      direction: "fs-to-scm",
      rowKey: "usmf/AIR",
      operation: "upsert",
      payload: {},
      reason: "unavailable",
    });
    expect(await queue.due()).toEqual([]);
    now = new Date("2024-05-01T00:00:06Z");
    expect((await queue.due()).map((due) => due.sequence)).toEqual([change.sequence]);
    await queue.retryLater(change.sequence, "SCM still down");
    const [retried] = await queue.pending();
    expect(retried).toMatchObject({
      attempts: 1,
      lastError: "SCM still down",
      nextAttemptAt: "2024-05-01T00:00:16.000Z",
    });
    expect(await queue.due()).toEqual([]);
    await queue.complete(change.sequence);
    expect(await queue.depth()).toBe(0);
  });
});

describe("SyncLedger", () => {
  it("only ever raises a row's stamps, so a late replay cannot lower them", async () => {
    const ledger = new SyncLedger(openSyncDatabase(":memory:"), () => new Date("2024-05-01T00:00:00Z"));
    await ledger.record({ map: "warehouses", rowKey: "usmf/W1", status: "synced", fsStamp: 10, dataverseId: "ABC" });
    await ledger.record({ map: "warehouses", rowKey: "usmf/W1", status: "synced", fsStamp: 7, scmStamp: 3 });
    expect(await ledger.get("warehouses", "usmf/W1")).toMatchObject({
      fsStamp: 10,
      scmStamp: 3,
      dataverseId: "abc",
      lastSyncedOn: "2024-05-01T00:00:00.000Z",
    });
    await ledger.record({ map: "warehouses", rowKey: "usmf/W1", status: "pending", error: "queued" });
    expect(await ledger.byDataverseId("warehouses", "ABC")).toMatchObject({
      status: "pending",
      lastError: "queued",
      fsStamp: 10,
      lastSyncedOn: "2024-05-01T00:00:00.000Z",
    });
  });
});
