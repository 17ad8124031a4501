/**
 * The inventory engine's configuration from environment variables (a shell running `fsi sync`,
 * the host's app settings), validated with zod; a bad or missing setting is refused with every
 * problem named. The connection — URLs, tokens, the integration's users, the echo tag — is the
 * plug-in host's (`host/config-from-env.ts`: its variables, its schema, its token choice), plus:
 *
 * | variable | meaning |
 * |---|---|
 * | `FSI_INVENTORY_STATE_PATH` | SQLite file of checkpoints and run history (default `.fsi/inventory.sqlite`) |
 * | `FSI_INVENTORY_SETTINGS` | JSON file choosing each map's mode and template (`{ "maps": { "on-hand": { "mode": "batch" } } }`) |
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import { formatZodError } from "@fsi/core/validation/format-zod-error";
import {
  connectionFields,
  dataverseCredentialsError,
  hasDataverseCredentials,
  integrationConnectionOf,
} from "../host/config-from-env";
import type { InventoryEngineConfig } from "./engine";
import { readInventorySettingsFile } from "./templates/flow-catalog";

export const DEFAULT_INVENTORY_STATE_PATH = ".fsi/inventory.sqlite";

const envSchema = z
  .object({
    ...connectionFields,
    FSI_INVENTORY_STATE_PATH: z.string().trim().min(1).default(DEFAULT_INVENTORY_STATE_PATH),
    FSI_INVENTORY_SETTINGS: z.string().trim().min(1).optional(),
  })
  .refine(hasDataverseCredentials, dataverseCredentialsError);

export class InventoryConfigurationError extends Error {
  override readonly name = "InventoryConfigurationError";
  readonly code = "INVALID_CONFIGURATION";
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** The state file and settings only (what `batchStatus` needs without talking to either system). */
export function inventoryStateFromEnv(environment: Environment): Pick<InventoryEngineConfig, "statePath" | "settings"> {
  const statePath = environment.FSI_INVENTORY_STATE_PATH?.trim() || DEFAULT_INVENTORY_STATE_PATH;
  const settingsPath = environment.FSI_INVENTORY_SETTINGS?.trim();
  return {
    statePath,
    ...(settingsPath === undefined || settingsPath === "" ? {} : { settings: readInventorySettingsFile(settingsPath) }),
  };
}

export function inventoryConfigFromEnv(environment: Environment): InventoryEngineConfig {
  const parsed = envSchema.safeParse(environment);
  if (!parsed.success) throw new InventoryConfigurationError(formatZodError(parsed.error, "environment"));
  const env = parsed.data;
  // The schema's credentials rule holds, so the host's token choice always finds a Dataverse token.
  const connection = integrationConnectionOf(env);
  if (env.FSI_INVENTORY_STATE_PATH !== ":memory:")
    mkdirSync(dirname(env.FSI_INVENTORY_STATE_PATH), { recursive: true });
  return {
    dataverse: connection.dataverse,
    // The engine takes the SCM user from `integration.scmIntegrationUser` (the same variable).
    scm: connection.scm,
    integration: connection.integration,
    statePath: env.FSI_INVENTORY_STATE_PATH,
    ...(env.FSI_INVENTORY_SETTINGS === undefined
      ? {}
      : { settings: readInventorySettingsFile(env.FSI_INVENTORY_SETTINGS) }),
  };
}
