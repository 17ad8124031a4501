/**
 * `fsi setup` and `fsi doctor`: arguments (node:util parseArgs) and configuration
 * (`plugins-ts/setup/settings.ts`), then the command (`commands/setup-doctor.ts`).
 */
import { parseArgs } from "node:util";
import { MapOverrideFileError, loadMapCatalog } from "../services/map-catalog";
import { SetupConfigurationError, type SetupFlags, setupSettings } from "../setup/settings";
import { UnreachableError } from "../setup/web-api";
import { doctorCommand, setupCommand } from "./commands/setup-doctor";
import { type CliIo, ExitCode } from "./context";

export const SETUP_USAGE = `Usage: fsi setup [options]    finish the setup after importing the solution, then check it
       fsi doctor [options]   the same checks, changing nothing (exit 1 while something is missing)

setup sets each fsi_ service endpoint's URL and key (the host's FSI_WEBHOOK_KEY, or a new key it
prints once for Key Vault) and the environment variables' values; both check the required solutions
and columns, the endpoints, the variables, the host (reachable, accepting its keys) and the
privileges of the integration's application user (and of --technician / --administrator users).

Where (flags override FSI_* variables, which override --config <file.json> / FSI_CONFIG; with no
Dataverse URL, the running sandbox's .sandbox/connection.json):
  --dataverse-url <url>         FSI_DATAVERSE_URL   the organization
  --host-url <url>              FSI_HOST_URL        the plug-in host's origin
  --integration-user-id <guid>  FSI_INTEGRATION_USER_ID  the host's application user
  FSI_WEBHOOK_AUTH, FSI_WEBHOOK_KEY_NAME, FSI_WEBHOOK_KEY, FSI_SCM_EVENTS_KEY, FSI_SCM_URL: the host's settings
  --sandbox <dir>               FSI_SANDBOX_DIR     --map-overrides <file>  FSI_MAP_OVERRIDE_PATH
Signing in (as the administrator who imported the solution; never the host's identity):
  --sign-in device-code|interactive|azure-cli|client-secret|client-certificate|token   FSI_SIGN_IN
  --tenant-id <id> (FSI_TENANT_ID)  --client-id <id> (FSI_CLIENT_ID: a public client registration)
  --token <t> (with --sign-in token); FSI_SETUP_CLIENT_SECRET, FSI_SETUP_CLIENT_CERTIFICATE_PATH
What setup writes or prints:
  --variable <schema>=<value>   an environment variable's value (repeat); fsi_ValidationApiUrl follows --host-url
  --host-credential managed-identity|client-secret|client-certificate   FSI_CREDENTIAL (default managed-identity)
  --key-vault <name>            FSI_KEY_VAULT   the vault the host's secrets are referenced from
Who else to check:
  --technician <systemuserid>   FSI Technician's privileges (repeat)
  --administrator <systemuserid> FSI Administrator's privileges (repeat)
  --json

Exit codes: 0 nothing missing, 1 something missing (listed with its fix), 2 usage or configuration,
3 Dataverse did not answer.`;

const options = {
  config: { type: "string" },
  sandbox: { type: "string" },
  "dataverse-url": { type: "string" },
  "host-url": { type: "string" },
  "integration-user-id": { type: "string" },
  "sign-in": { type: "string" },
  token: { type: "string" },
  "tenant-id": { type: "string" },
  "client-id": { type: "string" },
  "host-credential": { type: "string" },
  "key-vault": { type: "string" },
  variable: { type: "string", multiple: true },
  technician: { type: "string", multiple: true },
  administrator: { type: "string", multiple: true },
  "map-overrides": { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

type Parsed = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true; strict: true }>>["values"];

function flagsOf(values: Parsed): SetupFlags {
  const flags: Record<string, unknown> = {
    config: values.config,
    sandbox: values.sandbox,
    dataverseUrl: values["dataverse-url"],
    hostUrl: values["host-url"],
    integrationUserId: values["integration-user-id"],
    signIn: values["sign-in"],
    token: values.token,
    tenantId: values["tenant-id"],
    clientId: values["client-id"],
    hostCredential: values["host-credential"],
    keyVault: values["key-vault"],
    variables: values.variable,
    technicians: values.technician,
    administrators: values.administrator,
  };
  return Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined)) as SetupFlags;
}

/** Runs `fsi setup|doctor <args>`; answers the exit code. */
export async function runSetupOrDoctor(
  command: "setup" | "doctor",
  args: readonly string[],
  io: CliIo,
): Promise<number> {
  let values: Parsed;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: [...args], options, allowPositionals: true, strict: true }));
  } catch (error) {
    io.err(`fsi: ${error instanceof Error ? error.message : String(error)}\nRun 'fsi ${command} --help' for usage.`);
    return ExitCode.Usage;
  }
  if (values.help) {
    io.out(SETUP_USAGE);
    return ExitCode.Ok;
  }
  if (positionals.length > 0) {
    io.err(`fsi: unexpected '${positionals[0] ?? ""}'. Run 'fsi ${command} --help' for usage.`);
    return ExitCode.Usage;
  }
  try {
    const settings = setupSettings(flagsOf(values), io.env, io.cwd);
    const maps = loadMapCatalog(values["map-overrides"] ?? io.env.FSI_MAP_OVERRIDE_PATH);
    const context = { io, settings, maps, json: values.json };
    return await (command === "setup" ? setupCommand(context) : doctorCommand(context));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof SetupConfigurationError || error instanceof MapOverrideFileError) {
      io.err(`fsi: ${message}`);
      return ExitCode.Usage;
    }
    if (error instanceof UnreachableError) {
      io.err(`fsi: ${message}`);
      return ExitCode.Stopped;
    }
    io.err(`fsi: ${error instanceof Error ? (error.stack ?? message) : message}`);
    return ExitCode.Stopped;
  }
}
