/**
 * Where `fsi sync` finds Dataverse, SCM and the plug-in host's state file: flags first, then the
 * host's `FSI_*` variables (`host/config-from-env.ts`), then — when no Dataverse URL is given, or
 * the one given is the sandbox's — the connection file a running sandbox leaves in its state folder
 * (`sandbox-connection.ts`; `.sandbox/` unless `--sandbox <dir>` or `FSI_SANDBOX_DIR` names another):
 * its URL (whatever port it took), its token and integration user, and its host's and inventory
 * engine's state files. Errors name the flag or variable the user gave.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type IntegrationConnection, integrationConnectionFromEnv } from "../host/config-from-env";
import { type StateStoreSettings, describeStateStore } from "../sync/open-state-store";
import {
  DEFAULT_SANDBOX_DIR,
  SANDBOX_CONNECTION_FILE,
  type SandboxConnection,
  SandboxConnectionError,
  readSandboxConnection,
} from "./sandbox-connection";

export type Environment = Readonly<Record<string, string | undefined>>;

/** The connection flags every `fsi sync` command takes. */
export interface ConnectionFlags {
  readonly dataverseUrl?: string;
  readonly dataverseToken?: string;
  readonly scmUrl?: string;
  readonly integrationUserId?: string;
  readonly state?: string;
  readonly mapOverrides?: string;
  readonly sandbox?: string;
  /** A JSON file of `FSI_*` settings (a deployed host's); `FSI_CONFIG` otherwise. */
  readonly config?: string;
}

/** Each flag and the host variable it overrides. */
const FLAG_VARIABLES: readonly (readonly [keyof ConnectionFlags, string, string])[] = [
  ["dataverseUrl", "--dataverse-url", "FSI_DATAVERSE_URL"],
  ["dataverseToken", "--dataverse-token", "FSI_DATAVERSE_TOKEN"],
  ["scmUrl", "--scm-url", "FSI_SCM_URL"],
  ["integrationUserId", "--integration-user-id", "FSI_INTEGRATION_USER_ID"],
  ["state", "--state", "FSI_STATE_PATH"],
  ["mapOverrides", "--map-overrides", "FSI_MAP_OVERRIDE_PATH"],
];

export interface CliSettings {
  readonly connection: IntegrationConnection;
  /** The host's state store: its SQLite file (never `:memory:`: a pause must reach the host) or its Azure Storage account. */
  readonly store: StateStoreSettings;
  /** Where the state is, for people: the SQLite file's absolute path, or the Azure account and prefix. */
  readonly statePath: string;
  /** The environment the inventory engine reads (the same variables, with the flags applied). */
  readonly env: Environment;
  /** True when the running sandbox's connection file was used. */
  readonly sandbox: boolean;
}

export class CliConfigurationError extends Error {
  override readonly name = "CliConfigurationError";
  readonly code = "INVALID_CONFIGURATION";
}

const blank = (value: string | undefined): value is undefined => value === undefined || value.trim() === "";
const sameOrigin = (a: string, b: string): boolean => {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
};

/** Rewrites the variable names in a message to what the user gave: the flag, the variable, or either. */
function inUsersTerms(message: string, flags: ConnectionFlags, environment: Environment): string {
  let text = message;
  for (const [key, flag, variable] of FLAG_VARIABLES) {
    const name = !blank(flags[key]) ? flag : !blank(environment[variable]) ? variable : `${flag} (or ${variable})`;
    text = text.replace(new RegExp(`\\b${variable}\\b`, "g"), name);
  }
  return text.replace(/^environment: /gm, "");
}

function sandboxConnection(
  flags: ConnectionFlags,
  environment: Environment,
  cwd: string,
): { dir: string; found: SandboxConnection | undefined } {
  const dir = resolve(cwd, flags.sandbox ?? environment.FSI_SANDBOX_DIR ?? DEFAULT_SANDBOX_DIR);
  try {
    return { dir, found: readSandboxConnection(dir) };
  } catch (error) {
    if (error instanceof SandboxConnectionError) throw new CliConfigurationError(error.message);
    throw error;
  }
}

