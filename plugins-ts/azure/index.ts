/**
 * Azure Functions entry (v4 programming model): point the Function App's `main` at this file's
 * compiled output. Configuration comes from app settings (see host/config-from-env.ts).
 */
import { app } from "@azure/functions";
import { hostConfigFromEnv } from "../host/config-from-env";
import { type PluginHost, createPluginHost } from "../host/plugin-host";
import { pluginFunctions, registerPluginFunctions } from "./functions";

let host: PluginHost | undefined;

function sharedHost(): PluginHost {
  host ??= createPluginHost(hostConfigFromEnv(process.env));
  return host;
}

registerPluginFunctions(app, pluginFunctions(sharedHost));
