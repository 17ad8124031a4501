/**
 * Every webhook step the integration needs, as data: which handler runs for which message of
 * which table, in which stage and mode, filtered on which columns, with which images. One list
 * serves the three places that register steps — the solution package (`solution/steps.ts`), the
 * plug-in host's Web API registration (`plugins-ts/registration`) and the sandbox — so a step
 * cannot be shipped differently from how it is handled.
 *
 * Five-table integration (per mapped table, `integrationWebhookSteps`):
 *
 * | handler | message | stage | mode | filtering | images |
 * |---|---|---|---|---|---|
 * | `validate` | Create, Update | 10 PreValidation | sync | mapped columns | PreImage (Update) |
 * | `sync-to-scm` | Create, Update, Delete | 40 PostOperation | sync | mapped columns | PostImage (Create, Update), PreImage (Update, Delete) |
 * | `sync-status` | Create, Update | 40 PostOperation | async | mapped columns | — |
 *
 * Inventory and projects (`inventoryWebhookSteps`):
 *
 * | handler | table | message | stage | mode | filtering | images |
 * |---|---|---|---|---|---|---|
 * | `inventory-posting-lock` | adjustment, transfer | Create, Update, Delete | 10 | sync | — | PreImage: posting status, journal |
 * | `inventory-posting-lock` | adjustment product | Create, Update, Delete | 10 | sync | — | PreImage: parents |
 * | `inventory-post` | adjustment, transfer (live maps) | Update | 40 | async | posting status | PostImage: posting status |
 * | `work-order-project` | work order | Create, Update | 10 | sync | project | PreImage: project, status, company |
 * | `work-order-sales-order` | work order (live map) | Update | 40 | async | system status | PostImage: system status |
 *
 * Filtering attributes keep webhook calls to the changes a handler acts on: the status columns the
 * sync-status step writes never trigger a step, and edits to columns SCM never sees cost nothing.
 * The steps that start a live flow exist only while that map runs live; a batch map's run finds
 * the records itself. No step re-implements Field Service's own rules: Field Service itself moves
 * product inventory from the journals the on-hand flow writes.
 */
import { tableByLogicalName } from "../dataverse/tables";
import {
  inventoryAdjustment,
  inventoryAdjustmentProduct,
  inventoryTransfer,
} from "../dataverse/tables/inventory-tables";
import { workOrder } from "../dataverse/tables/field-service-tables";
import { filteringAttributes } from "../maps/change-detection";
import type { FlowMode, FlowName } from "../maps/flow-template-schema";
import { goesToScm, type EntityMap } from "../maps/template-schema";
import {
  HEADER_LOCK_COLUMNS,
  LINE_LOCK_COLUMNS,
  POSTING_STATUS_COLUMN,
  SYNC_STATUS_COLUMNS,
  WORK_ORDER_PROJECT_COLUMNS,
  WORK_ORDER_STATUS_COLUMN,
} from "./step-columns";

export const integrationHandlers = ["validate", "sync-to-scm", "sync-status"] as const;
export type IntegrationHandlerName = (typeof integrationHandlers)[number];

export const inventoryHandlers = [
  "inventory-posting-lock",
  "inventory-post",
  "work-order-project",
  "work-order-sales-order",
] as const;
export type InventoryHandlerName = (typeof inventoryHandlers)[number];

export type WebhookHandlerName = IntegrationHandlerName | InventoryHandlerName;

export type WebhookMessage = "Create" | "Update" | "Delete";

export interface WebhookStepImage {
  readonly alias: "PreImage" | "PostImage";
  readonly type: "pre" | "post";
  readonly attributes: readonly string[];
}

export interface WebhookStepDefinition<Handler extends WebhookHandlerName = WebhookHandlerName> {
  readonly name: string;
  readonly handler: Handler;
  readonly message: WebhookMessage;
  /** Logical name of the table. */
  readonly table: string;
  readonly stage: 10 | 40;
  readonly mode: "sync" | "async";
  readonly rank: number;
  /** Update steps only: the step runs when one of these columns is in the request. */
  readonly filteringAttributes?: readonly string[];
  readonly images: readonly WebhookStepImage[];
}

/**
 * The message property an image is taken from: Create's images come from the new row's `Id`,
 * Update's and Delete's from `Target` (Learn, "Define entity images": messagepropertyname).
 */
export function imageMessageProperty(message: WebhookMessage): "Id" | "Target" {
  return message === "Create" ? "Id" : "Target";
}

/** Where the plug-in host serves each handler, below its origin. */
export function webhookPath(handler: WebhookHandlerName): string {
  return (inventoryHandlers as readonly string[]).includes(handler)
    ? `/plugins/inventory/webhooks/${handler}`
    : `/plugins/webhooks/${handler}`;
}

/** `<hostUrl>/plugins/webhooks/<handler>` (or `/plugins/inventory/webhooks/<handler>`): where the handler's service endpoint points. */
export function webhookUrl(hostUrl: string, handler: WebhookHandlerName): string {
  return `${hostUrl.replace(/\/+$/, "")}${webhookPath(handler)}`;
}

function step<Handler extends WebhookHandlerName>(
  handler: Handler,
  message: WebhookMessage,
  table: string,
  rest: Omit<WebhookStepDefinition<Handler>, "name" | "handler" | "message" | "table" | "rank">,
): WebhookStepDefinition<Handler> {
  return { name: `FSI ${handler}: ${message} of ${table}`, handler, message, table, rank: 1, ...rest };
}

