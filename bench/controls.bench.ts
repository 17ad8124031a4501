/**
 * The PCF controls, measured two ways.
 *
 * 1. Bundle size: each control's production bundle as shipped (a virtual control: React 16.14 and
 *    Fluent 9 come from the platform) next to the same control built as a standard control with
 *    React, ReactDOM and Fluent bundled in (`node controls/build.js --bundled`). Baseline: the
 *    bundled build of the same control, built in the same run.
 * 2. NearbyWarehouses query cost at 1k / 10k / 100k warehouses: our bounding-box rings with `$top`
 *    (at most two requests, `controls/NearbyWarehouses/services/rings.ts`) against the naive way
 *    (fetch every warehouse page by page, measure and sort in the browser), and against the bytes of
 *    the rows the list shows (the floor: no query can send less).
 *    Both run against the same in-process Web API stand-in (controls/testing/inMemoryWebApi.ts)
 *    with every response serialized and parsed as JSON, as a browser would; "bytes" is the JSON
 *    the server sends. Milliseconds include the stand-in's filtering (a linear scan; Dataverse
 *    would use its indexes), so they favour neither side.
 *
 * Run alone: `npx tsx bench/controls.bench.ts` (builds both variants: about two minutes on 2 cores).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { gzipSync } from "node:zlib";
import { nearest } from "@fsi/core/geo";
import { searchNearby } from "@fsi/controls/NearbyWarehouses/services/nearbyWarehouses";
import { usablePoint } from "@fsi/controls/NearbyWarehouses/services/position";
import { maxPageSize, warehouseColumns, warehouseTable } from "@fsi/controls/NearbyWarehouses/services/warehouseQuery";
import { compare, guidLiteral, queryString } from "@fsi/controls/shared/services/odata";
import type { RetrieveMultipleResult, WebApiEntity, WebApiReader } from "@fsi/controls/shared/services/webApi";
import { numberColumn, stringColumn } from "@fsi/controls/shared/services/webApi";
import { InMemoryWebApi } from "@fsi/controls/testing/inMemoryWebApi";
import { guidFor, syntheticWarehouses } from "@fsi/controls/testing/warehouseRows";

const repoRoot = path.resolve(__dirname, "..");
const controlNames = ["NearbyWarehouses", "ScmIntegrationPanel", "CustomerAssetPicker", "WarehouseOnHand"] as const;

export interface ControlBundleSizeRow {
  readonly bundle: string;
  readonly rawBytes: number;
  readonly gzipBytes: number;
  /** The row this one is compared with, and the ratio of the raw sizes. */
  readonly baseline: string;
  readonly ratioToBaseline: number;
}

export interface NearbyQueryCostRow {
  readonly warehouses: number;
  readonly approach: "rings with $top (ours)" | "fetch all and sort (naive)";
  readonly requests: number;
  readonly bytes: number;
  /** JSON bytes of the rows the list shows, as the server sent them. */
  readonly shownBytes: number;
  /** `bytes` over `shownBytes`. */
  readonly bytesPerShownByte: number;
  /** Median over the runs. */
  readonly ms: number;
  /** Warehouses the list shows (the same for both approaches, checked). */
  readonly rowsShown: number;
  readonly baseline: string;
  readonly ratioToBaseline: { readonly requests: number; readonly bytes: number; readonly ms: number };
}

function measure(file: string): { rawBytes: number; gzipBytes: number } {
  const content = readFileSync(file);
  return { rawBytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length };
}

function build(args: readonly string[]): void {
  execFileSync(process.execPath, [path.join(repoRoot, "controls", "build.js"), ...args], {
    cwd: repoRoot,
    stdio: "pipe",
  });
}

/** Builds both variants of every control and compares their sizes. */
export function controlBundleSizes(): ControlBundleSizeRow[] {
  build([]);
  build(["--bundled"]);
  return controlNames.flatMap((name) => {
    const shipped = measure(path.join(repoRoot, "out", "controls", name, "bundle.js"));
    const bundled = measure(path.join(repoRoot, "out", "controls-bundled", name, "bundle.js"));
    const bundledName = `${name} (standard, React + Fluent bundled)`;
    return [
      { bundle: bundledName, ...bundled, baseline: bundledName, ratioToBaseline: 1 },
      {
        bundle: `${name} (virtual, as shipped)`,
        ...shipped,
        baseline: bundledName,
        ratioToBaseline: Number((shipped.rawBytes / bundled.rawBytes).toFixed(4)),
      },
    ];
  });
}

/** What a browser does with a response: receive JSON text and parse it. Keeps each row's JSON size. */
class OverTheWire implements WebApiReader {
  /** JSON bytes of each row received, by id. */
  readonly rowBytes = new Map<string, number>();

  constructor(private readonly server: WebApiReader) {}

  async retrieveMultipleRecords(table: string, options?: string, maxPage?: number): Promise<RetrieveMultipleResult> {
    const answer = await this.server.retrieveMultipleRecords(table, options, maxPage);
    for (const row of answer.entities) {
      const id = stringColumn(row, `${table}id`);
      if (id !== null) this.rowBytes.set(id, JSON.stringify(row).length + 1);
    }
    return JSON.parse(JSON.stringify(answer)) as RetrieveMultipleResult;
  }

  async retrieveRecord(table: string, id: string, options?: string): Promise<WebApiEntity> {
    return JSON.parse(JSON.stringify(await this.server.retrieveRecord(table, id, options))) as WebApiEntity;
  }
}

