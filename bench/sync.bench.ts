/**
 * The sync's speed, measured through the real parts (the plug-in host, the Dataverse and SCM
 * emulators over HTTP on port 0, the host's state in a SQLite file):
 * - latency, one change at a time, each way: FS → SCM is a Dataverse update whose synchronous
 *   PostOperation step writes SCM before the update returns; SCM → FS is an SCM update until its
 *   data event, sent after SCM committed, has reached the host and the Dataverse row shows it;
 * - the initial sync's throughput: `bin/fsi.js sync initial` in its own process (as from a shell)
 *   over customer assets seeded on one side only, each way: FS → SCM (Dataverse pages in, SCM
 *   `$batch` changesets of a batch each, then each FS row's sync status as UpdateMultiple) and
 *   SCM → FS (SCM pages in, Dataverse CreateMultiple), batches side by side as Dataverse's
 *   `x-ms-dop-hint` recommends. With the live plug-ins attached — registered and subscribed as
 *   deployed; the CLI's writes bypass them (`MSCRM.BypassBusinessLogicExecution`) — and detached
 *   (steps disabled, SCM subscription removed, as for a bulk load without the bypass), at the same
 *   size, so the two compare. The time is the run's own (`durationMs`), not the child's start-up.
 * Seeding writes the emulators' SQLite directly (it is not what is measured).
 *
 * Run alone: `npx tsx bench/sync.bench.ts [sizes...]` (default 10000 100000).
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { customerAsset, customerAssetCategory } from "@fsi/core/dataverse/tables";
import { maintenanceAssets, maintenanceAssetTypes } from "@fsi/core/scm/entities";
import type { ScmEntityDefinition } from "@fsi/core/scm/schema";
import { platformColumnsOnCreate } from "@fsi/sandbox/dataverse/pipeline/core-operations";
import type { Row } from "@fsi/sandbox/dataverse/storage/values";
import { EntityTable } from "@fsi/sandbox/scm/store/entity-table";
import { type StoredRow, emptyValue } from "@fsi/sandbox/scm/store/fields";
import {
  INTEGRATION,
  INTEGRATION_TOKEN,
  type Environment,
  dataverseRequest,
  dataverseRowByKey,
  scmRequest,
  startEnvironment,
} from "@fsi/plugins/__tests__/support/environment";

export interface SyncBenchRow {
  readonly measure: string;
  readonly rows: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

const LATENCY_SAMPLES = 100;
const ASSET_TYPE = "PUMP";

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

async function withEnvironment<T>(work: (env: Environment, dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "fsi-sync-bench-"));
  // Quiet: the host logs every echo it drops at info level; the bench reads none of it.
  const env = await startEnvironment({ statePath: join(dir, "plugins.sqlite") });
  try {
    return await work(env, dir);
  } finally {
    await env.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function latency(): Promise<SyncBenchRow[]> {
  return withEnvironment(async (env) => {
    const category = await dataverseRequest(env.dataverse.url, "POST", "msdyn_customerassetcategories", {
      msdyn_maintenanceassettypeid: ASSET_TYPE,
      msdyn_name: "Pumps",
      "msdyn_company@odata.bind": `/cdm_companies(${env.companyId})`,
    });
    if (category.status !== 204) throw new Error(`category create failed: ${category.status}`);
    const created = await dataverseRequest(env.dataverse.url, "POST", "msdyn_customerassets", {
      msdyn_maintenanceassetid: "LAT-1",
      msdyn_name: "Latency",
      "msdyn_company@odata.bind": `/cdm_companies(${env.companyId})`,
      "msdyn_customerassetcategory@odata.bind": `/msdyn_customerassetcategories(${String((await dataverseRowByKey(env, "msdyn_customerassetcategories", `msdyn_maintenanceassettypeid eq '${ASSET_TYPE}'`))?.msdyn_customerassetcategoryid)})`,
    });
    if (created.status !== 204) throw new Error(`asset create failed: ${created.status}`);
    const id = String(
      (await dataverseRowByKey(env, "msdyn_customerassets", "msdyn_maintenanceassetid eq 'LAT-1'"))
        ?.msdyn_customerassetid,
    );

    const timed = async (step: (index: number) => Promise<void>): Promise<SyncBenchRow & { measure: string }> => {
      const samples: number[] = [];
      const started = process.hrtime.bigint();
      for (let index = 0; index < LATENCY_SAMPLES; index += 1) {
        const start = process.hrtime.bigint();
        await step(index);
        samples.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      samples.sort((a, b) => a - b);
      return {
        measure: "",
        rows: LATENCY_SAMPLES,
        seconds: round(seconds),
        rowsPerSecond: round(LATENCY_SAMPLES / seconds, 1),
        p50Ms: round(percentile(samples, 50)),
        p99Ms: round(percentile(samples, 99)),
      };
    };
    const fsToScm = await timed(async (index) => {
      const reply = await dataverseRequest(env.dataverse.url, "PATCH", `msdyn_customerassets(${id})`, {
        msdyn_name: `FS ${index}`,
      });
      if (reply.status !== 204) throw new Error(`update failed: ${reply.status}`);
    });
    const inScm = await scmRequest(
      env.scmUrl,
      "GET",
      "MaintenanceAssets(dataAreaId='usmf',MaintenanceAssetId='LAT-1')",
    );
    if ((inScm.json as { Name?: unknown }).Name !== `FS ${LATENCY_SAMPLES - 1}`)
      throw new Error("FS → SCM changes did not reach SCM");
    await env.dataverse.emulator.idle();
    const scmToFs = await timed(async (index) => {
      const reply = await scmRequest(
        env.scmUrl,
        "PATCH",
        "MaintenanceAssets(dataAreaId='usmf',MaintenanceAssetId='LAT-1')",
        { Name: `SCM ${index}` },
      );
      if (reply.status !== 204) throw new Error(`update failed: ${reply.status}`);
      // SCM's data event reaches Field Service after SCM committed: the sample ends when it has arrived.
      const arrivedBy = Date.now() + 30_000;
      for (;;) {
        const row = await dataverseRowByKey(env, "msdyn_customerassets", "msdyn_maintenanceassetid eq 'LAT-1'");
        if (row?.msdyn_name === `SCM ${index}`) break;
        if (Date.now() > arrivedBy) throw new Error("SCM → FS changes did not reach Dataverse");
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    });
    await env.dataverse.emulator.idle();
    return [
      { ...fsToScm, measure: "latency FS → SCM (Dataverse update incl. synchronous SCM write)" },
      { ...scmToFs, measure: "latency SCM → FS (SCM update until its data event reached Dataverse)" },
    ];
  });
}

/** Every field of an SCM row, F&O's empty values where not given. */
function scmRow(entity: ScmEntityDefinition, values: StoredRow): StoredRow {
  return {
    ...Object.fromEntries(Object.entries(entity.fields).map(([name, field]) => [name, emptyValue(field)])),
    ...values,
  };
}

