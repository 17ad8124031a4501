/**
 * `fsi` — operating the sync from a shell (`npx fsi sync ...`; `bin/fsi.js` runs this file through
 * tsx). Arguments are parsed with `node:util`'s `parseArgs` (no dependency); configuration comes
 * from flags and the host's `FSI_*` variables (config.ts). `runFsi` is the whole CLI as a function
 * (tests call it in-process); it answers the exit code and never exits the process itself.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { HostConfigurationError } from "../host/config-from-env";
import { MapOverrideFileError, loadMapCatalog } from "../services/map-catalog";
import { type LogEntry, createLogger } from "../services/logger";
import { openStateStore } from "../sync/open-state-store";
import { InitialSyncConflictError, InitialSyncStoppedError } from "../sync/initial/initial-sync";
import { MapPlanError } from "../sync/initial/plan";
import { catchUpCommand } from "./commands/catch-up";
import { initialCommand } from "./commands/initial";
import { errorsCommand, pauseCommand, resumeCommand, retryCommand } from "./commands/pause-resume";
import { runBatchCommand } from "./commands/run-batch";
import { statusCommand } from "./commands/status";
import { CliConfigurationError, type ConnectionFlags, cliSettings, ensureStateFolder } from "./config";
import { ConfigFileError } from "./config-file";
import { type CliIo, type CommandContext, ExitCode, UsageError } from "./context";
import { ReplayBusyError } from "./replay";
import { SETUP_USAGE, runSetupOrDoctor } from "./setup-main";

export const USAGE = `Usage: fsi sync <command> [options]

Commands:
  initial --map <name> --direction fs-to-scm|scm-to-fs [--master fs|scm]
          [--only] [--batch-size <n>] [--restart] [--no-bypass] [--json]
                       copy existing rows in bulk (resumes an unfinished run); its
                       Dataverse writes skip custom plug-in steps unless --no-bypass
  pause <map>...       queue the map's changes in the running host instead of applying them
  resume <map>...      let the map run again and replay its queued changes in order
  retry <map>...       replay the map's catch-up list (changes refused on replay)
  errors <map>... [--json]
                       list the catch-up list and the rows standing Failed
  catch-up [--map <name>]... [--json]
                       make Field Service equal to SCM (every map without --map): makes up
                       for SCM data events that were lost or never sent
  status [--json]      per map: state, queue depth, catch-up, last sync, errors; batch maps
  run <map> [--full] [--json]
                       one batch run of an inventory / project map

Maps: operational-sites, warehouses, customer-asset-categories, customer-assets, payment-terms,
ship-vias (or all). --map may repeat or list names with commas.

Connection (flags override FSI_* variables; with no Dataverse URL, the running sandbox: the
connection file \`npm start\` leaves in .sandbox/connection.json — its URL, token and state files):
  --dataverse-url <url>    FSI_DATAVERSE_URL      --dataverse-token <t>  FSI_DATAVERSE_TOKEN
  --scm-url <url>          FSI_SCM_URL            --state <file>         FSI_STATE_PATH (the host's)
  --integration-user-id <guid>  FSI_INTEGRATION_USER_ID
  --map-overrides <file>   FSI_MAP_OVERRIDE_PATH  --sandbox <dir>        FSI_SANDBOX_DIR (default .sandbox)
  --config <file.json>     FSI_CONFIG: a JSON object of FSI_* settings (a deployed host's; flags
                           and FSI_* variables override it). A host on Azure Storage:
                           FSI_STATE_STORE=azure with FSI_STORAGE_CONNECTION_STRING (or
                           FSI_STORAGE_TABLE_URL + FSI_STORAGE_BLOB_URL) and FSI_STORAGE_PREFIX
  Entra ID: FSI_TENANT_ID, FSI_CLIENT_ID, FSI_CLIENT_SECRET; FSI_INTEGRATION_USER_ID, FSI_ECHO_TAG, ...

Exit codes: 0 done, 1 some rows or changes failed (listed), 2 usage or configuration, 3 stopped
(a system did not answer; run again to resume).`;

const connectionOptions = {
  "dataverse-url": { type: "string" },
  "dataverse-token": { type: "string" },
  "scm-url": { type: "string" },
  "integration-user-id": { type: "string" },
  sandbox: { type: "string" },
  state: { type: "string" },
  config: { type: "string" },
  "map-overrides": { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

const initialOptions = {
  ...connectionOptions,
  map: { type: "string", multiple: true },
  direction: { type: "string" },
  master: { type: "string" },
  only: { type: "boolean", default: false },
  "batch-size": { type: "string" },
  restart: { type: "boolean", default: false },
  "no-bypass": { type: "boolean", default: false },
} as const;

const catchUpOptions = { ...connectionOptions, map: { type: "string", multiple: true } } as const;

const runOptions = { ...connectionOptions, full: { type: "boolean", default: false } } as const;

type Values = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;

function text(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

/** `--map a --map b,c` → [a, b, c]. */
function mapFlags(values: Values): string[] {
  return (Array.isArray(values.map) ? values.map : [])
    .flatMap((entry) => String(entry).split(","))
    .map((name) => name.trim())
    .filter((name) => name !== "");
}

