/**
 * `npm start`: builds what is missing or stale (controls, form scripts, the solution zip), then runs
 * the sandbox on http://127.0.0.1:${PORT:-8080} — SCM, Dataverse, the plug-in host and the form host
 * on one origin (`start/mounts.ts`) — with its state in `.sandbox/` (seeded on first run).
 * `--fresh` starts from a clean state folder, `--state-dir <dir>` uses another folder, `--port <n>`
 * overrides PORT (0 picks a free port), `--skip-build` starts from the zip as it is. Once listening it
 * leaves its URL, token and state files in `<state>/connection.json`, where `npx fsi sync` finds
 * them. Ctrl-C or a SIGTERM closes everything cleanly (`npm start` runs node itself, so the signal
 * reaches this process).
 */
import { mkdirSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { writeSandboxConnection } from "@fsi/plugins/cli/sandbox-connection";
import { startSandbox } from "./server";
import { buildIfStale, solutionZipPath } from "./start/build";
import { sandboxConnectionOf } from "./start/connection";
import { integratedMounts } from "./start/mounts";

interface CliOptions {
  readonly fresh: boolean;
  readonly stateDir: string;
  readonly port: number;
  readonly build: boolean;
  /** `--no-keys`: an org right after import, for `fsi setup` (sandbox/start/mounts.ts). */
  readonly noKeys: boolean;
}

const usage = "Usage: npm start -- [--fresh] [--state-dir <dir>] [--port <n>] [--skip-build] [--no-keys]";

function parseArguments(args: readonly string[]): CliOptions {
  let fresh = false;
  let build = true;
  let noKeys = false;
  let stateDir = ".sandbox";
  let port = process.env.PORT === undefined || process.env.PORT === "" ? 8080 : Number(process.env.PORT);
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index];
    const value = (): string => {
      const next = args[index + 1];
      if (next === undefined) throw new Error(`${arg ?? ""} needs a value. ${usage}`);
      index += 1;
      return next;
    };
    if (arg === "--fresh") fresh = true;
    else if (arg === "--skip-build") build = false;
    else if (arg === "--no-keys") noKeys = true;
    else if (arg === "--state-dir") stateDir = value();
    else if (arg === "--port") port = Number(value());
    else if (arg === "--help" || arg === "-h") {
      console.log(usage);
      process.exit(0);
    } else throw new Error(`Unknown argument '${arg ?? ""}'. ${usage}`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`The port must be a number from 0 to 65535. ${usage}`);
  return { fresh, stateDir: resolve(stateDir), port, build, noKeys };
}

async function main(): Promise<void> {
  const options = parseArguments(process.argv.slice(2));
  if (options.fresh) rmSync(options.stateDir, { recursive: true, force: true });
  mkdirSync(options.stateDir, { recursive: true });

  const log = (message: string): void => {
    console.error(message);
  };
  if (options.build) await buildIfStale(log);
  const sandbox = await startSandbox({
    port: options.port,
    stateDir: options.stateDir,
    log,
    mounts: integratedMounts({
      solutionZip: solutionZipPath,
      progress: log,
      endpointKeys: options.noKeys ? "unset" : "set",
    }),
  });
  const connectionFile = writeSandboxConnection(options.stateDir, sandboxConnectionOf(sandbox));
  console.log(`Sandbox ready at ${sandbox.url}`);
  console.log(`State: ${options.stateDir}${options.fresh ? " (fresh)" : ""}`);
  console.log(`Connection for \`npx fsi sync\`: ${connectionFile}`);
  if (options.noKeys)
    console.log("No keys set (--no-keys): finish the setup with `npx fsi setup`, then `npx fsi doctor`.");
  const url = sandbox.url;
  console.log("What to try:");
  console.log(`  ${url}/  the forms, with the solution's scripts and controls`);
  console.log(
    `  ${url}/main.aspx?pagetype=entityrecord&etn=msdyn_warehouse  a new warehouse: pick a site of another company, Save, and SCM's error shows on the field`,
  );
  console.log(
    `  ${url}/main.aspx?pagetype=entitylist&etn=msdyn_workorder  open a work order in a phone-sized window: the nearest warehouses`,
  );
  console.log(`  ${url}/scm-admin  change SCM's rows and rules, and watch Field Service follow`);
  console.log("Endpoints:");
  for (const mount of sandbox.mounts) {
    for (const path of mount.tryPaths ?? []) console.log(`  ${sandbox.url}${encodeURI(path)}`);
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      console.error(`${signal} again: exiting without waiting.`);
      process.exit(130);
    }
    stopping = true;
    console.log(`${signal}: closing the sandbox...`);
    sandbox.close().then(
      () => {
        console.log("Sandbox closed.");
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`Closing failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(`The sandbox could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
