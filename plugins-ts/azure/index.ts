/**
 * Azure Functions entry (v4 programming model): point the Function App's `main` at this file's
 * compiled output. Configuration comes from app settings (see host/config-from-env.ts and
 * inventory/config.ts); the plug-in host and the inventory engine are created on first use.
 */
import { app } from "@azure/functions";
import { integrationFunctions, registerPluginFunctions, registerTimerFunctions } from "./functions";

const functions = integrationFunctions(process.env);
registerPluginFunctions(app, functions.http);
registerTimerFunctions(app, functions.timers);
