/**
 * The plug-in host's routes as Azure Functions HTTP triggers. `registerPluginFunctions(app, host)`
 * registers them on `@azure/functions`' `app`; `index.ts` does so with a host configured from the
 * Function App's settings. Routes match the local host's (`host.json` sets `routePrefix` to ""),
 * so a Dataverse service endpoint URL only changes its origin.
 */
import type { HttpFunctionOptions, HttpMethod } from "@azure/functions";
import type { HostHandler } from "../host/http/exchange";
import { type AzureHttpHandler, azureHandler } from "./http-adapter";

export interface PluginFunction {
  readonly name: string;
  readonly route: string;
  readonly methods: readonly HttpMethod[];
  readonly handler: AzureHttpHandler;
}

/** The functions, each routing into the host (created on first use, so a cold start that only answers a preflight stays cheap). */
export function pluginFunctions(host: () => { readonly handle: HostHandler }): PluginFunction[] {
  const handler = azureHandler(() => host().handle);
  return [
    { name: "webhooks", route: "plugins/webhooks/{handler}", methods: ["POST"], handler },
    { name: "scm-events", route: "plugins/scm-events", methods: ["POST"], handler },
    { name: "validate", route: "plugins/validate", methods: ["POST", "OPTIONS"], handler },
    { name: "health", route: "plugins/health", methods: ["GET"], handler },
  ];
}

export interface FunctionsApp {
  http(name: string, options: HttpFunctionOptions): void;
}

export function registerPluginFunctions(app: FunctionsApp, functions: readonly PluginFunction[]): void {
  for (const fn of functions) {
    // Anonymous at the Functions level: the host checks the webhook key, the SCM key and the bearer token itself.
    app.http(fn.name, { route: fn.route, methods: [...fn.methods], authLevel: "anonymous", handler: fn.handler });
  }
}
