/**
 * `npm test`'s wall time, part by part, each run as `npm test` runs it: the checks (ESLint in one
 * lane; prettier, the type-checks and the build in the other, at the same time) and then Jest.
 * There is no baseline to run beside it: the figure is absolute, compared with the four minutes in
 * all the suite should take on two cores. It measures the machine as much as the suite: run it on
 * a quiet machine.
 *
 * Run alone: `npx tsx bench/test-time.bench.ts`.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";

export interface TestTimeRow {
  readonly part: string;
  readonly command: string;
  readonly seconds: number;
  readonly passed: boolean;
  readonly goalSeconds: number | null;
}

const repoRoot = path.resolve(__dirname, "..");
/** The whole of `npm test` on two cores. */
const goalSeconds = 240;

function timedRun(part: string, script: string): TestTimeRow {
  const started = performance.now();
  const result = spawnSync("npm", ["run", "--silent", script], {
    cwd: repoRoot,
    stdio: "pipe",
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = Number(((performance.now() - started) / 1000).toFixed(1));
  if (result.status !== 0) {
    // The figure is worthless without knowing what failed.
    process.stderr.write(`${part} failed:\n${`${result.stdout}${result.stderr}`.slice(-20_000)}\n`);
  }
  return { part, command: `npm run ${script}`, seconds, passed: result.status === 0, goalSeconds: null };
}

export function testTimeBench(): TestTimeRow[] {
  const parts = [timedRun("lint, format, typecheck, build (two lanes)", "checks"), timedRun("jest", "test:unit")];
  const total = Number(parts.reduce((sum, row) => sum + row.seconds, 0).toFixed(1));
  return [
    ...parts,
    {
      part: "npm test in all",
      command: "npm test",
      seconds: total,
      passed: parts.every((row) => row.passed),
      goalSeconds,
    },
  ];
}

if (require.main === module) {
  console.table(testTimeBench());
}
