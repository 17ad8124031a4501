/**
 * The integration's routes as Azure Functions triggers: the plug-in host's HTTP routes (the SCM
 * catch-up pass included), the
 * inventory host's (`plugins/inventory/...`) and the inventory schedule's timer.
 * `integrationFunctions(environment)` builds them over hosts configured from the Function App's
 * settings (created on first use, so a cold start that only answers a preflight stays cheap);
 * `index.ts` registers them on `@azure/functions`' `app`. Routes match the local server's
 * (`host.json` sets `routePrefix` to ""), so a Dataverse service endpoint URL only changes its origin.
 */
import type { HttpFunctionOptions, HttpMethod, TimerFunctionOptions } from "@azure/functions";
import { hostConfigFromEnv } from "../host/config-from-env";
import type { HostHandler } from "../http-kit/exchange";
import { type InventoryService, inventoryServiceFromEnv } from "../host/inventory-service";
import { type PluginHost, type PluginHostConfig, createPluginHost, openHostStateStore } from "../host/plugin-host";
import type { HostStateStore } from "../sync/state-store";
import { type CallerWait, DATAVERSE_CALLER } from "./caller-wait";
import { type AzureHttpHandler, azureHandler } from "./http-adapter";
import { type InventoryScheduleFunction, inventoryScheduleFunction } from "./inventory-schedule";

export interface PluginFunction {
  readonly name: string;
  readonly route: string;
  readonly methods: readonly HttpMethod[];
  readonly handler: AzureHttpHandler;
}

/**
 * The plug-in host's functions, each routing into the host. Webhooks and SCM's events come through
 * Dataverse, whose wait (`dataverseCaller`, default 60 s) tells when a caller has given up.
 */
export function pluginFunctions(
  host: () => { readonly handle: HostHandler },
  dataverseCaller: CallerWait = DATAVERSE_CALLER,
): PluginFunction[] {
  const handler = azureHandler(() => host().handle);
  const dataverseHandler = azureHandler(() => host().handle, dataverseCaller);
  return [
    { name: "webhooks", route: "plugins/webhooks/{handler}", methods: ["POST"], handler: dataverseHandler },
    { name: "scm-events", route: "plugins/scm-events", methods: ["POST"], handler: dataverseHandler },
    { name: "validate", route: "plugins/validate", methods: ["POST", "OPTIONS"], handler },
    // An administrator's (or a schedule's) call, not Dataverse's: no caller wait applies.
    { name: "scm-catch-up", route: "plugins/scm-catch-up", methods: ["POST"], handler },
    { name: "health", route: "plugins/health", methods: ["GET"], handler },
    // `fsi doctor`'s keyed probe: does the host accept the key the endpoints send?
    { name: "probe", route: "plugins/probe/{target}", methods: ["GET"], handler },
  ];
}

/** The inventory host's functions (`plugins-ts/inventory/host`), each routing into it. */
export function inventoryFunctions(host: () => { readonly handle: HostHandler }): PluginFunction[] {
  const handler = azureHandler(() => host().handle);
  return [
    { name: "inventory-webhooks", route: "plugins/inventory/webhooks/{handler}", methods: ["POST"], handler },
    { name: "inventory-scm-events", route: "plugins/inventory/scm-events", methods: ["POST"], handler },
    { name: "inventory-status", route: "plugins/inventory/status", methods: ["GET"], handler },
  ];
}

export interface IntegrationFunctions {
  readonly http: readonly PluginFunction[];
  readonly timers: readonly InventoryScheduleFunction[];
  /** Closes the hosts created so far (a test's cleanup; the Functions host just ends the process). */
  close(): Promise<void>;
}

/**
 * Every function over one plug-in host and one inventory engine, both configured from `environment`
 * (the app settings) when first needed; a bad setting fails that invocation with every problem named.
 * `clock`: what the schedule takes as now (default the system clock).
 */
export function integrationFunctions(
  environment: Readonly<Record<string, string | undefined>>,
  options: { readonly clock?: () => Date } = {},
): IntegrationFunctions {
  let config: PluginHostConfig | undefined;
  let host: PluginHost | undefined;
  let inventory: InventoryService | undefined;
  let store: HostStateStore | undefined;
  let storeOpened = false;
  const sharedConfig = (): PluginHostConfig => (config ??= hostConfigFromEnv(environment));
  // One state store for both hosts of the instance (Azure Storage: shared by every instance).
  const sharedStore = (): HostStateStore | undefined => {
    if (!storeOpened) {
      store = openHostStateStore(sharedConfig());
      storeOpened = true;
    }
    return store;
  };
  const sharedHost = (): PluginHost => {
    if (host !== undefined) return host;
    const shared = sharedStore();
    host = createPluginHost(shared === undefined ? sharedConfig() : { ...sharedConfig(), store: shared });
    return host;
  };
  // The engine's own `startSchedule()` is not called here: its timers live in the process, which a
  // consumption plan stops when idle; the timer trigger below drives the schedule instead.
  const sharedInventory = (): InventoryService =>
    (inventory ??= inventoryServiceFromEnv(environment, sharedConfig(), sharedStore()?.inventory));
  return {
    http: [...pluginFunctions(sharedHost), ...inventoryFunctions(() => sharedInventory().host)],
    timers: [inventoryScheduleFunction(() => sharedInventory().engine, options.clock)],
    async close() {
      await host?.close();
      await inventory?.close();
      await store?.close();
    },
  };
}

export interface FunctionsApp {
  http(name: string, options: HttpFunctionOptions): void;
}

export interface TimerFunctionsApp {
  timer(name: string, options: TimerFunctionOptions): void;
}

export function registerPluginFunctions(app: FunctionsApp, functions: readonly PluginFunction[]): void {
  for (const fn of functions) {
    // Anonymous at the Functions level: the hosts check the webhook key, the SCM key and the bearer token themselves.
    app.http(fn.name, { route: fn.route, methods: [...fn.methods], authLevel: "anonymous", handler: fn.handler });
  }
}

export function registerTimerFunctions(app: TimerFunctionsApp, functions: readonly InventoryScheduleFunction[]): void {
  for (const fn of functions) app.timer(fn.name, { schedule: fn.schedule, handler: fn.handler });
}