function connectionFlags(values: Values): ConnectionFlags {
  const flags: Record<string, string> = {};
  const pairs: [keyof ConnectionFlags, string][] = [
    ["dataverseUrl", "dataverse-url"],
    ["dataverseToken", "dataverse-token"],
    ["scmUrl", "scm-url"],
    ["integrationUserId", "integration-user-id"],
    ["sandbox", "sandbox"],
    ["state", "state"],
    ["config", "config"],
    ["mapOverrides", "map-overrides"],
  ];
  for (const [key, option] of pairs) {
    const value = text(values, option);
    if (value !== undefined) flags[key] = value;
  }
  return flags;
}

function parse(
  args: readonly string[],
  options: ParseArgsConfig["options"],
): { values: Values; positionals: string[] } {
  try {
    const parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    return { values: parsed.values as Values, positionals: parsed.positionals };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** The flag's value, one of `allowed`; undefined when the flag is absent. */
function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`${flag} must be ${allowed.join(" or ")}; got '${value}'.`);
  return value as T;
}

function required<T>(value: T | undefined, flag: string, allowed: readonly string[]): T {
  if (value === undefined) throw new UsageError(`${flag} is required: ${allowed.join(" or ")}.`);
  return value;
}

/** Runs `fsi <args>`; answers the exit code. */
export async function runFsi(argv: readonly string[], io: CliIo): Promise<number> {
  const [group, command, ...rest] = argv;
  if (group === "setup" || group === "doctor") return runSetupOrDoctor(group, argv.slice(1), io);
  if (
    group === undefined ||
    group === "--help" ||
    group === "-h" ||
    (group === "sync" && (command === undefined || command === "--help" || command === "-h"))
  ) {
    io.out(`${USAGE}\n\n${SETUP_USAGE}`);
    return group === undefined ? ExitCode.Usage : ExitCode.Ok;
  }
  try {
    if (group !== "sync")
      throw new UsageError(
        `Unknown command '${group}'; the commands are 'fsi sync ...', 'fsi setup' and 'fsi doctor'.`,
      );
    const spec =
      command === "initial"
        ? initialOptions
        : command === "run"
          ? runOptions
          : command === "catch-up"
            ? catchUpOptions
            : connectionOptions;
    const { values, positionals } = parse(rest, spec);
    if (values.help === true) {
      io.out(USAGE);
      return ExitCode.Ok;
    }
    const json = values.json === true;
    return await withContext(io, connectionFlags(values), async (context) => {
      switch (command) {
        case "initial": {
          const maps = mapFlags(values);
          if (maps.length === 0) throw new UsageError("--map is required (a map name, several, or all).");
          if (positionals.length > 0) throw new UsageError(`Unexpected argument '${positionals[0] ?? ""}'.`);
          const batch = text(values, "batch-size");
          const batchSize = batch === undefined ? undefined : Number(batch);
          if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000))
            throw new UsageError("--batch-size must be a whole number from 1 to 1000.");
          const directions = ["fs-to-scm", "scm-to-fs"] as const;
          const direction = required(
            oneOf(text(values, "direction"), directions, "--direction"),
            "--direction",
            directions,
          );
          const master = oneOf(text(values, "master"), ["fs", "scm"] as const, "--master");
          return initialCommand(context, {
            maps,
            direction,
            withDependencies: values.only !== true,
            restart: values.restart === true,
            bypassCustomLogic: values["no-bypass"] !== true,
            json,
            ...(master === undefined ? {} : { master }),
            ...(batchSize === undefined ? {} : { batchSize }),
          });
        }
        case "catch-up":
          if (positionals.length > 0)
            throw new UsageError(`Name maps with --map; unexpected '${positionals[0] ?? ""}'.`);
          return catchUpCommand(context, mapFlags(values), json);
        case "pause":
          return pauseCommand(context, positionals);
        case "resume":
          return resumeCommand(context, positionals);
        case "retry":
          return retryCommand(context, positionals);
        case "errors":
          return errorsCommand(context, positionals, json);
        case "status":
          if (positionals.length > 0) throw new UsageError("status takes no map; it lists every map.");
          return statusCommand(context, json);
        case "run": {
          const [map, extra] = positionals;
          if (map === undefined || extra !== undefined)
            throw new UsageError("run takes one map: fsi sync run <map> [--full].");
          return runBatchCommand(context, map, { full: values.full === true, json });
        }
        default:
          throw new UsageError(`Unknown command 'sync ${command ?? ""}'.`);
      }
    });
  } catch (error) {
    return report(io, error);
  }
}

