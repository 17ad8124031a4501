/**
 * On-hand sync throughput (rows/s): SCM on-hand for item × warehouse rows (100k by default: 1,000
 * warehouses × 100 items) brought into Field Service product inventory by a batch run of the
 * on-hand map, over HTTP — the SCM emulator, the Dataverse emulator with the sandbox's Field
 * Service emulation (Field Service applies every journal in the journal's transaction), and the
 * inventory engine. The run works in chunks: a few keyed reads
 * in `$batch`, journals and stamps with CreateMultiple / UpdateMultiple (`flows/on-hand-batch.ts`).
 * Three runs:
 * - the first load: every row new to Field Service (product inventory rows and their journals);
 * - an incremental run after 1% of the rows changed in SCM (only those are read);
 * - a full re-read with nothing changed (every row read and compared, no journal written) — the
 *   baseline the other two are compared with.
 * After each run both sides are reconciled (not measured): Field Service's quantities add up to
 * SCM's, and its journals add up to its quantities. Seeding (straight into both emulators' SQLite)
 * is not measured either.
 *
 * Run alone: `npx tsx bench/onhand-sync.bench.ts [rows]` (default 100000; rows are rounded to
 * whole warehouses of 100 items).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { InventoryJournalType, cdmCompany, product, unitOfMeasure, warehouse } from "@fsi/core";
import { createInventoryEngine } from "@fsi/plugins/inventory";
import { createLogger, memorySink } from "@fsi/plugins/services/logger";
import { startDataverseServer } from "@fsi/sandbox/dataverse";
import { fieldServicePlugins } from "@fsi/sandbox/fieldservice";
import { closeServer, listen } from "@fsi/sandbox/http";
import { createScmEmulator } from "@fsi/sandbox/scm";

export interface OnHandSyncThroughputRow {
  readonly run: string;
  /** On-hand rows in SCM. */
  readonly tableRows: number;
  /** Rows the run read and compared. */
  readonly rowsRead: number;
  /** Inventory journals the run wrote. */
  readonly journals: number;
  readonly seconds: number;
  /**
   * CPU seconds the bench's process spent in the run (emulators, engine and HTTP on both sides):
   * on a shared machine a steadier figure than the wall clock.
   */
  readonly cpuSeconds: number;
  readonly rowsPerSecond: number;
  readonly baseline: string;
  /** rows/s over the baseline's rows/s. */
  readonly ratioToBaseline: number;
}

const BASELINE = "full re-read, nothing changed";

const ITEMS_PER_WAREHOUSE = 100;
const INTEGRATION = {
  id: "a0000000-0000-4000-8000-0000000000f5",
  fullname: "FSI Integration",
  domainname: "fsi@contoso.test",
};
const guid = (prefix: number, index: number) =>
  `${String(prefix).padStart(8, "0")}-0000-4000-8000-${String(index).padStart(12, "0")}`;

/** Deterministic quantities: most rows on hand only, some reserved, some on order (as the seed). */
function quantities(index: number): { physical: number; reserved: number; ordered: number } {
  const physical = 1 + ((index * 7919) % 200);
  return {
    physical,
    reserved: index % 5 === 0 ? Math.floor(physical / 10) : 0,
    ordered: index % 4 === 0 ? 10 * (1 + (index % 10)) : 0,
  };
}

