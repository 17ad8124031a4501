/**
 * What `fsi setup` and `fsi doctor` work with, from flags, then the `FSI_*` variables, then a
 * config file (`--config <file.json>` / `FSI_CONFIG`, `cli/config-file.ts`: a JSON object of the same `FSI_*` settings),
 * then — when no Dataverse URL is given or it is the sandbox's — the running sandbox's connection
 * file (its URL, the integration user, the host's keys and the set-up administrator's token).
 *
 * Two identities are involved and never mixed: the person (or admin app) running the command signs
 * in to Dataverse with `--sign-in` (`sign-in.ts`); the host's identity is what the command prints
 * for the host's app settings (`--host-credential`, managed identity by default).
 */
import { resolve } from "node:path";
import { z } from "zod";
import { DEFAULT_WEBHOOK_KEY_HEADER, type WebhookAuth } from "../http-kit/auth/webhook-key";
import { type Environment, environmentWithConfigFile } from "../cli/config-file";
import { DEFAULT_SANDBOX_DIR, SandboxConnectionError, readSandboxConnection } from "../cli/sandbox-connection";

export type { Environment };

export const signInKinds = [
  "sandbox",
  "token",
  "device-code",
  "interactive",
  "azure-cli",
  "client-secret",
  "client-certificate",
] as const;
export type SignInKind = (typeof signInKinds)[number];

export const hostCredentialKinds = ["managed-identity", "client-secret", "client-certificate"] as const;
export type HostCredentialKind = (typeof hostCredentialKinds)[number];

/** The flags `fsi setup` and `fsi doctor` take (each overrides its variable). */
export interface SetupFlags {
  readonly config?: string;
  readonly sandbox?: string;
  readonly dataverseUrl?: string;
  readonly hostUrl?: string;
  readonly integrationUserId?: string;
  readonly signIn?: string;
  readonly token?: string;
  readonly tenantId?: string;
  readonly clientId?: string;
  readonly hostCredential?: string;
  readonly keyVault?: string;
  /** `schema=value` pairs for environment variables. */
  readonly variables?: readonly string[];
  readonly technicians?: readonly string[];
  readonly administrators?: readonly string[];
}

/** How the command signs in to Dataverse (never the host's own credential). */
export type SignIn =
  | { readonly kind: "token"; readonly token: string }
  | { readonly kind: "device-code" | "interactive"; readonly tenantId: string; readonly clientId: string }
  | { readonly kind: "azure-cli"; readonly tenantId?: string }
  | {
      readonly kind: "client-secret";
      readonly tenantId: string;
      readonly clientId: string;
      readonly clientSecret: string;
    }
  | {
      readonly kind: "client-certificate";
      readonly tenantId: string;
      readonly clientId: string;
      readonly certificatePath: string;
    };

export interface SetupSettings {
  readonly dataverseUrl: string;
  readonly hostUrl: string;
  readonly signIn: SignIn;
  readonly authorityHost?: string;
  readonly integrationUserId: string;
  /** The host's service endpoint authentication; `key` undefined when the host's key was not given. */
  readonly webhookAuth: { readonly kind: WebhookAuth["kind"]; readonly name: string; readonly key: string | undefined };
  readonly scmEventsKey: string | undefined;
  readonly scmUrl: string | undefined;
  readonly hostCredential: HostCredentialKind;
  readonly keyVault: string | undefined;
  /** Environment variable values to set (schema name → value). */
  readonly variables: Readonly<Record<string, string>>;
  readonly technicians: readonly string[];
  readonly administrators: readonly string[];
  /** True when the running sandbox's connection file was used. */
  readonly sandbox: boolean;
  /** The host's other settings as given (printed back for its app settings). */
  readonly env: Environment;
}

export class SetupConfigurationError extends Error {
  override readonly name = "SetupConfigurationError";
  readonly code = "INVALID_CONFIGURATION";
}

const blank = (value: string | undefined): value is undefined => value === undefined || value.trim() === "";
const guid = z.guid("must be the GUID of a systemuser");

function pairs(entries: readonly string[], flag: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const entry of entries) {
    const at = entry.indexOf("=");
    if (at <= 0) throw new SetupConfigurationError(`${flag} takes <name>=<value>; got '${entry}'.`);
    values[entry.slice(0, at).trim()] = entry.slice(at + 1);
  }
  return values;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], name: string): T | undefined {
  if (blank(value)) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new SetupConfigurationError(`${name} must be ${allowed.join(", ")}; got '${value}'.`);
  return value as T;
}

function need(value: string | undefined, what: string): string {
  if (blank(value)) throw new SetupConfigurationError(`${what} is required.`);
  return value;
}