/**
 * The settings of `--config <file.json>` (or `FSI_CONFIG`): one JSON object of `FSI_*` names and
 * string values, the same settings a deployed host has (its app settings), so `fsi` reaches the
 * host's store and endpoints.
 */
export function readConfigFile(path: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new CliConfigurationError(`--config ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new CliConfigurationError(`--config ${path}: expected one JSON object of FSI_* settings, e.g. {"FSI_STATE_STORE": "azure", ...}.`);
  }
  const settings: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (!name.startsWith("FSI_")) throw new CliConfigurationError(`--config ${path}: '${name}' is not an FSI_* setting.`);
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      throw new CliConfigurationError(`--config ${path}: ${name} must be a string (or a number or boolean).`);
    }
    settings[name] = String(value);
  }
  return settings;
}

export function cliSettings(flags: ConnectionFlags, environment: Environment, cwd: string): CliSettings {
  const configPath = flags.config ?? environment.FSI_CONFIG;
  const fromFile = blank(configPath) ? {} : readConfigFile(resolve(cwd, configPath));
  const env: Record<string, string | undefined> = { ...environment, ...fromFile };
  for (const [key, , variable] of FLAG_VARIABLES) {
    const value = flags[key];
    if (!blank(value)) env[variable] = value;
  }
  let sandbox = false;
  const givenUrl = env.FSI_DATAVERSE_URL;
  const { dir, found } = sandboxConnection(flags, env, cwd);
  if (blank(givenUrl) && found === undefined) {
    throw new CliConfigurationError(
      `No Dataverse to talk to: give --dataverse-url (or FSI_DATAVERSE_URL), or start the sandbox (npm start), which leaves its connection in ${resolve(dir, SANDBOX_CONNECTION_FILE)} (another state folder: --sandbox <dir>).`,
    );
  }
  if (found !== undefined && (blank(givenUrl) || sameOrigin(givenUrl, found.url))) {
    sandbox = true;
    env.FSI_DATAVERSE_URL = blank(givenUrl) ? found.url : givenUrl;
    if (blank(env.FSI_DATAVERSE_TOKEN) && blank(env.FSI_CLIENT_ID)) env.FSI_DATAVERSE_TOKEN = found.dataverseToken;
    if (blank(env.FSI_SCM_URL)) env.FSI_SCM_URL = found.scmUrl;
    if (blank(env.FSI_INTEGRATION_USER_ID)) env.FSI_INTEGRATION_USER_ID = found.integrationUserId;
    if (blank(env.FSI_STATE_PATH)) env.FSI_STATE_PATH = found.statePath;
    if (blank(env.FSI_INVENTORY_STATE_PATH)) env.FSI_INVENTORY_STATE_PATH = found.inventoryStatePath;
  }
  let connection: IntegrationConnection;
  try {
    connection = integrationConnectionFromEnv(env);
  } catch (error) {
    throw new CliConfigurationError(
      inUsersTerms(error instanceof Error ? error.message : String(error), flags, environment),
    );
  }
  if (connection.azureStore !== undefined) {
    const store: StateStoreSettings = { kind: "azure", ...connection.azureStore };
    return { connection, store, statePath: describeStateStore(store), env, sandbox };
  }
  const state = connection.statePath;
  if (state === undefined || state === ":memory:") {
    throw new CliConfigurationError(
      "Name the plug-in host's state file with --state <path> or FSI_STATE_PATH (the host's own FSI_STATE_PATH): pauses, queues and checkpoints live there.",
    );
  }
  const statePath = resolve(cwd, state);
  const inventoryState = env.FSI_INVENTORY_STATE_PATH;
  return {
    connection,
    // The inventory engine's SQLite file is read by `status` from `env`, only when it exists.
    store: { kind: "sqlite", path: statePath },
    statePath,
    env: {
      ...env,
      FSI_STATE_PATH: statePath,
      ...(blank(inventoryState) || inventoryState === ":memory:"
        ? {}
        : { FSI_INVENTORY_STATE_PATH: resolve(cwd, inventoryState) }),
    },
    sandbox,
  };
}

/** Creates the state file's folder (the host creates the file the same way on its first start). */
export function ensureStateFolder(statePath: string): void {
  mkdirSync(dirname(statePath), { recursive: true });
}