const pre = (attributes: readonly string[]): WebhookStepImage => ({ alias: "PreImage", type: "pre", attributes });
const post = (attributes: readonly string[]): WebhookStepImage => ({ alias: "PostImage", type: "post", attributes });

/** The Dataverse columns a map sends to SCM: the company, the natural keys and every pair going to SCM. */
export function columnsSentToScm(map: EntityMap): string[] {
  return [
    map.company.dataverse,
    ...map.keys.map((key) => key.dataverse),
    ...map.columns.filter((pair) => goesToScm(pair.direction)).map((pair) => pair.dataverse),
  ];
}

function integrationStepsFor(map: EntityMap): WebhookStepDefinition<IntegrationHandlerName>[] {
  const table = map.dataverseTable;
  const filtering = { filteringAttributes: filteringAttributes(map) };
  const columns = [...new Set(columnsSentToScm(map))].sort();
  // The row's version orders deliveries of one row (a late or repeated delivery changes nothing).
  const withVersion = [...columns, "versionnumber"];
  const keyColumns = [map.company.dataverse, ...map.keys.map((key) => key.dataverse)];
  const steps: WebhookStepDefinition<IntegrationHandlerName>[] = [
    step("validate", "Create", table, { stage: 10, mode: "sync", images: [] }),
    step("validate", "Update", table, { stage: 10, mode: "sync", ...filtering, images: [pre(columns)] }),
    step("sync-to-scm", "Create", table, { stage: 40, mode: "sync", images: [post(withVersion)] }),
    step("sync-to-scm", "Update", table, {
      stage: 40,
      mode: "sync",
      ...filtering,
      images: [pre(columns), post(withVersion)],
    }),
    step("sync-to-scm", "Delete", table, { stage: 40, mode: "sync", images: [pre(keyColumns)] }),
  ];
  const definition = tableByLogicalName(table);
  if (definition !== undefined && SYNC_STATUS_COLUMNS.every((column) => column in definition.columns)) {
    steps.push(step("sync-status", "Create", table, { stage: 40, mode: "async", images: [] }));
    steps.push(step("sync-status", "Update", table, { stage: 40, mode: "async", ...filtering, images: [] }));
  }
  return steps;
}

export function integrationWebhookSteps(maps: readonly EntityMap[]): WebhookStepDefinition<IntegrationHandlerName>[] {
  return maps.flatMap((map) => integrationStepsFor(map));
}

/** The mode each inventory map runs in (the steps that start a live flow depend on it). */
export type InventoryModes = Readonly<Record<FlowName, FlowMode>>;

/** The modes of a set of inventory maps (the built-in templates, or an engine's resolved catalog). */
export function inventoryModesOf(
  maps: readonly { readonly name: FlowName; readonly mode: FlowMode }[],
): InventoryModes {
  return Object.fromEntries(maps.map((map) => [map.name, map.mode])) as Record<FlowName, FlowMode>;
}

export function inventoryWebhookSteps(modes: InventoryModes): WebhookStepDefinition<InventoryHandlerName>[] {
  const steps: WebhookStepDefinition<InventoryHandlerName>[] = [];
  for (const table of [inventoryAdjustment.logicalName, inventoryTransfer.logicalName]) {
    steps.push(
      step("inventory-posting-lock", "Create", table, { stage: 10, mode: "sync", images: [] }),
      step("inventory-posting-lock", "Update", table, { stage: 10, mode: "sync", images: [pre(HEADER_LOCK_COLUMNS)] }),
      step("inventory-posting-lock", "Delete", table, { stage: 10, mode: "sync", images: [pre(HEADER_LOCK_COLUMNS)] }),
    );
  }
  steps.push(
    step("inventory-posting-lock", "Create", inventoryAdjustmentProduct.logicalName, {
      stage: 10,
      mode: "sync",
      images: [],
    }),
    step("inventory-posting-lock", "Update", inventoryAdjustmentProduct.logicalName, {
      stage: 10,
      mode: "sync",
      images: [pre(LINE_LOCK_COLUMNS)],
    }),
    step("inventory-posting-lock", "Delete", inventoryAdjustmentProduct.logicalName, {
      stage: 10,
      mode: "sync",
      images: [pre(LINE_LOCK_COLUMNS)],
    }),
  );
  for (const [map, table] of [
    ["inventory-adjustments", inventoryAdjustment.logicalName],
    ["inventory-transfers", inventoryTransfer.logicalName],
  ] as const) {
    if (modes[map] !== "live") continue;
    steps.push(
      step("inventory-post", "Update", table, {
        stage: 40,
        mode: "async",
        filteringAttributes: [POSTING_STATUS_COLUMN],
        images: [post([POSTING_STATUS_COLUMN])],
      }),
    );
  }
  steps.push(
    step("work-order-project", "Create", workOrder.logicalName, { stage: 10, mode: "sync", images: [] }),
    step("work-order-project", "Update", workOrder.logicalName, {
      stage: 10,
      mode: "sync",
      filteringAttributes: ["fsi_project"],
      images: [pre(WORK_ORDER_PROJECT_COLUMNS)],
    }),
  );
  if (modes["work-order-sales-orders"] === "live") {
    steps.push(
      step("work-order-sales-order", "Update", workOrder.logicalName, {
        stage: 40,
        mode: "async",
        filteringAttributes: [WORK_ORDER_STATUS_COLUMN],
        images: [post([WORK_ORDER_STATUS_COLUMN])],
      }),
    );
  }
  return steps;
}
