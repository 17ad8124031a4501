/**
 * The inventory engine's configuration from environment variables (a shell running `fsi sync`,
 * the host's app settings), validated with zod; a bad or missing setting is refused with every
 * problem named. The same variables as the plug-in host (`host/config-from-env.ts`), plus:
 *
 * | variable | meaning |
 * |---|---|
 * | `FSI_INVENTORY_STATE_PATH` | SQLite file of checkpoints and run history (default `.fsi/inventory.sqlite`) |
 * | `FSI_INVENTORY_SETTINGS` | JSON file choosing each map's mode and template (`{ "maps": { "on-hand": { "mode": "batch" } } }`) |
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import { formatZodError } from "../../core/validation/format-zod-error";
import { DEFAULT_ECHO_TAG, DEFAULT_SCM_INTEGRATION_USER } from "../integration/settings";
import { type AccessTokenProvider, clientCredentialsToken, fixedToken } from "../services/access-token";
import type { InventoryEngineConfig } from "./engine";
import { readInventorySettingsFile } from "./templates/flow-catalog";

export const DEFAULT_INVENTORY_STATE_PATH = ".fsi/inventory.sqlite";

const url = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });
const optionalText = z.string().trim().min(1).optional();

const envSchema = z
  .object({
    FSI_DATAVERSE_URL: url,
    FSI_DATAVERSE_TOKEN: optionalText,
    FSI_TENANT_ID: optionalText,
    FSI_CLIENT_ID: optionalText,
    FSI_CLIENT_SECRET: optionalText,
    FSI_AUTHORITY_HOST: url.optional(),
    FSI_SCM_URL: url,
    FSI_SCM_TOKEN: optionalText,
    FSI_INTEGRATION_USER_ID: z.guid("must be the GUID of a systemuser"),
    FSI_SCM_INTEGRATION_USER: z.string().trim().min(1).max(100).default(DEFAULT_SCM_INTEGRATION_USER),
    FSI_ECHO_TAG: z.string().trim().min(1).default(DEFAULT_ECHO_TAG),
    FSI_INVENTORY_STATE_PATH: z.string().trim().min(1).default(DEFAULT_INVENTORY_STATE_PATH),
    FSI_INVENTORY_SETTINGS: optionalText,
  })
  .refine((env) => env.FSI_DATAVERSE_TOKEN !== undefined || (env.FSI_TENANT_ID !== undefined && env.FSI_CLIENT_ID !== undefined && env.FSI_CLIENT_SECRET !== undefined), {
    path: ["FSI_DATAVERSE_TOKEN"],
    error: "set FSI_DATAVERSE_TOKEN, or FSI_TENANT_ID, FSI_CLIENT_ID and FSI_CLIENT_SECRET",
  });

export class InventoryConfigurationError extends Error {
  override readonly name = "InventoryConfigurationError";
  readonly code = "INVALID_CONFIGURATION";
}

export type Environment = Readonly<Record<string, string | undefined>>;

type Env = z.infer<typeof envSchema>;

function tokenFor(env: Env, fixed: string | undefined, resource: string): AccessTokenProvider | undefined {
  if (fixed !== undefined) return fixedToken(fixed);
  if (env.FSI_TENANT_ID === undefined || env.FSI_CLIENT_ID === undefined || env.FSI_CLIENT_SECRET === undefined) return undefined;
  return clientCredentialsToken({
    tenantId: env.FSI_TENANT_ID,
    clientId: env.FSI_CLIENT_ID,
    clientSecret: env.FSI_CLIENT_SECRET,
    resource,
    ...(env.FSI_AUTHORITY_HOST === undefined ? {} : { authorityHost: env.FSI_AUTHORITY_HOST }),
  });
}

/** The state file and settings only (what `batchStatus` needs without talking to either system). */
export function inventoryStateFromEnv(environment: Environment): Pick<InventoryEngineConfig, "statePath" | "settings"> {
  const statePath = environment.FSI_INVENTORY_STATE_PATH?.trim() || DEFAULT_INVENTORY_STATE_PATH;
  const settingsPath = environment.FSI_INVENTORY_SETTINGS?.trim();
  return { statePath, ...(settingsPath === undefined || settingsPath === "" ? {} : { settings: readInventorySettingsFile(settingsPath) }) };
}

export function inventoryConfigFromEnv(environment: Environment): InventoryEngineConfig {
  const parsed = envSchema.safeParse(environment);
  if (!parsed.success) throw new InventoryConfigurationError(formatZodError(parsed.error, "environment"));
  const env = parsed.data;
  const dataverseToken = tokenFor(env, env.FSI_DATAVERSE_TOKEN, env.FSI_DATAVERSE_URL);
  if (dataverseToken === undefined) throw new InventoryConfigurationError("environment: no way to get a Dataverse token.");
  const scmToken = tokenFor(env, env.FSI_SCM_TOKEN, env.FSI_SCM_URL);
  if (env.FSI_INVENTORY_STATE_PATH !== ":memory:") mkdirSync(dirname(env.FSI_INVENTORY_STATE_PATH), { recursive: true });
  return {
    dataverse: { url: env.FSI_DATAVERSE_URL, accessToken: dataverseToken },
    scm: { url: env.FSI_SCM_URL, ...(scmToken === undefined ? {} : { accessToken: scmToken }) },
    integration: { integrationUserId: env.FSI_INTEGRATION_USER_ID.toLowerCase(), scmIntegrationUser: env.FSI_SCM_INTEGRATION_USER, echoTag: env.FSI_ECHO_TAG },
    statePath: env.FSI_INVENTORY_STATE_PATH,
    ...(env.FSI_INVENTORY_SETTINGS === undefined ? {} : { settings: readInventorySettingsFile(env.FSI_INVENTORY_SETTINGS) }),
  };
}