const chicago = { latitude: 41.8781, longitude: -87.6298 };
const company = guidFor(0xc0, 1);
const radiusKm = 25;
const maxResults = 50;

/** The naive way: every page of the company's warehouses, then distances and sorting in the browser. */
async function fetchAllAndSort(webApi: WebApiReader): Promise<string[]> {
  let options: string | undefined = queryString({
    select: Object.values(warehouseColumns),
    filter: `statecode eq 0 and ${compare("_msdyn_company_value", "eq", guidLiteral(company))}`,
  });
  const rows: WebApiEntity[] = [];
  while (options !== undefined) {
    const page: RetrieveMultipleResult = await webApi.retrieveMultipleRecords(warehouseTable, options, maxPageSize);
    rows.push(...page.entities);
    options = page.nextLink;
  }
  const pointOf = (row: WebApiEntity) =>
    usablePoint(numberColumn(row, warehouseColumns.latitude), numberColumn(row, warehouseColumns.longitude)) ??
    undefined;
  return nearest(chicago, rows, maxResults, pointOf, radiusKm).map(
    ({ row }) => stringColumn(row, warehouseColumns.id) ?? "",
  );
}

async function ours(webApi: WebApiReader): Promise<string[]> {
  const result = await searchNearby(webApi, {
    center: chicago,
    radiusKm,
    companyId: company,
    productId: null,
    maxResults,
  });
  return result.warehouses.map((warehouse) => warehouse.id);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

async function cost(server: InMemoryWebApi, approach: (webApi: WebApiReader) => Promise<string[]>, runs: number) {
  const times: number[] = [];
  let ids: string[] = [];
  let requests = 0;
  let bytes = 0;
  let shownBytes = 0;
  for (let run = 0; run < runs; run++) {
    server.requests.length = 0;
    const wire = new OverTheWire(server);
    const started = performance.now();
    ids = await approach(wire);
    times.push(performance.now() - started);
    requests = server.requests.length;
    bytes = server.requests.reduce((sum, request) => sum + request.bytes, 0);
    shownBytes = ids.reduce((sum, id) => sum + (wire.rowBytes.get(id) ?? 0), 0);
  }
  return { ids, requests, bytes, shownBytes, ms: Number(median(times).toFixed(2)) };
}

/** Our query against fetch-all-and-sort at each size; throws if the two disagree on the list. */
export async function nearbyQueryCost(
  sizes: readonly number[] = [1_000, 10_000, 100_000],
  runs = 5,
): Promise<NearbyQueryCostRow[]> {
  const rows: NearbyQueryCostRow[] = [];
  for (const size of sizes) {
    const server = new InMemoryWebApi({ msdyn_warehouse: syntheticWarehouses(size, company) });
    const naive = await cost(server, fetchAllAndSort, runs);
    const box = await cost(server, ours, runs);
    if (naive.ids.join() !== box.ids.join()) {
      throw new Error(`At ${size} warehouses the two approaches list different warehouses`);
    }
    const baseline = "fetch all and sort (naive)" as const;
    const ratio = (a: number, b: number) => (b === 0 ? 0 : Number((a / b).toFixed(4)));
    rows.push(
      {
        warehouses: size,
        approach: baseline,
        ...withoutIds(naive),
        rowsShown: naive.ids.length,
        baseline,
        ratioToBaseline: { requests: 1, bytes: 1, ms: 1 },
      },
      {
        warehouses: size,
        approach: "rings with $top (ours)",
        ...withoutIds(box),
        rowsShown: box.ids.length,
        baseline,
        ratioToBaseline: {
          requests: ratio(box.requests, naive.requests),
          bytes: ratio(box.bytes, naive.bytes),
          ms: ratio(box.ms, naive.ms),
        },
      },
    );
  }
  return rows;
}

function withoutIds(measured: { ids: string[]; requests: number; bytes: number; shownBytes: number; ms: number }) {
  return {
    requests: measured.requests,
    bytes: measured.bytes,
    shownBytes: measured.shownBytes,
    bytesPerShownByte: measured.shownBytes === 0 ? 0 : Number((measured.bytes / measured.shownBytes).toFixed(2)),
    ms: measured.ms,
  };
}

export async function controlsBench(): Promise<{
  bundleSizes: ControlBundleSizeRow[];
  nearbyQueryCost: NearbyQueryCostRow[];
}> {
  return { bundleSizes: controlBundleSizes(), nearbyQueryCost: await nearbyQueryCost() };
}

if (require.main === module) {
  controlsBench().then(
    ({ bundleSizes, nearbyQueryCost: queryCost }) => {
      console.log("Control bundles (baseline: the same control with React and Fluent bundled)");
      console.table(
        bundleSizes.map((row) => ({
          bundle: row.bundle,
          "raw KB": (row.rawBytes / 1024).toFixed(1),
          "gzip KB": (row.gzipBytes / 1024).toFixed(1),
          "raw ratio": row.ratioToBaseline,
        })),
      );
      console.log(
        `NearbyWarehouses query within ${radiusKm} km of Chicago, ${maxResults} shown at most (baseline: fetch all and sort)`,
      );
      console.table(
        queryCost.map((row) => ({
          warehouses: row.warehouses,
          approach: row.approach,
          requests: row.requests,
          "KB sent": (row.bytes / 1024).toFixed(1),
          "× shown bytes": row.bytesPerShownByte,
          ms: row.ms,
          shown: row.rowsShown,
          "bytes ratio": row.ratioToBaseline.bytes,
          "ms ratio": row.ratioToBaseline.ms,
        })),
      );
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