/** `report` hears each run's progress (the first load of 100k rows takes minutes). */
export async function onHandSyncThroughput(
  rows = 100_000,
  report: (line: string) => void = () => undefined,
): Promise<OnHandSyncThroughputRow[]> {
  const warehouses = Math.max(1, Math.round(rows / ITEMS_PER_WAREHOUSE));
  const total = warehouses * ITEMS_PER_WAREHOUSE;
  const folder = mkdtempSync(path.join(os.tmpdir(), "fsi-onhand-bench-"));
  const scm = createScmEmulator({ database: path.join(folder, "scm.sqlite"), seed: false });
  const scmServer: Server = createServer((req, res) => void scm.handle(req, res));
  const scmUrl = `${await listen(scmServer, 0)}/scm`;
  // Field Service's own journal processing, as an org with Field Service runs it (the sandbox's emulation).
  const dataverse = await startDataverseServer({
    databasePath: path.join(folder, "dataverse.sqlite"),
    users: [INTEGRATION],
    tokens: { bench: INTEGRATION.id },
    platformPlugins: fieldServicePlugins(),
  });
  const engine = createInventoryEngine({
    dataverse: { url: dataverse.url, accessToken: () => Promise.resolve("bench") },
    scm: { url: scmUrl, timeoutMs: 60_000 },
    integration: {
      integrationUserId: INTEGRATION.id,
      echoTag: "fsi-integration",
      scmIntegrationUser: "FSI-Integration",
    },
    settings: { maps: { "on-hand": { mode: "batch" } } },
    statePath: path.join(folder, "inventory.sqlite"),
    log: createLogger(memorySink(), "warn"),
  });
  try {
    seedDataverse(dataverse.emulator.store, warehouses);
    seedScm(scm.db, warehouses);

    const journals = (): number =>
      Number(dataverse.emulator.store.writer.prepare("SELECT COUNT(*) AS n FROM msdyn_inventoryjournal").pluck().get());
    const measure = async (
      run: string,
      options: { full?: boolean },
    ): Promise<Omit<OnHandSyncThroughputRow, "baseline" | "ratioToBaseline">> => {
      const before = journals();
      const cpu = process.cpuUsage();
      const start = performance.now();
      let reported = 0;
      const record = await engine.runBatch("on-hand", {
        ...options,
        onProgress: (progress) => {
          const total = progress.total ?? 0;
          if (total > 0 && (progress.read - reported >= total / 10 || progress.phase === "done")) {
            reported = progress.read;
            report(`${run}: ${progress.read}/${total} rows, ${Math.round((performance.now() - start) / 1000)} s`);
          }
        },
      });
      const seconds = (performance.now() - start) / 1000;
      const used = process.cpuUsage(cpu);
      if (record.status !== "succeeded")
        throw new Error(
          `${run}: the run ${record.status}: ${record.error ?? JSON.stringify(record.errors.slice(0, 3))}`,
        );
      reconcile(run, scm.db, dataverse.emulator.store);
      return {
        run,
        tableRows: total,
        rowsRead: record.read,
        journals: journals() - before,
        seconds: Number(seconds.toFixed(2)),
        cpuSeconds: Number(((used.user + used.system) / 1e6).toFixed(2)),
        rowsPerSecond: Math.round(record.read / seconds),
      };
    };

    const runs = [await measure("first load (every row new to Field Service)", {})];
    changeOnePercent(scm.db, total);
    runs.push(await measure("incremental (1% of rows changed in SCM)", {}));
    runs.push(await measure(BASELINE, { full: true }));
    const baseline = runs[2]?.rowsPerSecond ?? 1;
    return runs.map((row) => ({
      ...row,
      baseline: BASELINE,
      ratioToBaseline: Number((row.rowsPerSecond / baseline).toFixed(3)),
    }));
  } finally {
    await engine.close();
    await dataverse.close();
    await closeServer(scmServer);
    await scm.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

type Store = Awaited<ReturnType<typeof startDataverseServer>>["emulator"]["store"];

function seedDataverse(store: Store, warehouses: number): void {
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  const system = () => ({
    createdon: now,
    modifiedon: now,
    versionnumber: store.nextVersion(),
    statecode: 0,
    statuscode: 1,
  });
  const company = guid(1, 1);
  const unit = guid(2, 1);
  store.begin();
  store.insertRow(cdmCompany, {
    cdm_companyid: company,
    cdm_name: "Contoso USA",
    cdm_companycode: "usmf",
    ...system(),
  });
  store.insertRow(unitOfMeasure, { uomid: unit, name: "ea", quantity: 1, ...system() });
  for (let item = 0; item < ITEMS_PER_WAREHOUSE; item++) {
    store.insertRow(product, {
      productid: guid(3, item),
      name: `Item ${item}`,
      productnumber: `I${String(item).padStart(5, "0")}`,
      defaultuomid: { id: unit, logicalName: "uom" },
      ...system(),
    });
  }
  for (let index = 0; index < warehouses; index++) {
    store.insertRow(warehouse, {
      msdyn_warehouseid: guid(4, index),
      msdyn_name: `Warehouse ${index}`,
      msdyn_warehouseidentifier: `W${index}`,
      msdyn_company: { id: company, logicalName: "cdm_company" },
      ...system(),
    });
  }
  store.commit();
}

function seedScm(db: ReturnType<typeof createScmEmulator>["db"], warehouses: number): void {
  const insert = db.prepare(
    `INSERT INTO "InventoryOnHand" (dataAreaId, ItemNumber, WarehouseId, PhysicalInventory, ReservedPhysical, AvailablePhysical, OrderedQuantity, InventoryUnitSymbol, SysRowVersion)
     VALUES ('usmf', ?, ?, ?, ?, ?, ?, 'ea', ?)`,
  );
  db.transaction(() => {
    let version = 0;
    for (let index = 0; index < warehouses; index++) {
      for (let item = 0; item < ITEMS_PER_WAREHOUSE; item++) {
        version += 1;
        const { physical, reserved, ordered } = quantities(version);
        insert.run(
          `I${String(item).padStart(5, "0")}`,
          `W${index}`,
          physical,
          reserved,
          physical - reserved,
          ordered,
          version,
        );
      }
    }
    db.prepare(
      "INSERT INTO _sequence (name, value) VALUES ('SysRowVersion', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    ).run(version);
  })();
}

/**
 * Both sides agree after a run: Field Service's quantities add up to SCM's (every row carried, none
 * twice), and the journals add up to Field Service's quantities (the history explains them).
 */
function reconcile(run: string, scm: ReturnType<typeof createScmEmulator>["db"], store: Store): void {
  const scmSums = scm
    .prepare(
      `SELECT COUNT(*) AS n, SUM(PhysicalInventory) AS onHand, SUM(ReservedPhysical) AS allocated, SUM(OrderedQuantity) AS onOrder FROM "InventoryOnHand"`,
    )
    .get() as Record<string, number>;
  const fsSums = store.writer
    .prepare(
      "SELECT COUNT(*) AS n, SUM(msdyn_qtyonhand) AS onHand, SUM(msdyn_qtyallocated) AS allocated, SUM(msdyn_qtyonorder) AS onOrder FROM msdyn_productinventory",
    )
    .get() as Record<string, number>;
  const journalSums = store.writer
    .prepare(
      `SELECT COUNT(*) AS n, SUM(CASE msdyn_journaltype WHEN ${InventoryJournalType.OnHand} THEN msdyn_quantity ELSE 0 END) AS onHand,
              SUM(CASE msdyn_journaltype WHEN ${InventoryJournalType.Allocated} THEN msdyn_quantity ELSE 0 END) AS allocated,
              SUM(CASE msdyn_journaltype WHEN ${InventoryJournalType.OnOrder} THEN msdyn_quantity ELSE 0 END) AS onOrder
         FROM msdyn_inventoryjournal`,
    )
    .get() as Record<string, number>;
  for (const quantity of ["onHand", "allocated", "onOrder"]) {
    const [inScm, inFs, journaled] = [scmSums[quantity] ?? 0, fsSums[quantity] ?? 0, journalSums[quantity] ?? 0].map(
      (value) => Math.round(value * 100) / 100,
    );
    if (inScm !== inFs || inFs !== journaled || scmSums.n !== fsSums.n) {
      throw new Error(
        `${run}: ${quantity} does not reconcile: SCM ${inScm} (${scmSums.n} rows), Field Service ${inFs} (${fsSums.n} rows), journals ${journaled}`,
      );
    }
  }
}

/** Every hundredth row gets new quantities and a new row version, as SCM's writes would give it. */
function changeOnePercent(db: ReturnType<typeof createScmEmulator>["db"], total: number): void {
  db.transaction(() => {
    let version = Number(db.prepare("SELECT value FROM _sequence WHERE name = 'SysRowVersion'").pluck().get());
    const update = db.prepare(
      `UPDATE "InventoryOnHand" SET PhysicalInventory = PhysicalInventory + 3, AvailablePhysical = AvailablePhysical + 3, SysRowVersion = ? WHERE rowid = ?`,
    );
    for (let row = 1; row <= total; row += 100) update.run((version += 1), row);
    db.prepare("UPDATE _sequence SET value = ? WHERE name = 'SysRowVersion'").run(version);
  })();
}

if (require.main === module) {
  const requested = Number(process.argv[2] ?? 100_000);
  onHandSyncThroughput(Number.isSafeInteger(requested) && requested > 0 ? requested : 100_000, (line) => {
    console.error(line);
  }).then(
    (rows) => {
      console.table(
        rows.map((row) => ({
          run: row.run,
          "SCM rows": row.tableRows,
          "rows read": row.rowsRead,
          journals: row.journals,
          seconds: row.seconds,
          "CPU s": row.cpuSeconds,
          "rows/s": row.rowsPerSecond,
          "× re-read": row.ratioToBaseline,
        })),
      );
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
