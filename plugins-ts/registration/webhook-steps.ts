/**
 * The webhook steps the integration needs, per mapped table — what the solution registers
 * (customizations, component type 92) and the sandbox registers in its Dataverse emulator:
 *
 * | handler | message | stage | mode | filtering | images |
 * |---|---|---|---|---|---|
 * | `validate` | Create, Update | 10 PreValidation | sync | mapped columns | PreImage (Update) |
 * | `sync-to-scm` | Create, Update, Delete | 40 PostOperation | sync | mapped columns | PostImage (Create, Update), PreImage (Update, Delete) |
 * | `sync-status` | Create, Update | 40 PostOperation | async | mapped columns | — |
 *
 * The filtering attributes are the mapped columns (`filteringAttributes(map)` in core), so the
 * status columns the sync-status step writes never trigger a step, and edits to columns SCM never
 * sees cost no webhook call.
 */
import { tableByLogicalName } from "../../core/dataverse/tables";
import { filteringAttributes } from "../../core/maps/change-detection";
import type { EntityMap } from "../../core/maps/template-schema";
import { mapColumns } from "../plugins/execution-row";
import { SYNC_STATUS_COLUMNS } from "../plugins/sync-status-plugin";

export type WebhookHandlerName = "validate" | "sync-to-scm" | "sync-status";

export interface WebhookStepImage {
  readonly alias: "PreImage" | "PostImage";
  readonly type: "pre" | "post";
  readonly attributes: readonly string[];
}

export interface WebhookStepDefinition {
  readonly name: string;
  readonly handler: WebhookHandlerName;
  readonly message: "Create" | "Update" | "Delete";
  /** Logical name of the table. */
  readonly table: string;
  readonly stage: 10 | 40;
  readonly mode: "sync" | "async";
  readonly rank: number;
  /** Update steps only. */
  readonly filteringAttributes?: readonly string[];
  readonly images: readonly WebhookStepImage[];
}

/** `<hostUrl>/plugins/webhooks/<handler>`; the service endpoint of each handler points here. */
export function webhookUrl(hostUrl: string, handler: WebhookHandlerName, pathPrefix = "/plugins"): string {
  return `${hostUrl.replace(/\/+$/, "")}${pathPrefix}/webhooks/${handler}`;
}

export function webhookSteps(maps: readonly EntityMap[]): WebhookStepDefinition[] {
  return maps.flatMap((map) => stepsFor(map));
}

function stepsFor(map: EntityMap): WebhookStepDefinition[] {
  const table = map.dataverseTable;
  const filtering = filteringAttributes(map);
  const columns = [...new Set(mapColumns(map))].sort();
  const withVersion = [...columns, "versionnumber"];
  const keyColumns = [map.company.dataverse, ...map.keys.map((key) => key.dataverse)];
  const step = (handler: WebhookHandlerName, message: WebhookStepDefinition["message"], rest: Omit<WebhookStepDefinition, "name" | "handler" | "message" | "table">): WebhookStepDefinition => ({
    name: `FSI ${handler}: ${message} of ${table}`,
    handler,
    message,
    table,
    ...rest,
    ...(message === "Update" ? { filteringAttributes: filtering } : {}),
  });
  const steps = [
    step("validate", "Create", { stage: 10, mode: "sync", rank: 1, images: [] }),
    step("validate", "Update", { stage: 10, mode: "sync", rank: 1, images: [{ alias: "PreImage", type: "pre", attributes: columns }] }),
    step("sync-to-scm", "Create", { stage: 40, mode: "sync", rank: 1, images: [{ alias: "PostImage", type: "post", attributes: withVersion }] }),
    step("sync-to-scm", "Update", {
      stage: 40,
      mode: "sync",
      rank: 1,
      images: [
        { alias: "PreImage", type: "pre", attributes: columns },
        { alias: "PostImage", type: "post", attributes: withVersion },
      ],
    }),
    step("sync-to-scm", "Delete", { stage: 40, mode: "sync", rank: 1, images: [{ alias: "PreImage", type: "pre", attributes: keyColumns }] }),
  ];
  const definition = tableByLogicalName(table);
  if (definition !== undefined && SYNC_STATUS_COLUMNS.every((column) => column in definition.columns)) {
    steps.push(step("sync-status", "Create", { stage: 40, mode: "async", rank: 1, images: [] }));
    steps.push(step("sync-status", "Update", { stage: 40, mode: "async", rank: 1, images: [] }));
  }
  return steps;
}
