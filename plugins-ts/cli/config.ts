/**
 * Where `fsi sync` finds Dataverse, SCM and the plug-in host's state file: flags first, then the
 * host's `FSI_*` variables (`host/config-from-env.ts`), then — when no Dataverse URL is given at
 * all — the local sandbox (`npm start`): everything on http://127.0.0.1:8080, the sandbox's
 * integration user and token, the host's state in `.sandbox/plugins.sqlite`. The sandbox values
 * below mirror `sandbox/auth/plugins-mount.ts` (product code does not import the sandbox; a test
 * checks they agree).
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type IntegrationConnection, integrationConnectionFromEnv } from "../host/config-from-env";

export const SANDBOX_URL = "http://127.0.0.1:8080";
export const SANDBOX_DATAVERSE_TOKEN = "sandbox-integration";
export const SANDBOX_INTEGRATION_USER_ID = "f5100000-0000-4000-8000-00000000f5f5";
export const SANDBOX_STATE_PATH = ".sandbox/plugins.sqlite";

export type Environment = Readonly<Record<string, string | undefined>>;

/** The connection flags every `fsi sync` command takes. */
export interface ConnectionFlags {
  readonly dataverseUrl?: string;
  readonly dataverseToken?: string;
  readonly scmUrl?: string;
  readonly state?: string;
  readonly mapOverrides?: string;
}

export interface CliSettings {
  readonly connection: IntegrationConnection;
  /** Absolute path of the state file the host uses (never `:memory:`: a pause must reach the host). */
  readonly statePath: string;
  /** The environment the inventory engine reads (the same variables, with the flags applied). */
  readonly env: Environment;
  /** True when the defaults of the sandbox were used. */
  readonly sandbox: boolean;
}

export class CliConfigurationError extends Error {
  override readonly name = "CliConfigurationError";
  readonly code = "INVALID_CONFIGURATION";
}

const blank = (value: string | undefined): value is undefined => value === undefined || value.trim() === "";

export function cliSettings(flags: ConnectionFlags, environment: Environment, cwd: string): CliSettings {
  const env: Record<string, string | undefined> = { ...environment };
  const set = (name: string, value: string | undefined) => {
    if (!blank(value)) env[name] = value;
  };
  set("FSI_DATAVERSE_URL", flags.dataverseUrl);
  set("FSI_DATAVERSE_TOKEN", flags.dataverseToken);
  set("FSI_SCM_URL", flags.scmUrl);
  set("FSI_STATE_PATH", flags.state);
  set("FSI_MAP_OVERRIDE_PATH", flags.mapOverrides);
  const sandbox = blank(env.FSI_DATAVERSE_URL);
  if (sandbox) {
    env.FSI_DATAVERSE_URL = SANDBOX_URL;
    if (blank(env.FSI_DATAVERSE_TOKEN) && blank(env.FSI_CLIENT_ID)) env.FSI_DATAVERSE_TOKEN = SANDBOX_DATAVERSE_TOKEN;
    if (blank(env.FSI_SCM_URL)) env.FSI_SCM_URL = `${SANDBOX_URL}/scm`;
    if (blank(env.FSI_INTEGRATION_USER_ID)) env.FSI_INTEGRATION_USER_ID = SANDBOX_INTEGRATION_USER_ID;
    if (blank(env.FSI_STATE_PATH)) env.FSI_STATE_PATH = SANDBOX_STATE_PATH;
  }
  let connection: IntegrationConnection;
  try {
    connection = integrationConnectionFromEnv(env);
  } catch (error) {
    throw new CliConfigurationError(error instanceof Error ? error.message : String(error));
  }
  const state = connection.statePath;
  if (state === undefined || state === ":memory:") {
    throw new CliConfigurationError(
      "Name the plug-in host's state file with --state <path> or FSI_STATE_PATH (the host's own FSI_STATE_PATH): pauses, queues and checkpoints live there.",
    );
  }
  const statePath = resolve(cwd, state);
  return { connection, statePath, env: { ...env, FSI_STATE_PATH: statePath }, sandbox };
}

/** Creates the state file's folder (the host creates the file the same way on its first start). */
export function ensureStateFolder(statePath: string): void {
  mkdirSync(dirname(statePath), { recursive: true });
}