const assetId = (n: number) => `A${String(n).padStart(6, "0")}`;

function seedScm(env: Environment, rows: number): void {
  const types = new EntityTable(env.scm.db, maintenanceAssetTypes);
  const assets = new EntityTable(env.scm.db, maintenanceAssets);
  env.scm.db.transaction(() => {
    types.insert(
      scmRow(maintenanceAssetTypes, {
        dataAreaId: "usmf",
        MaintenanceAssetTypeId: ASSET_TYPE,
        Name: "Pumps",
        CalculateKPITotal: "Yes",
      }),
    );
    for (let n = 0; n < rows; n += 1) {
      assets.insert(
        scmRow(maintenanceAssets, {
          dataAreaId: "usmf",
          MaintenanceAssetId: assetId(n),
          Name: `Asset ${n}`,
          MaintenanceAssetTypeId: ASSET_TYPE,
          ActiveFrom: "2024-01-01T00:00:00Z",
        }),
      );
    }
  })();
}

function seedDataverse(env: Environment, rows: number): void {
  const store = env.dataverse.emulator.store;
  const company = { id: env.companyId, logicalName: "cdm_company" };
  const now = new Date();
  const categoryId = randomUUID();
  const insert = (table: typeof customerAsset | typeof customerAssetCategory, row: Row) => {
    store.insertRow(table, { ...row, ...platformColumnsOnCreate(table, now, store.nextVersion(), row) });
  };
  store.begin();
  try {
    insert(customerAssetCategory, {
      msdyn_customerassetcategoryid: categoryId,
      msdyn_maintenanceassettypeid: ASSET_TYPE,
      msdyn_name: "Pumps",
      msdyn_calculatekpitotal: true,
      msdyn_company: company,
    });
    for (let n = 0; n < rows; n += 1) {
      insert(customerAsset, {
        msdyn_customerassetid: randomUUID(),
        msdyn_maintenanceassetid: assetId(n),
        msdyn_name: `Asset ${n}`,
        msdyn_company: company,
        msdyn_customerassetcategory: { id: categoryId, logicalName: "msdyn_customerassetcategory" },
        fsi_activefrom: "2024-01-01T00:00:00Z",
      });
    }
    store.commit();
  } catch (error) {
    store.rollback();
    throw error;
  }
}

