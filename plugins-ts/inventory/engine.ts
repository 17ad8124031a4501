/**
 * The inventory engine: the five inventory and project maps (`core/maps/templates/`, or a user's
 * copies), each run live or in scheduled batches as configured, over Dataverse and SCM. One engine
 * serves the webhook plug-ins, the SCM event receiver and the batch runs, so they share the
 * reference cache, the per-row locks and the state (checkpoints, run history).
 */
import type { ScmDataChange } from "@fsi/core/scm/data-events";
import type { InventoryHandlerName } from "@fsi/core/registration";
import type { Plugin, PluginResult } from "../plugins/plugin";
import { DataverseClient, type DataverseClientConfig } from "../services/dataverse-client";
import { type Logger, createLogger } from "../services/logger";
import { ScmClient, type ScmClientConfig } from "../services/scm-client";
import { type BatchProgress, type RunBatchOptions, runDataverseToScm, runScmToDataverse } from "./batch/run-batch";
import { InventoryEventReceiver } from "./events/scm-events";
import { InventoryPostingFlow } from "./flows/inventory-posting";
import { KeyedMutex } from "./flows/keyed-mutex";
import { OnHandFlow } from "./flows/on-hand";
import { ProjectsFlow } from "./flows/projects";
import { References } from "./flows/references";
import type { FlowRuntime, InventoryIntegrationSettings } from "./flows/runtime";
import { WorkOrderOrdersFlow } from "./flows/work-order-orders";
import { PostToScmPlugin } from "./plugins/post-to-scm";
import { PostingLockPlugin } from "./plugins/posting-lock";
import { WorkOrderProjectPlugin } from "./plugins/work-order-project";
import { WorkOrderToScmPlugin } from "./plugins/work-order-to-scm";
import { type InventoryStepDefinition, inventoryStepsFor } from "./registration/steps";
import { type MapStatus, mapStatuses } from "./batch/status";
import type { InventoryStateStore } from "./state/inventory-state";
import { InventoryStore, type RunRecord } from "./state/inventory-store";
import { type FlowCatalog, type InventorySettings, loadFlowCatalog } from "./templates/flow-catalog";

export interface InventoryEngineConfig {
  readonly dataverse: DataverseClientConfig;
  /** SCM; the integration user comes from `integration.scmIntegrationUser`. */
  readonly scm: Omit<ScmClientConfig, "integrationUser">;
  readonly integration: InventoryIntegrationSettings;
  /** Per map: a user's template and the mode (see `templates/flow-catalog.ts`). */
  readonly settings?: InventorySettings;
  /**
   * The engine's state (checkpoints, runs, kept rows): the host's state store's, shared with the
   * plug-in host; the caller closes it. Without one, SQLite at `statePath` (default `:memory:`).
   */
  readonly store?: InventoryStateStore;
  /** SQLite file of checkpoints and run history when no `store` is given; default `:memory:`. */
  readonly statePath?: string;
  /** How often rows kept for a retry (live maps) are tried again; default 60 s, 0 = never by timer. */
  readonly retryIntervalMs?: number;
  readonly log?: Logger;
  readonly clock?: () => Date;
}

/** The engine's webhook plug-ins, by the handler names core registers them under. */
export type InventoryPlugin = Plugin<InventoryHandlerName>;

