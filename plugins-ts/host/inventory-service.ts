/**
 * The inventory engine and its HTTP host (`plugins-ts/inventory`) as the production entries run
 * them beside the plug-in host, configured from the same environment: the engine's connection and
 * files from `inventory/config.ts` (`FSI_*` of the host, plus `FSI_INVENTORY_STATE_PATH` and
 * `FSI_INVENTORY_SETTINGS`), and the keys, body limit and retry interval from the plug-in host's
 * configuration — one service endpoint key and one SCM events key for both hosts, so a customer
 * registers the inventory endpoints (`<host>/plugins/inventory/webhooks/<handler>`) with the key the
 * five-table endpoints already use.
 */
import {
  type InventoryEngine,
  type InventoryHost,
  DEFAULT_INVENTORY_PREFIX,
  createInventoryEngine,
  createInventoryHost,
  inventoryConfigFromEnv,
} from "../inventory";
import type { InventoryStateStore } from "../inventory/state/inventory-state";
import type { PluginHostConfig } from "./plugin-host";

export interface InventoryService {
  readonly engine: InventoryEngine;
  readonly host: InventoryHost;
  /** Stops the schedule (if started), waits for scheduled work, closes the state file. */
  close(): Promise<void>;
}

export function inventoryServiceFromEnv(
  environment: Readonly<Record<string, string | undefined>>,
  hostConfig: PluginHostConfig,
  store?: InventoryStateStore,
): InventoryService {
  const engine = createInventoryEngine({
    ...inventoryConfigFromEnv(environment),
    ...(store === undefined ? {} : { store }),
    ...(hostConfig.retryIntervalMs === undefined ? {} : { retryIntervalMs: hostConfig.retryIntervalMs }),
    ...(hostConfig.log === undefined ? {} : { log: hostConfig.log }),
  });
  const host = createInventoryHost(engine, {
    webhookAuth: hostConfig.webhookAuth,
    scmEventsAuth: hostConfig.scmEventsAuth,
    ...(hostConfig.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: hostConfig.bodyLimitBytes }),
    ...(hostConfig.log === undefined ? {} : { log: hostConfig.log }),
  });
  return { engine, host, close: () => engine.close() };
}

/** Whether a request path belongs to the inventory host (`/plugins/inventory` and below). */
export function isInventoryPath(pathname: string): boolean {
  return pathname === DEFAULT_INVENTORY_PREFIX || pathname.startsWith(`${DEFAULT_INVENTORY_PREFIX}/`);
}
