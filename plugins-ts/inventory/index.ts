/**
 * The inventory and project integration: on-hand SCM → FS through inventory journals,
 * posted adjustments and transfers FS → SCM journals, SCM projects on work orders, completed work
 * orders → SCM sales orders; each map live or in scheduled batches. See README.md.
 *
 * For the CLI (`npx fsi sync run <map>`, `npx fsi sync status`): `runBatch(map, options)` and
 * `batchStatus(options)`. Both use the given engine, or build one from the environment
 * (`config.ts`) — the state file keeps checkpoints and run history between invocations.
 */
import { type Environment, inventoryConfigFromEnv, inventoryStateFromEnv } from "./config";
import {
  type InventoryEngine,
  type InventoryEngineConfig,
  type RunBatchOptions,
  createInventoryEngine,
} from "./engine";
import { type MapStatus, mapStatuses } from "./batch/status";
import type { InventoryStateStore } from "./state/inventory-state";
import { InventoryStore, type RunRecord } from "./state/inventory-store";
import { loadFlowCatalog } from "./templates/flow-catalog";
import type { Logger } from "../services/logger";

export { createInventoryEngine } from "./engine";
export type {
  BatchProgress,
  InventoryEngine,
  InventoryEngineConfig,
  InventoryPlugin,
  MapStatus,
  RunBatchOptions,
} from "./engine";
export {
  inventoryConfigFromEnv,
  inventoryStateFromEnv,
  InventoryConfigurationError,
  DEFAULT_INVENTORY_STATE_PATH,
} from "./config";
export { inventoryStepsFor, inventoryWebhookUrl, DEFAULT_INVENTORY_PREFIX } from "./registration/steps";
export type { InventoryStepDefinition } from "./registration/steps";
export {
  loadFlowCatalog,
  readInventorySettingsFile,
  UnknownMapError,
  InventorySettingsError,
} from "./templates/flow-catalog";
export type { FlowCatalog, InventorySettings, MapSettings, ResolvedFlow } from "./templates/flow-catalog";
export type { RunRecord, RunStatus, RowError, LiveStats } from "./state/inventory-store";

export interface RunBatchCallOptions extends RunBatchOptions {
  /** The engine to run on; default: one built from `env` and closed after the run. */
  readonly engine?: InventoryEngine;
  /** Default `process.env`. */
  readonly env?: Environment;
  /** Instead of `env`. */
  readonly config?: InventoryEngineConfig;
  /** The log of an engine built here; default JSON lines on stdout. */
  readonly log?: Logger;
}

/**
 * Runs one map's batch now: reads what changed since its last run (or everything with
 * `full: true`), reports progress after every row, records the run, and resolves with the run's
 * record (status, counts, first errors, checkpoints). Unknown map → `UnknownMapError`.
 */
export async function runBatch(mapName: string, options: RunBatchCallOptions = {}): Promise<RunRecord> {
  const { engine: given, env, config, log, ...runOptions } = options;
  const engine =
    given ??
    createInventoryEngine({
      ...(config ?? inventoryConfigFromEnv(env ?? process.env)),
      ...(log === undefined ? {} : { log }),
    });
  try {
    return await engine.runBatch(mapName, runOptions);
  } finally {
    if (given === undefined) await engine.close();
  }
}

export interface BatchStatusOptions {
  readonly engine?: InventoryEngine;
  /** The state to read (the host's state store); default the SQLite file `env` names. */
  readonly store?: InventoryStateStore;
  /** Default `process.env`: `FSI_INVENTORY_STATE_PATH`, `FSI_INVENTORY_SETTINGS`. */
  readonly env?: Environment;
}

/** Where every map stands (mode, template, checkpoint, last run with rows and errors, live counts). */
export async function batchStatus(options: BatchStatusOptions = {}): Promise<MapStatus[]> {
  if (options.engine !== undefined) return options.engine.batchStatus();
  const state = inventoryStateFromEnv(options.env ?? process.env);
  if (options.store !== undefined) return mapStatuses(loadFlowCatalog(state.settings), options.store);
  const store = new InventoryStore(state.statePath ?? ":memory:");
  try {
    return await mapStatuses(loadFlowCatalog(state.settings), store);
  } finally {
    await store.close();
  }
}
