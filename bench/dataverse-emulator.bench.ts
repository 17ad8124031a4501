/**
 * Throughput of the Dataverse Web API emulator over HTTP with 10k and 100k warehouses in the table:
 * creates (POST through the pipeline), the nearby-warehouses query (bounding box in a company,
 * `$top=50`) and a full read paged by 5000 rows. Each is compared with a baseline measured in the
 * same run: the same work done directly on SQLite (better-sqlite3), so the ratio is the cost of
 * HTTP, OData and the pipeline. The creates are also compared with the HTTP ceiling: the same
 * client posting the same bodies to a `node:http` handler that only reads and parses them, so the
 * share of a create that is HTTP (client and server, in this one process) is measured too.
 *
 * Run alone: `npx tsx bench/dataverse-emulator.bench.ts` (sizes: `... 10000 100000`).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { cdmCompany, warehouse } from "../core";
import { createServer } from "node:http";
import { startDataverseServer, type DataverseServer } from "../sandbox/dataverse";
import { closeServer, listen } from "../sandbox/http";

export interface EmulatorThroughputRow {
  readonly operation: string;
  /** Rows in the warehouse table while measuring. */
  readonly tableRows: number;
  readonly measured: number;
  readonly unit: "requests/s" | "rows/s";
  readonly perSecond: number;
  readonly baseline: string;
  readonly baselinePerSecond: number;
  /** Emulator throughput divided by the baseline's. */
  readonly ratioToBaseline: number;
}

const COMPANIES = 10;
const CREATES = 1000;
const QUERIES = 300;
const HEADERS = { authorization: "Bearer bench", "content-type": "application/json" };

/** A deterministic spread of coordinates, so every run queries the same rows. */
function coordinates(index: number): { latitude: number; longitude: number } {
  const latitude = ((index * 7919) % 18000) / 100 - 90;
  const longitude = ((index * 104729) % 36000) / 100 - 180;
  return { latitude: Math.round(latitude * 1e5) / 1e5, longitude: Math.round(longitude * 1e5) / 1e5 };
}