function signInOf(kind: SignInKind, env: Environment, flags: SetupFlags, sandboxToken: string | undefined): SignIn {
  const tenantId = flags.tenantId ?? env.FSI_TENANT_ID;
  const clientId = flags.clientId ?? env.FSI_CLIENT_ID;
  switch (kind) {
    case "sandbox":
      return {
        kind: "token",
        token: need(
          sandboxToken,
          "The sandbox's set-up token (start the sandbox again to rewrite its connection file)",
        ),
      };
    case "token":
      return { kind: "token", token: need(flags.token, "--token (a Dataverse access token, with --sign-in token)") };
    case "device-code":
    case "interactive":
      return {
        kind,
        tenantId: need(tenantId, `--tenant-id (or FSI_TENANT_ID) for --sign-in ${kind}`),
        clientId: need(
          clientId,
          `--client-id (or FSI_CLIENT_ID: a public client app registration allowed to call Dataverse) for --sign-in ${kind}`,
        ),
      };
    case "azure-cli":
      return blank(tenantId) ? { kind } : { kind, tenantId };
    case "client-secret":
      return {
        kind,
        tenantId: need(tenantId, "--tenant-id (or FSI_TENANT_ID)"),
        clientId: need(clientId, "--client-id (or FSI_CLIENT_ID)"),
        clientSecret: need(
          env.FSI_SETUP_CLIENT_SECRET,
          "FSI_SETUP_CLIENT_SECRET (the set-up app registration's secret)",
        ),
      };
    case "client-certificate":
      return {
        kind,
        tenantId: need(tenantId, "--tenant-id (or FSI_TENANT_ID)"),
        clientId: need(clientId, "--client-id (or FSI_CLIENT_ID)"),
        certificatePath: need(
          env.FSI_SETUP_CLIENT_CERTIFICATE_PATH,
          "FSI_SETUP_CLIENT_CERTIFICATE_PATH (PEM with key and certificate)",
        ),
      };
  }
}

export function setupSettings(flags: SetupFlags, environment: Environment, cwd: string): SetupSettings {
  // The environment overrides the file; flags override both (below).
  const env = environmentWithConfigFile(flags.config, environment, cwd);

  const dir = resolve(cwd, flags.sandbox ?? env.FSI_SANDBOX_DIR ?? DEFAULT_SANDBOX_DIR);
  let found;
  try {
    found = readSandboxConnection(dir);
  } catch (error) {
    if (error instanceof SandboxConnectionError) throw new SetupConfigurationError(error.message);
    throw error;
  }
  const givenUrl = flags.dataverseUrl ?? env.FSI_DATAVERSE_URL;
  const sandbox = found !== undefined && (blank(givenUrl) || new URL(givenUrl).origin === new URL(found.url).origin);
  const sandboxConnection = sandbox ? found : undefined;
  const dataverseUrl = givenUrl ?? sandboxConnection?.url;
  if (blank(dataverseUrl))
    throw new SetupConfigurationError(
      "No Dataverse to set up: give --dataverse-url (or FSI_DATAVERSE_URL), or start the sandbox (npm start -- --no-keys).",
    );
  const hostUrl = flags.hostUrl ?? env.FSI_HOST_URL ?? sandboxConnection?.url;
  const signInKind =
    oneOf(flags.signIn ?? env.FSI_SIGN_IN, signInKinds, "--sign-in") ??
    (sandboxConnection !== undefined ? "sandbox" : !blank(flags.token) ? "token" : "device-code");
  const integrationUserId = guid.safeParse(
    flags.integrationUserId ?? env.FSI_INTEGRATION_USER_ID ?? sandboxConnection?.integrationUserId,
  );
  if (!integrationUserId.success)
    throw new SetupConfigurationError(
      "--integration-user-id (or FSI_INTEGRATION_USER_ID) must be the systemuserid of the integration's application user.",
    );
  const authKind =
    oneOf(env.FSI_WEBHOOK_AUTH, ["HttpHeader", "WebhookKey", "HttpQueryString"] as const, "FSI_WEBHOOK_AUTH") ??
    "HttpHeader";
  const keyName = env.FSI_WEBHOOK_KEY_NAME ?? sandboxConnection?.webhookKeyName;
  if (authKind === "HttpQueryString" && blank(keyName))
    throw new SetupConfigurationError(
      "FSI_WEBHOOK_AUTH=HttpQueryString needs FSI_WEBHOOK_KEY_NAME (the query parameter's name).",
    );
  for (const user of [...(flags.technicians ?? []), ...(flags.administrators ?? [])]) {
    if (!guid.safeParse(user).success)
      throw new SetupConfigurationError(`--technician and --administrator take a systemuserid; got '${user}'.`);
  }
  const authorityHost = env.FSI_AUTHORITY_HOST;
  return {
    dataverseUrl: dataverseUrl.replace(/\/+$/, ""),
    hostUrl: need(
      hostUrl,
      "--host-url (or FSI_HOST_URL: the plug-in host's origin, e.g. https://fsi-plugins.azurewebsites.net)",
    ).replace(/\/+$/, ""),
    signIn: signInOf(signInKind, env, flags, sandboxConnection?.setupToken),
    ...(blank(authorityHost) ? {} : { authorityHost }),
    integrationUserId: integrationUserId.data.toLowerCase(),
    webhookAuth: {
      kind: authKind,
      name: keyName ?? (authKind === "WebhookKey" ? "code" : DEFAULT_WEBHOOK_KEY_HEADER),
      key: env.FSI_WEBHOOK_KEY ?? sandboxConnection?.webhookKey,
    },
    scmEventsKey: env.FSI_SCM_EVENTS_KEY ?? sandboxConnection?.scmEventsKey,
    scmUrl: env.FSI_SCM_URL ?? sandboxConnection?.scmUrl,
    hostCredential:
      oneOf(flags.hostCredential ?? env.FSI_CREDENTIAL, hostCredentialKinds, "--host-credential") ?? "managed-identity",
    keyVault: flags.keyVault ?? env.FSI_KEY_VAULT,
    variables: { ...sandboxConnection?.variables, ...pairs(flags.variables ?? [], "--variable") },
    technicians: (flags.technicians ?? []).map((id) => id.toLowerCase()),
    administrators: (flags.administrators ?? []).map((id) => id.toLowerCase()),
    sandbox,
    env,
  };
}
