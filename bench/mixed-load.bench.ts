/**
 * Save latency under a mixed concurrent load, through the real parts (the plug-in host and both
 * emulators over HTTP on port 0): warehouse creates and updates in Dataverse and in SCM, in two
 * companies (`plugins-ts/__tests__/support/mixed-load.ts`). The baseline is the same saves issued
 * one at a time; the load is 4 clients saving at once. Each save's latency is its own request:
 * a Dataverse save includes its synchronous step (the host's SCM write); an SCM save returns at
 * commit (its data event reaches Field Service afterwards). The run fails unless every save
 * succeeded and both sides end equal field by field.
 *
 * Run alone: `npx tsx bench/mixed-load.bench.ts`.
 */
import { type Environment, settle, startEnvironment } from "@fsi/plugins/__tests__/support/environment";
import {
  type LoadCompany,
  type SaveResult,
  prepareCompanies,
  runClient,
  runConcurrentClients,
} from "@fsi/plugins/__tests__/support/mixed-load";
import { warehouseRecordsOnBothSides } from "@fsi/plugins/__tests__/support/reconcile";

const CLIENTS = 4;
/** Rounds per measure: each round is every client's saves (56), with its own warehouses. */
const ROUNDS = 2;

export interface MixedLoadRow {
  readonly measure: string;
  readonly saves: number;
  readonly seconds: number;
  readonly savesPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly failed: number;
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function row(measure: string, results: readonly SaveResult[], seconds: number): MixedLoadRow {
  const samples = results.map((result) => result.ms).sort((a, b) => a - b);
  return {
    measure,
    saves: results.length,
    seconds: round(seconds),
    savesPerSecond: round(results.length / seconds, 1),
    p50Ms: round(percentile(samples, 50)),
    p99Ms: round(percentile(samples, 99)),
    failed: results.filter((result) => result.status !== result.expected).length,
  };
}

async function measure(
  env: Environment,
  name: string,
  rounds: readonly number[],
  work: (run: number) => Promise<SaveResult[]>,
): Promise<MixedLoadRow> {
  const results: SaveResult[] = [];
  const started = process.hrtime.bigint();
  for (const run of rounds) results.push(...(await work(run)));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await settle(env);
  const failures = results.filter((result) => result.status !== result.expected);
  if (failures.length > 0)
    throw new Error(`${name}: ${failures.length} saves failed: ${JSON.stringify(failures.slice(0, 5))}`);
  return row(name, results, seconds);
}

async function oneAtATime(env: Environment, companies: readonly LoadCompany[], run: number): Promise<SaveResult[]> {
  const results: SaveResult[] = [];
  for (let client = 0; client < CLIENTS; client += 1) {
    const company = companies[client % companies.length];
    if (company === undefined) throw new Error("no company");
    results.push(...(await runClient(env, company, client, run)));
  }
  return results;
}

export async function mixedLoadBench(): Promise<MixedLoadRow[]> {
  const env = await startEnvironment();
  try {
    const companies = await prepareCompanies(env);
    const rounds = Array.from({ length: ROUNDS }, (_, index) => index);
    const baseline = await measure(env, "baseline: the same saves one at a time", rounds, (run) =>
      oneAtATime(env, companies, run),
    );
    const load = await measure(
      env,
      `${CLIENTS} clients at once, FS + SCM, 2 companies`,
      rounds.map((index) => index + ROUNDS),
      (run) => runConcurrentClients(env, companies, CLIENTS, run),
    );
    const sides = await warehouseRecordsOnBothSides(env);
    if (JSON.stringify(sides.dataverse) !== JSON.stringify(sides.scm))
      throw new Error("after the mixed load the two sides differ");
    return [baseline, load];
  } finally {
    await env.close();
  }
}

if (require.main === module) {
  mixedLoadBench().then(
    (rows) => {
      console.table(rows);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
