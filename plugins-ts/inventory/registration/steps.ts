/**
 * The webhook steps of the inventory plug-ins — what the solution registers and the sandbox
 * registers in its Dataverse emulator (same shape as `registration/webhook-steps.ts`):
 *
 * | handler | table | message | stage | mode | filtering | images |
 * |---|---|---|---|---|---|---|
 * | `inventory-journal` | inventory journal | Create | 40 | sync | — | — |
 * | `inventory-guard` | product inventory | Create, Update | 10 | sync | quantities (Update) | PreImage: quantities |
 * | `inventory-guard` | inventory journal | Update, Delete | 10 | sync | — | — |
 * | `inventory-posting-lock` | adjustment, transfer | Create, Update, Delete | 10 | sync | — | PreImage: posting status, journal |
 * | `inventory-posting-lock` | adjustment product | Create, Update, Delete | 10 | sync | — | PreImage: parents |
 * | `inventory-post` | adjustment, transfer (live maps) | Update | 40 | async | posting status | PostImage: posting status |
 * | `work-order-project` | work order | Create, Update | 10 | sync | project | PreImage: project, status, company |
 * | `work-order-sales-order` | work order (live map) | Update | 40 | async | system status | PostImage: system status |
 *
 * The rules (journal, guard, lock, project) hold in every mode; the steps that start a live flow
 * exist only while that map runs live — a batch map's run finds the records itself.
 */
import { inventoryAdjustment, inventoryAdjustmentProduct, inventoryJournal, inventoryTransfer, productInventory, workOrder } from "../../../core/dataverse/tables";
import type { InventoryHandlerName } from "../plugins/inventory-plugin";
import { HEADER_LOCK_COLUMNS, LINE_LOCK_COLUMNS } from "../plugins/posting-lock";
import { QUANTITY_COLUMNS } from "../plugins/quantity-guard";
import { WORK_ORDER_PROJECT_COLUMNS } from "../plugins/work-order-project";
import type { FlowCatalog } from "../templates/flow-catalog";

export interface InventoryStepImage {
  readonly alias: "PreImage" | "PostImage";
  readonly type: "pre" | "post";
  readonly attributes: readonly string[];
}

export interface InventoryStepDefinition {
  readonly name: string;
  readonly handler: InventoryHandlerName;
  readonly message: "Create" | "Update" | "Delete";
  /** Logical name of the table. */
  readonly table: string;
  readonly stage: 10 | 40;
  readonly mode: "sync" | "async";
  readonly rank: number;
  readonly filteringAttributes?: readonly string[];
  readonly images: readonly InventoryStepImage[];
}

export const DEFAULT_INVENTORY_PREFIX = "/plugins/inventory";

/** `<hostUrl>/plugins/inventory/webhooks/<handler>`: where each handler's service endpoint points. */
export function inventoryWebhookUrl(hostUrl: string, handler: InventoryHandlerName, pathPrefix = DEFAULT_INVENTORY_PREFIX): string {
  return `${hostUrl.replace(/\/+$/, "")}${pathPrefix}/webhooks/${handler}`;
}

/** `<hostUrl>/plugins/inventory/scm-events`: where SCM's live subscription points. */
export function inventoryEventsUrl(hostUrl: string, pathPrefix = DEFAULT_INVENTORY_PREFIX): string {
  return `${hostUrl.replace(/\/+$/, "")}${pathPrefix}/scm-events`;
}

const pre = (attributes: readonly string[]): InventoryStepImage => ({ alias: "PreImage", type: "pre", attributes });
const post = (attributes: readonly string[]): InventoryStepImage => ({ alias: "PostImage", type: "post", attributes });

function step(handler: InventoryHandlerName, message: InventoryStepDefinition["message"], table: string, rest: Omit<InventoryStepDefinition, "name" | "handler" | "message" | "table" | "rank">): InventoryStepDefinition {
  return { name: `FSI ${handler}: ${message} of ${table}`, handler, message, table, rank: 1, ...rest };
}

export function inventoryWebhookSteps(catalog: FlowCatalog): InventoryStepDefinition[] {
  const steps: InventoryStepDefinition[] = [
    step("inventory-journal", "Create", inventoryJournal.logicalName, { stage: 40, mode: "sync", images: [] }),
    step("inventory-guard", "Create", productInventory.logicalName, { stage: 10, mode: "sync", images: [] }),
    step("inventory-guard", "Update", productInventory.logicalName, { stage: 10, mode: "sync", filteringAttributes: QUANTITY_COLUMNS, images: [pre(QUANTITY_COLUMNS)] }),
    step("inventory-guard", "Update", inventoryJournal.logicalName, { stage: 10, mode: "sync", images: [] }),
    step("inventory-guard", "Delete", inventoryJournal.logicalName, { stage: 10, mode: "sync", images: [] }),
  ];
  for (const table of [inventoryAdjustment.logicalName, inventoryTransfer.logicalName]) {
    steps.push(
      step("inventory-posting-lock", "Create", table, { stage: 10, mode: "sync", images: [] }),
      step("inventory-posting-lock", "Update", table, { stage: 10, mode: "sync", images: [pre(HEADER_LOCK_COLUMNS)] }),
      step("inventory-posting-lock", "Delete", table, { stage: 10, mode: "sync", images: [pre(HEADER_LOCK_COLUMNS)] }),
    );
  }
  steps.push(
    step("inventory-posting-lock", "Create", inventoryAdjustmentProduct.logicalName, { stage: 10, mode: "sync", images: [] }),
    step("inventory-posting-lock", "Update", inventoryAdjustmentProduct.logicalName, { stage: 10, mode: "sync", images: [pre(LINE_LOCK_COLUMNS)] }),
    step("inventory-posting-lock", "Delete", inventoryAdjustmentProduct.logicalName, { stage: 10, mode: "sync", images: [pre(LINE_LOCK_COLUMNS)] }),
  );
  for (const [map, table] of [
    ["inventory-adjustments", inventoryAdjustment.logicalName],
    ["inventory-transfers", inventoryTransfer.logicalName],
  ] as const) {
    if (catalog.get(map).mode !== "live") continue;
    steps.push(step("inventory-post", "Update", table, { stage: 40, mode: "async", filteringAttributes: ["fsi_postingstatus"], images: [post(["fsi_postingstatus"])] }));
  }
  steps.push(
    step("work-order-project", "Create", workOrder.logicalName, { stage: 10, mode: "sync", images: [] }),
    step("work-order-project", "Update", workOrder.logicalName, { stage: 10, mode: "sync", filteringAttributes: ["fsi_project"], images: [pre(WORK_ORDER_PROJECT_COLUMNS)] }),
  );
  if (catalog.get("work-order-sales-orders").mode === "live") {
    steps.push(step("work-order-sales-order", "Update", workOrder.logicalName, { stage: 40, mode: "async", filteringAttributes: ["msdyn_systemstatus"], images: [post(["msdyn_systemstatus"])] }));
  }
  return steps;
}