function seed(server: DataverseServer, rows: number): string[] {
  const { store } = server.emulator;
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  const companies: string[] = [];
  store.begin();
  for (let c = 0; c < COMPANIES; c++) {
    const id = `00000000-0000-4000-8000-${String(c).padStart(12, "0")}`;
    companies.push(id);
    store.insertRow(cdmCompany, {
      cdm_companyid: id,
      cdm_name: `Company ${c}`,
      cdm_companycode: `c${c}`,
      createdon: now,
      modifiedon: now,
      versionnumber: store.nextVersion(),
      statecode: 0,
      statuscode: 1,
    });
  }
  for (let i = 0; i < rows; i++) {
    const { latitude, longitude } = coordinates(i);
    store.insertRow(warehouse, {
      msdyn_warehouseid: `10000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
      msdyn_name: `Warehouse ${i}`,
      msdyn_warehouseidentifier: `W${i}`,
      msdyn_company: { id: companies[i % COMPANIES] ?? "", logicalName: "cdm_company" },
      msdyn_primaryaddresslatitude: latitude,
      msdyn_primaryaddresslongitude: longitude,
      createdon: now,
      modifiedon: now,
      versionnumber: store.nextVersion(),
      statecode: 0,
      statuscode: 1,
    });
  }
  store.commit();
  return companies;
}

async function timed(work: () => Promise<void> | void): Promise<number> {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1000;
}

/** Runs `count` async tasks, `concurrency` at a time. */
async function pool(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let index = next++; index < count; index = next++) await task(index);
    }),
  );
}

async function expectOk(response: Response, what: string): Promise<string> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what} failed with HTTP ${response.status}: ${text}`);
  return text;
}

function row(
  operation: string,
  tableRows: number,
  measured: number,
  unit: EmulatorThroughputRow["unit"],
  seconds: number,
  baseline: string,
  baselineSeconds: number,
): EmulatorThroughputRow {
  const perSecond = measured / seconds;
  const baselinePerSecond = measured / baselineSeconds;
  return {
    operation,
    tableRows,
    measured,
    unit,
    perSecond: Math.round(perSecond),
    baseline,
    baselinePerSecond: Math.round(baselinePerSecond),
    ratioToBaseline: Number((perSecond / baselinePerSecond).toFixed(3)),
  };
}

async function measureSize(tableRows: number, folder: string): Promise<EmulatorThroughputRow[]> {
  const server = await startDataverseServer({ databasePath: path.join(folder, `bench-${tableRows}.sqlite`) });
  try {
    const companies = seed(server, tableRows);
    const db = server.emulator.store.writer;
    const company = companies[3] ?? "";
    const query = `_msdyn_company_value eq ${company} and msdyn_primaryaddresslatitude ge 10 and msdyn_primaryaddresslatitude le 40`;
    const queryUrl = `${server.apiUrl}msdyn_warehouses?$select=msdyn_name,msdyn_primaryaddresslatitude,msdyn_primaryaddresslongitude&$filter=${encodeURIComponent(query)}&$top=50`;
    const rawQuery = db.prepare(
      `SELECT msdyn_warehouseid, versionnumber, msdyn_name, msdyn_primaryaddresslatitude, msdyn_primaryaddresslongitude FROM msdyn_warehouse
        WHERE _msdyn_company_value = ? AND msdyn_primaryaddresslatitude >= 10 AND msdyn_primaryaddresslatitude <= 40 ORDER BY msdyn_warehouseid LIMIT 50`,
    );
    await expectOk(await fetch(queryUrl, { headers: HEADERS }), "warm-up query");

    const querySeconds = await timed(() =>
      pool(QUERIES, 4, async () => void (await expectOk(await fetch(queryUrl, { headers: HEADERS }), "query"))),
    );
    const rawQuerySeconds = await timed(() => {
      for (let i = 0; i < QUERIES; i++) JSON.stringify({ value: rawQuery.all(company) });
    });

    let pagedRows = 0;
    const pagedSeconds = await timed(async () => {
      let url: string | undefined =
        `${server.apiUrl}msdyn_warehouses?$select=msdyn_name,msdyn_warehouseidentifier,_msdyn_company_value`;
      while (url !== undefined) {
        const body = JSON.parse(
          await expectOk(await fetch(url, { headers: { ...HEADERS, prefer: "odata.maxpagesize=5000" } }), "paged read"),
        ) as {
          value: unknown[];
          "@odata.nextLink"?: string;
        };
        pagedRows += body.value.length;
        url = body["@odata.nextLink"];
      }
    });
    const rawAll = db.prepare(
      "SELECT msdyn_warehouseid, versionnumber, msdyn_name, msdyn_warehouseidentifier, _msdyn_company_value FROM msdyn_warehouse ORDER BY msdyn_warehouseid",
    );
    const rawPagedSeconds = await timed(() => {
      JSON.stringify({ value: rawAll.all() });
    });

    const createSeconds = await timed(() =>
      pool(CREATES, 4, async (index) => {
        const body = JSON.stringify({
          msdyn_name: `Created ${index}`,
          msdyn_warehouseidentifier: `C${index}`,
          "msdyn_company@odata.bind": `/cdm_companies(${companies[index % COMPANIES] ?? ""})`,
          msdyn_primaryaddresslatitude: coordinates(index).latitude,
        });
        await expectOk(
          await fetch(`${server.apiUrl}msdyn_warehouses`, { method: "POST", headers: HEADERS, body }),
          "create",
        );
      }),
    );
    const ceilingSeconds = await httpCeiling(companies);
    const rawInsert = db.prepare(
      `INSERT INTO msdyn_warehouse (msdyn_warehouseid, msdyn_name, msdyn_warehouseidentifier, _msdyn_company_value, _msdyn_company_logicalname, msdyn_primaryaddresslatitude, versionnumber)
       VALUES (?, ?, ?, ?, 'cdm_company', ?, ?)`,
    );
    const rawCreateSeconds = await timed(() => {
      for (let index = 0; index < CREATES; index++) {
        rawInsert.run(
          `20000000-0000-4000-8000-${String(index).padStart(12, "0")}`,
          `Raw ${index}`,
          `R${index}`,
          companies[index % COMPANIES] ?? "",
          coordinates(index).latitude,
          index,
        );
      }
    });

    return [
      row(
        "create (POST, pipeline, no steps)",
        tableRows,
        CREATES,
        "requests/s",
        createSeconds,
        "SQLite INSERT, one autocommit each",
        rawCreateSeconds,
      ),
      row(
        "create (POST, pipeline, no steps) vs HTTP alone",
        tableRows,
        CREATES,
        "requests/s",
        createSeconds,
        "no-op node:http POST handler, same client and bodies",
        ceilingSeconds,
      ),
      row(
        "retrieveMultiple: nearby query, $top=50",
        tableRows,
        QUERIES,
        "requests/s",
        querySeconds,
        "SQLite SELECT + JSON",
        rawQuerySeconds,
      ),
      row(
        "retrieveMultiple: every row, pages of 5000",
        tableRows,
        pagedRows,
        "rows/s",
        pagedSeconds,
        "SQLite SELECT all + JSON",
        rawPagedSeconds,
      ),
    ];
  } finally {
    await server.close();
  }
}

/** The same creates' HTTP alone: a handler that reads and parses the body and answers 204. */
async function httpCeiling(companies: readonly string[]): Promise<number> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      JSON.parse(Buffer.concat(chunks).toString("utf8"));
      res.writeHead(204, { "odata-entityid": "x" }).end();
    });
  });
  const origin = await listen(server, 0);
  try {
    return await timed(() =>
      pool(CREATES, 4, async (index) => {
        const body = JSON.stringify({
          msdyn_name: `Created ${index}`,
          msdyn_warehouseidentifier: `C${index}`,
          "msdyn_company@odata.bind": `/cdm_companies(${companies[index % COMPANIES] ?? ""})`,
          msdyn_primaryaddresslatitude: coordinates(index).latitude,
        });
        await expectOk(
          await fetch(`${origin}/msdyn_warehouses`, { method: "POST", headers: HEADERS, body }),
          "no-op post",
        );
      }),
    );
  } finally {
    await closeServer(server);
  }
}

/** Measures every size in turn (a fresh database each) and returns one row per operation and size. */
export async function dataverseEmulatorThroughput(
  sizes: readonly number[] = [10_000, 100_000],
): Promise<EmulatorThroughputRow[]> {
  const folder = mkdtempSync(path.join(os.tmpdir(), "fsi-dataverse-bench-"));
  try {
    const rows: EmulatorThroughputRow[] = [];
    for (const size of sizes) rows.push(...(await measureSize(size, folder)));
    return rows;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((size) => Number.isSafeInteger(size) && size > 0);
  dataverseEmulatorThroughput(sizes.length > 0 ? sizes : undefined).then(
    (rows) => {
      console.table(
        rows.map((entry) => ({
          operation: entry.operation,
          "table rows": entry.tableRows,
          [`per second`]: `${entry.perSecond} ${entry.unit}`,
          baseline: entry.baseline,
          "baseline per second": entry.baselinePerSecond,
          ratio: entry.ratioToBaseline,
        })),
      );
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
