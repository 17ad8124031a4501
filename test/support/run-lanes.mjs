#!/usr/bin/env node
/**
 * Runs npm scripts in parallel lanes: each argument is one lane, a space-separated list of npm
 * scripts run one after another; the lanes run at the same time. `npm test` uses it for the checks
 * before Jest: ESLint, then TypeScript, are each one single-threaded process, so on two cores
 * ESLint in one lane and prettier + the type-checks + the build in the other take the time of the
 * longer lane instead of the sum.
 *
 *   node test/support/run-lanes.mjs "lint" "format:check typecheck"
 *
 * A script's output is printed in one piece when it ends (never interleaved with another's), with
 * the time it took. A failing script ends its lane; the other lanes run to their end, so one run
 * reports every failure. Exits 1 when any script failed.
 */
import { spawn } from "node:child_process";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** Runs one npm script, collecting both streams; resolves with its exit code and output. */
function runScript(script) {
  return new Promise((resolve) => {
    const child = spawn(npm, ["run", "--silent", script], {
      stdio: ["ignore", "pipe", "pipe"],
      shell: process.platform === "win32",
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk.toString()));
    child.stderr.on("data", (chunk) => (output += chunk.toString()));
    child.on("error", (error) => resolve({ code: 1, output: `${output}${error.message}\n` }));
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

async function runLane(scripts) {
  let failed = false;
  for (const script of scripts) {
    const started = performance.now();
    const { code, output } = await runScript(script);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const verdict = code === 0 ? "passed" : `FAILED (exit code ${code})`;
    process.stdout.write(`\n> npm run ${script}: ${verdict} in ${seconds} s\n${output}`);
    if (code !== 0) {
      failed = true;
      break;
    }
  }
  return failed;
}

const lanes = process.argv.slice(2).map((lane) => lane.split(/\s+/).filter((script) => script !== ""));
if (lanes.length === 0 || lanes.some((lane) => lane.length === 0)) {
  process.stderr.write('usage: node test/support/run-lanes.mjs "<script> <script>..." "<script>..."\n');
  process.exit(2);
}
const failures = await Promise.all(lanes.map(runLane));
if (failures.some(Boolean)) process.exitCode = 1;
