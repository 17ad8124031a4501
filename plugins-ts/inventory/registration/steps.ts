/**
 * The inventory webhook steps (the list is core's, `core/registration/webhook-steps.ts`, shared
 * with the solution and the sandbox) for the modes this engine's maps run in, and where the host
 * serves them. SCM's data events of the inventory maps come to the host's one entrance,
 * `/plugins/scm-events` (`host/routes.ts`), with every other map's.
 */
import {
  type InventoryHandlerName,
  type WebhookStepDefinition,
  inventoryModesOf,
  inventoryWebhookSteps,
} from "@fsi/core/registration";
import type { FlowCatalog } from "../templates/flow-catalog";

export type InventoryStepDefinition = WebhookStepDefinition<InventoryHandlerName>;

export const DEFAULT_INVENTORY_PREFIX = "/plugins/inventory";

/** `<hostUrl>/plugins/inventory/webhooks/<handler>`: where each handler's service endpoint points. */
export function inventoryWebhookUrl(
  hostUrl: string,
  handler: InventoryHandlerName,
  pathPrefix = DEFAULT_INVENTORY_PREFIX,
): string {
  return `${hostUrl.replace(/\/+$/, "")}${pathPrefix}/webhooks/${handler}`;
}

/** The steps for the catalog's modes: the live-only ones only for the maps running live. */
export function inventoryStepsFor(catalog: FlowCatalog): InventoryStepDefinition[] {
  return inventoryWebhookSteps(inventoryModesOf(catalog.flows));
}
