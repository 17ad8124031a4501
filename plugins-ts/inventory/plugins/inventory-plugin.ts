/**
 * The inventory plug-ins follow the plug-in model of `plugins/plugin.ts` (one class, one
 * `execute`) with the inventory flows as their services. The inventory host parses the
 * RemoteExecutionContext; the plug-ins never see raw JSON.
 */
import type { InventoryHandlerName } from "../../../core/registration";
import type { PluginExecutionContext } from "../../context/execution-context";
import type { PluginResult } from "../../plugins/plugin";

export type InventoryExecutionContext = PluginExecutionContext;

export type { InventoryHandlerName };

export interface InventoryPlugin {
  /** The webhook handler name: the last segment of `<prefix>/webhooks/<name>`. */
  readonly name: InventoryHandlerName;
  execute(context: InventoryExecutionContext): Promise<PluginResult>;
}