export interface InventoryEngine {
  readonly catalog: FlowCatalog;
  readonly plugins: ReadonlyMap<InventoryHandlerName, InventoryPlugin>;
  /** Runs a map's batch now (any mode: a live map's run catches up); resolves with the run's record. */
  runBatch(map: string, options?: RunBatchOptions): Promise<RunRecord>;
  /** Where every map stands. */
  batchStatus(): Promise<MapStatus[]>;
  /** The SCM collections whose data events are the engine's (on-hand, projects), in either mode. */
  scmEventCollections(): string[];
  /** Whether SCM's data events of this collection are the engine's. */
  takesScmEventsOf(collection: string): boolean;
  /** Live SCM → FS: one data event. */
  receiveScmEvent(change: ScmDataChange): Promise<PluginResult>;
  /** Tries the rows kept for a retry of the live SCM → FS maps again. */
  retryPending(): Promise<void>;
  /** The webhook steps to register (live maps only for the FS → SCM ones). */
  webhookSteps(): InventoryStepDefinition[];
  /** The SCM collections a live subscription should carry. */
  scmSubscriptionCollections(): string[];
  /** Starts the schedule: batch maps every `scheduleMinutes`, retries every `retryIntervalMs`. */
  startSchedule(): void;
  /** Resolves when scheduled work in progress has finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export type { BatchProgress, MapStatus, RunBatchOptions };

export function createInventoryEngine(config: InventoryEngineConfig): InventoryEngine {
  const catalog = loadFlowCatalog(config.settings);
  const log = config.log ?? createLogger();
  const clock = config.clock ?? (() => new Date());
  const store = config.store ?? new InventoryStore(config.statePath ?? ":memory:", clock);
  const dataverse = new DataverseClient(config.dataverse, { tag: config.integration.echoTag });
  const runtime: FlowRuntime = {
    dataverse,
    scm: new ScmClient({ ...config.scm, integrationUser: config.integration.scmIntegrationUser }),
    references: new References(dataverse),
    store,
    log,
    settings: config.integration,
    clock,
    rowLocks: new KeyedMutex(),
  };
  const onHand = new OnHandFlow(catalog.get("on-hand"), runtime);
  const projects = new ProjectsFlow(catalog.get("projects"), runtime);
  const adjustments = new InventoryPostingFlow(catalog.get("inventory-adjustments"), runtime);
  const transfers = new InventoryPostingFlow(catalog.get("inventory-transfers"), runtime);
  const workOrders = new WorkOrderOrdersFlow(catalog.get("work-order-sales-orders"), runtime);
  const receiver = new InventoryEventReceiver(onHand, projects, runtime);
  const pluginList: InventoryPlugin[] = [
    new PostingLockPlugin(runtime),
    new PostToScmPlugin([adjustments, transfers]),
    new WorkOrderProjectPlugin(runtime),
    new WorkOrderToScmPlugin(workOrders),
  ];
  const plugins = new Map(pluginList.map((plugin) => [plugin.name, plugin]));

  const runBatch = (name: string, options: RunBatchOptions = {}): Promise<RunRecord> => {
    const flow = catalog.get(name);
    switch (flow.name) {
      case "on-hand":
        return runScmToDataverse(onHand, runtime, options);
      case "projects":
        return runScmToDataverse(projects, runtime, options);
      case "inventory-adjustments":
        return runDataverseToScm(adjustments, runtime, options);
      case "inventory-transfers":
        return runDataverseToScm(transfers, runtime, options);
      case "work-order-sales-orders":
        return runDataverseToScm(workOrders, runtime, options);
    }
  };

  const timers: NodeJS.Timeout[] = [];
  const nextRuns = new Map<string, Date>();
  const running = new Set<Promise<unknown>>();
  const background = (map: string, work: () => Promise<unknown>): void => {
    const task = work().catch((error: unknown) => {
      log.error(`${map}: scheduled work failed`, { reason: error instanceof Error ? error.message : String(error) });
    });
    running.add(task);
    void task.finally(() => running.delete(task));
  };
  const busy = new Set<string>();

  const engine: InventoryEngine = {
    catalog,
    plugins,
    runBatch,
    batchStatus: () => mapStatuses(catalog, store, nextRuns),
    scmEventCollections: () => receiver.collections(),
    takesScmEventsOf: (collection) => receiver.collections().includes(collection),
    receiveScmEvent: (change) => receiver.receive(change),
    async retryPending() {
      for (const flow of [onHand, projects]) {
        if (flow.flow.mode !== "live" || (await store.pendingCount(flow.flow.name)) === 0) continue;
        for (const entry of await store.pendingRows(flow.flow.name)) {
          const key = entry.key as Record<string, string>;
          try {
            const row = await runtime.scm.getRow(flow.entity, key);
            await (row === undefined ? flow.applyDeleted(key) : flow.apply(row));
            await store.forgetFailure(flow.flow.name, entry.rowKey);
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            await store.rememberFailure(flow.flow.name, entry.rowKey, key, message);
          }
        }
      }
    },
    webhookSteps: () => inventoryStepsFor(catalog),
    scmSubscriptionCollections: () => receiver.liveCollections(),
    startSchedule() {
      for (const flow of catalog.flows) {
        if (flow.mode !== "batch" || flow.scheduleMinutes === undefined) continue;
        const every = flow.scheduleMinutes * 60_000;
        nextRuns.set(flow.name, new Date(clock().getTime() + every));
        const timer = setInterval(() => {
          nextRuns.set(flow.name, new Date(clock().getTime() + every));
          if (busy.has(flow.name)) return;
          busy.add(flow.name);
          background(flow.name, () => runBatch(flow.name).finally(() => busy.delete(flow.name)));
        }, every);
        timer.unref();
        timers.push(timer);
      }
      const retryEvery = config.retryIntervalMs ?? 60_000;
      if (retryEvery > 0) {
        const timer = setInterval(() => {
          background("retry", () => engine.retryPending());
        }, retryEvery);
        timer.unref();
        timers.push(timer);
      }
    },
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
    async close() {
      for (const timer of timers) clearInterval(timer);
      await engine.idle();
      if (config.store === undefined) await store.close();
    },
  };
  return engine;
}
