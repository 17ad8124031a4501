/**
 * `npm run bench`: runs every benchmark one after another (two cores: running them side by side
 * would measure the contention), prints one table per section and writes `bench/results.json`.
 * Every row names the baseline it is compared with, measured in the same run.
 *
 * `npm run bench -- <section> ...` runs only the named sections.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { controlBundleSizes, nearbyQueryCost } from "./controls.bench";
import { dataverseEmulatorThroughput } from "./dataverse-emulator.bench";
import { formsBundleSizes } from "./forms.bench";
import { instancesBench } from "./instances.bench";
import { mixedLoadBench } from "./mixed-load.bench";
import { onHandSyncThroughput } from "./onhand-sync.bench";
import { type BenchRow, markdownTable } from "./report";
import { scmValidationBench } from "./scm-validation.bench";
import { syncBench } from "./sync.bench";
import { testTimeBench } from "./test-time.bench";
import { validationApiBench } from "./validation-api.bench";

interface Section {
  readonly name: string;
  readonly title: string;
  readonly run: () => Promise<readonly BenchRow[]> | readonly BenchRow[];
}

const sections: readonly Section[] = [
  {
    name: "nearby",
    title: "NearbyWarehouses query: rings with $top vs fetch-all and vs the rows shown",
    run: () => nearbyQueryCost(),
  },
  { name: "bundles", title: "Control bundle sizes: virtual vs React + Fluent bundled", run: controlBundleSizes },
  { name: "forms", title: "Form script library size", run: formsBundleSizes },
  { name: "validation", title: "Validation API under load vs a no-op endpoint", run: validationApiBench },
  {
    name: "scm-validation",
    title: "SCM validation through a rolled-back changeset vs a plain create",
    run: () => scmValidationBench(),
  },
  {
    name: "dataverse",
    title: "Dataverse emulator throughput vs direct SQLite",
    run: () => dataverseEmulatorThroughput(),
  },
  { name: "sync", title: "Sync latency both ways and initial sync throughput", run: syncBench },
  { name: "mixed-load", title: "Mixed concurrent saves over both systems vs one at a time", run: mixedLoadBench },
  {
    name: "instances",
    title: "SCM events applied per second: 3 host instances on one state store vs 1",
    run: () => instancesBench(),
  },
  // 100k rows, the size the goal is set at: about three minutes on a quiet machine (first load,
  // 1% incremental, full re-read).
  { name: "onhand", title: "On-hand sync throughput (SCM -> FS journals)", run: () => onHandSyncThroughput(100_000) },
  // Last: it runs the whole suite (several minutes), and nothing else may run beside it.
  { name: "test-time", title: "npm test wall time on this machine", run: testTimeBench },
];

function previousResults(file: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as { results?: Record<string, unknown> };
    return parsed.results ?? {};
  } catch {
    return {}; // An unreadable file is simply replaced.
  }
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !sections.some((section) => section.name === name));
  if (unknown.length > 0) {
    throw new Error(`unknown section(s) ${unknown.join(", ")}; known: ${sections.map((s) => s.name).join(", ")}`);
  }
  const chosen = wanted.length === 0 ? sections : sections.filter((section) => wanted.includes(section.name));
  const results: Record<string, { title: string; seconds: number; rows: readonly BenchRow[] }> = {};
  for (const section of chosen) {
    const started = performance.now();
    process.stdout.write(`\n## ${section.title}\n\n`);
    const rows = await section.run();
    const seconds = Number(((performance.now() - started) / 1000).toFixed(1));
    results[section.name] = { title: section.title, seconds, rows };
    process.stdout.write(`${markdownTable(rows)}\n\n(${seconds} s)\n`);
  }
  const file = path.join(__dirname, "results.json");
  const machine = { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "unknown" };
  // A run of some sections replaces only theirs: the file keeps the last figure of every section.
  const earlier = wanted.length > 0 && existsSync(file) ? previousResults(file) : {};
  writeFileSync(
    file,
    `${JSON.stringify({ measuredAt: new Date().toISOString(), machine, results: { ...earlier, ...results } }, null, 2)}\n`,
  );
  process.stdout.write(`\nWrote ${path.relative(process.cwd(), file)}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
