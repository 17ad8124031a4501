/**
 * The integration's routes as Azure Functions triggers: one HTTP function per row of the host's
 * route table (`host/routes.ts`), and the inventory schedule's timer. A composition root: nothing
 * imports it but `index.ts` and its tests.
 * `integrationFunctions(environment)` builds them over the host configured from the Function App's
 * settings (created on first use, so a cold start that only answers a preflight stays cheap);
 * `index.ts` registers them on `@azure/functions`' `app`. Routes match the local server's
 * (`host.json` sets `routePrefix` to ""), so a Dataverse service endpoint URL only changes its origin.
 */
import type { HttpFunctionOptions, HttpMethod, TimerFunctionOptions } from "@azure/functions";
import { type ConfiguredHost, hostFromEnv } from "../host/host-from-env";
import { HOST_PREFIX, HOST_ROUTES, type RouteName } from "../host/routes";
import type { HostHandler } from "../http-kit/exchange";
import { type CallerWait, DATAVERSE_CALLER } from "./caller-wait";
import { type AzureHttpHandler, azureHandler } from "./http-adapter";
import { type InventoryScheduleFunction, inventoryScheduleFunction } from "./inventory-schedule";

export interface PluginFunction {
  readonly name: RouteName;
  readonly route: string;
  readonly methods: readonly HttpMethod[];
  readonly handler: AzureHttpHandler;
}

/**
 * One HTTP function per row of the host's route table, each routing into the host (which matches
 * the same table again). Routes Dataverse calls (webhooks, SCM's events, which come through
 * Dataverse) know its wait (`dataverseCaller`, default 60 s), which tells when a caller has given up;
 * an administrator's or a browser's call has none.
 */
export function pluginFunctions(
  host: () => { readonly handle: HostHandler },
  dataverseCaller: CallerWait = DATAVERSE_CALLER,
): PluginFunction[] {
  const handler = azureHandler(() => host().handle);
  const dataverseHandler = azureHandler(() => host().handle, dataverseCaller);
  return HOST_ROUTES.map((route) => ({
    name: route.name,
    route: `${HOST_PREFIX.replace(/^\/+/, "")}/${route.path}`,
    methods: route.methods,
    handler: route.caller === "dataverse" ? dataverseHandler : handler,
  }));
}

export interface IntegrationFunctions {
  readonly http: readonly PluginFunction[];
  readonly timers: readonly InventoryScheduleFunction[];
  /** Closes the hosts created so far (a test's cleanup; the Functions host just ends the process). */
  close(): Promise<void>;
}

/**
 * Every function over one host (one state store, one inventory engine), configured from `environment`
 * (the app settings) when first needed; a bad setting fails that invocation with every problem named.
 * `clock`: what the schedule takes as now (default the system clock).
 */
export function integrationFunctions(
  environment: Readonly<Record<string, string | undefined>>,
  options: { readonly clock?: () => Date } = {},
): IntegrationFunctions {
  let integration: ConfiguredHost | undefined;
  // The engine's own `startSchedule()` is not called here: its timers live in the process, which a
  // consumption plan stops when idle; the timer trigger below drives the schedule instead.
  const shared = (): ConfiguredHost => (integration ??= hostFromEnv(environment));
  return {
    http: pluginFunctions(() => shared().host),
    timers: [inventoryScheduleFunction(() => shared().engine, options.clock)],
    async close() {
      await integration?.close();
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