/** Takes the live plug-ins out, as an administrator may for a bulk load: steps disabled, SCM's subscription removed. */
async function detachLivePlugins(env: Environment): Promise<void> {
  for (const ids of Object.values(env.stepIds)) {
    for (const id of ids) {
      const reply = await dataverseRequest(env.dataverse.url, "PATCH", `sdkmessageprocessingsteps(${id})`, {
        statecode: 1,
        statuscode: 2,
      });
      if (reply.status !== 204) throw new Error(`disabling step ${id} failed: ${reply.status}`);
    }
  }
  const listed = (await (await fetch(`${env.scmUrl}/admin/event-endpoints`)).json()) as { value: { id: string }[] };
  for (const subscription of listed.value)
    await fetch(`${env.scmUrl}/admin/event-endpoints/${subscription.id}`, { method: "DELETE" });
}

/** `fsi sync initial` as a shell runs it: `bin/fsi.js` in its own process (the emulators and host stay in this one). */
async function runCli(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  cwd: string,
): Promise<{ code: number | null; out: string; err: string }> {
  const profileDir = process.env[PROFILE_DIR_VARIABLE];
  const nodeFlags = profileDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${profileDir}`];
  const child = spawn(process.execPath, [...nodeFlags, join(__dirname, "..", "bin", "fsi.js"), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { code, out, err };
}

/**
 * With `FSI_BENCH_PROFILE_DIR` set, each initial sync is profiled where it runs: this process (the
 * emulators and the plug-in host) by the inspector around the CLI run only, the CLI by `--cpu-prof`.
 */
const PROFILE_DIR_VARIABLE = "FSI_BENCH_PROFILE_DIR";

async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
  const dir = process.env[PROFILE_DIR_VARIABLE];
  if (dir === undefined) return work();
  mkdirSync(dir, { recursive: true });
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  try {
    return await work();
  } finally {
    const { profile } = await session.post("Profiler.stop");
    writeFileSync(join(dir, `${name}.emulators.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

export async function initialSync(
  rows: number,
  direction: "fs-to-scm" | "scm-to-fs",
  live: boolean,
): Promise<SyncBenchRow> {
  return withEnvironment(async (env, dir) => {
    if (!live) await detachLivePlugins(env);
    if (direction === "fs-to-scm") seedDataverse(env, rows);
    else seedScm(env, rows);
    const variables = {
      FSI_DATAVERSE_URL: env.dataverse.url,
      FSI_DATAVERSE_TOKEN: INTEGRATION_TOKEN,
      FSI_SCM_URL: env.scmUrl,
      FSI_INTEGRATION_USER_ID: INTEGRATION.id,
      FSI_STATE_PATH: join(dir, "plugins.sqlite"),
    };
    const run = await profiled(`${direction}-${rows}-${live ? "live" : "detached"}`, () =>
      runCli(["sync", "initial", "--map", "customer-assets", "--direction", direction, "--json"], variables, dir),
    );
    if (run.code !== 0)
      throw new Error(
        `initial sync ${direction} of ${rows} rows exited ${String(run.code)}: ${run.err} ${run.out.slice(0, 2000)}`,
      );
    const report = JSON.parse(run.out) as { durationMs: number; maps: { map: string; counts: { created: number } }[] };
    const created = report.maps.find((map) => map.map === "customer-assets")?.counts.created;
    if (created !== rows) throw new Error(`expected ${rows} rows created ${direction}, got ${String(created)}`);
    await env.dataverse.emulator.idle();
    const seconds = report.durationMs / 1000;
    return {
      measure: `initial sync ${direction}, ${live ? "live plug-ins attached (its writes bypass them)" : "live plug-ins detached"}`,
      rows,
      seconds: round(seconds),
      rowsPerSecond: round(rows / seconds, 0),
      p50Ms: null,
      p99Ms: null,
    };
  });
}

/**
 * Latency both ways; then at each size SCM → FS with the live plug-ins detached, and at the first
 * size also SCM → FS with them attached (the figure to compare with the detached run of the same
 * size) and FS → SCM.
 */
export async function syncBench(sizes: readonly number[] = [10_000, 100_000]): Promise<SyncBenchRow[]> {
  const rows: SyncBenchRow[] = await latency();
  for (const [position, size] of sizes.entries()) {
    rows.push(await initialSync(size, "scm-to-fs", false));
    if (position !== 0) continue;
    rows.push(await initialSync(size, "scm-to-fs", true));
    rows.push(await initialSync(size, "fs-to-scm", false));
  }
  return rows;
}

if (require.main === module) {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((size) => Number.isInteger(size) && size > 0);
  syncBench(sizes.length > 0 ? sizes : undefined).then(
    (rows) => {
      console.table(rows);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