async function withContext(
  io: CliIo,
  flags: ConnectionFlags,
  work: (context: CommandContext) => Promise<number> | number,
): Promise<number> {
  const settings = cliSettings(flags, io.env, io.cwd);
  const maps = loadMapCatalog(settings.connection.mapOverridePath);
  // The state file is the host's; creating it (and its folder) first is what the host does too.
  if (settings.store.kind === "sqlite") ensureStateFolder(settings.store.path);
  const state = await openStateStore(settings.store);
  const log = createLogger((entry: LogEntry) => {
    const { time: _time, level, message, ...fields } = entry;
    io.err(`${level}: ${message}${Object.keys(fields).length === 0 ? "" : ` ${JSON.stringify(fields)}`}`);
  }, "warn");
  try {
    return await work({ io, settings, maps, state, log });
  } finally {
    await state.close();
  }
}

function report(io: CliIo, error: unknown): number {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof UsageError || error instanceof MapPlanError) {
    io.err(`fsi: ${message}\nRun 'fsi sync --help' for usage.`);
    return ExitCode.Usage;
  }
  if (
    error instanceof CliConfigurationError ||
    error instanceof ConfigFileError ||
    error instanceof HostConfigurationError ||
    error instanceof MapOverrideFileError ||
    error instanceof InitialSyncConflictError
  ) {
    io.err(`fsi: ${message}`);
    return ExitCode.Usage;
  }
  if (error instanceof InitialSyncStoppedError || error instanceof ReplayBusyError) {
    io.err(`fsi: ${message}`);
    return ExitCode.Stopped;
  }
  io.err(`fsi: ${error instanceof Error ? (error.stack ?? message) : message}`);
  return ExitCode.Stopped;
}

/** The process entry (bin/fsi.js). */
export async function main(argv: readonly string[]): Promise<number> {
  return runFsi(argv, {
    out: (line) => {
      process.stdout.write(`${line}\n`);
    },
    err: (line) => {
      process.stderr.write(`${line}\n`);
    },
    env: process.env,
    cwd: process.cwd(),
    progressStream: process.stderr,
  });
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
