/**
 * Throughput of the Dataverse Web API emulator over HTTP with 10k and 100k warehouses in the table:
 * creates (POST through the pipeline), the nearby-warehouses query (bounding box in a company,
 * `$top=50`) and a full read paged by 5000 rows. Each is compared with a baseline measured in the
 * same run: the same work done directly on SQLite (better-sqlite3), so the ratio is the cost of
 * HTTP, OData and the pipeline. The creates are also compared with the HTTP ceiling: the same
 * client posting the same bodies to a `node:http` handler that only reads and parses them, so the
 * share of a create that is the server's HTTP is measured too.
 *
 * The creates' client runs on a worker thread (keep-alive `node:http` Agent, 4 requests at a
 * time, every body built before the clock starts), the same client for the emulator and for the
 * ceiling: in the server's own thread the client's work would be counted as the server's, and
 * `fetch` (undici) costs several times a `node:http` request on the client side.
 *
 * Run alone: `npx tsx bench/dataverse-emulator.bench.ts` (sizes: `... 10000 100000`).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { cdmCompany, warehouse } from "@fsi/core";
import { createServer } from "node:http";
import { Worker } from "node:worker_threads";
import { startDataverseServer, type DataverseServer } from "@fsi/sandbox/dataverse";
import { closeServer, listen } from "@fsi/sandbox/http";

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
const CREATES = 3000;
/** Creates posted before each measured run (their own keys), so neither side is measured cold. */
const WARM_UP = 1_000_000;
const WARM_UP_CREATES = 300;
const CONCURRENCY = 4;
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

/** The create bodies `from` … `from + count - 1` (each row its own key). */
function createBodies(companies: readonly string[], from: number, count: number): string[] {
  return Array.from({ length: count }, (_, offset) => {
    const index = from + offset;
    return JSON.stringify({
      msdyn_name: `Created ${index}`,
      msdyn_warehouseidentifier: `C${index}`,
      "msdyn_company@odata.bind": `/cdm_companies(${companies[index % COMPANIES] ?? ""})`,
      msdyn_primaryaddresslatitude: coordinates(index).latitude,
    });
  });
}

/**
 * The creates' client, on a worker thread: POSTs every body, CONCURRENCY at a time over keep-alive
 * connections, fails on any answer that is not 2xx, and reports the seconds the posting took.
 */
const POSTING_CLIENT = `
const { parentPort, workerData } = require("node:worker_threads");
const { Agent, request } = require("node:http");
const { url, bodies, headers, concurrency } = workerData;
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const target = new URL(url);
const post = (body) => new Promise((resolve, reject) => {
  const outgoing = request(
    { host: target.hostname, port: target.port, path: target.pathname, method: "POST", agent,
      headers: { ...headers, "content-length": Buffer.byteLength(body) } },
    (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("end", () => response.statusCode < 300 ? resolve()
        : reject(new Error("POST " + url + " failed with HTTP " + response.statusCode + ": " + Buffer.concat(chunks))));
    });
  outgoing.on("error", reject);
  outgoing.end(body);
});
let next = 0;
const started = performance.now();
Promise.all(Array.from({ length: concurrency }, async () => {
  for (let index = next++; index < bodies.length; index = next++) await post(bodies[index]);
})).then(
  () => { agent.destroy(); parentPort.postMessage({ seconds: (performance.now() - started) / 1000 }); },
  (error) => { agent.destroy(); parentPort.postMessage({ error: String(error) }); },
);
`;

async function postAll(url: string, bodies: readonly string[]): Promise<number> {
  const worker = new Worker(POSTING_CLIENT, {
    eval: true,
    workerData: { url, bodies, headers: HEADERS, concurrency: CONCURRENCY },
  });
  try {
    const outcome = await new Promise<{ seconds?: number; error?: string }>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    if (outcome.error !== undefined || outcome.seconds === undefined) throw new Error(outcome.error);
    return outcome.seconds;
  } finally {
    await worker.terminate();
  }
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

    await postAll(`${server.apiUrl}msdyn_warehouses`, createBodies(companies, WARM_UP, WARM_UP_CREATES));
    const createSeconds = await postAll(`${server.apiUrl}msdyn_warehouses`, createBodies(companies, 0, CREATES));
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
    await postAll(`${origin}/msdyn_warehouses`, createBodies(companies, WARM_UP, WARM_UP_CREATES));
    return await postAll(`${origin}/msdyn_warehouses`, createBodies(companies, 0, CREATES));
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
