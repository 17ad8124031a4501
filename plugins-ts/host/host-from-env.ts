/**
 * The integration as the production entries run it (`main.ts`, `azure/`), configured from the
 * environment (app settings, or a shell): one state store, one inventory engine, one plug-in host
 * serving every route of the route table. The connection, keys, limits and files are the host's
 * `FSI_*` settings (`config-from-env.ts`), plus the inventory engine's own (`inventory/config.ts`:
 * `FSI_INVENTORY_STATE_PATH`, `FSI_INVENTORY_SETTINGS`) — one service endpoint key and one SCM
 * events key for every map.
 */
import { type InventoryEngine, createInventoryEngine, inventoryConfigFromEnv } from "../inventory";
import { createAzureStateStore } from "../sync/azure/azure-state-store";
import type { HostStateStore } from "../sync/state-store";
import { openSqliteStateStore } from "../sync/sync-state";
import { hostConfigFromEnv } from "./config-from-env";
import { type PluginHost, type PluginHostConfig, createPluginHost } from "./plugin-host";

export interface ConfiguredHost {
  readonly config: PluginHostConfig;
  readonly host: PluginHost;
  readonly engine: InventoryEngine;
  readonly store: HostStateStore;
  /** Stops the host and the engine's schedule (if started) after in-flight work, then closes the store. */
  close(): Promise<void>;
}

/**
 * The host's one state store: Azure Storage (`FSI_STATE_STORE=azure`, shared by every instance) or
 * SQLite — the sync's file `FSI_STATE_PATH` and the inventory engine's `inventoryPath`.
 */
export function openHostStateStore(config: PluginHostConfig, inventoryPath: string | undefined): HostStateStore {
  const backoff = config.retryBackoff === undefined ? {} : { retryBackoff: config.retryBackoff };
  if (config.azureStore !== undefined) return createAzureStateStore(config.azureStore, backoff);
  return openSqliteStateStore({
    path: config.statePath ?? ":memory:",
    ...(inventoryPath === undefined ? {} : { inventoryPath }),
    ...backoff,
  });
}

export function hostFromEnv(environment: Readonly<Record<string, string | undefined>>): ConfiguredHost {
  const config = hostConfigFromEnv(environment);
  const inventoryConfig = inventoryConfigFromEnv(environment);
  const store = openHostStateStore(config, inventoryConfig.statePath);
  let engine: InventoryEngine | undefined;
  let host: PluginHost;
  try {
    engine = createInventoryEngine({
      ...inventoryConfig,
      store: store.inventory,
      ...(config.retryIntervalMs === undefined ? {} : { retryIntervalMs: config.retryIntervalMs }),
      ...(config.log === undefined ? {} : { log: config.log }),
    });
    host = createPluginHost({ ...config, store, inventory: engine });
  } catch (error) {
    // A bad template or map override: nothing started, but the store is open.
    void (engine?.close() ?? Promise.resolve()).finally(() => store.close());
    throw error;
  }
  const started = engine;
  return {
    config,
    host,
    engine: started,
    store,
    async close() {
      await host.close();
      await started.close();
      await store.close();
    },
  };
}
