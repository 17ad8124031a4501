/**
 * Live posting: an asynchronous PostOperation step on Update of adjustments and transfers
 * (filtering `fsi_postingstatus`) posts the record to SCM when its user asks to post it
 * (`flows/inventory-posting.ts`). Registered only while the map runs live; in batch mode the run
 * picks up the records waiting to be posted. A redelivered step posts nothing twice: SCM answers
 * the journal the first delivery posted.
 */
import { InventoryPostingStatus, inventoryAdjustment, inventoryTransfer } from "@fsi/core/dataverse/tables";
import { POSTING_STATUS_COLUMN } from "@fsi/core/registration";
import { entityToRecord } from "../../context/entity-record";
import { postImageOf, targetOf } from "../../context/execution-context";
import { isSdkEntity } from "../../context/sdk-values";
import { IntegrationError } from "../../integration/errors";
import type { Plugin, PluginResult } from "../../plugins/plugin";
import type { PluginExecutionContext } from "../../context/execution-context";
import type { InventoryPostingFlow } from "../flows/inventory-posting";

export class PostToScmPlugin implements Plugin<"inventory-post"> {
  readonly name = "inventory-post";

  constructor(private readonly flows: readonly InventoryPostingFlow[]) {}

  async execute(context: PluginExecutionContext): Promise<PluginResult> {
    const flow = this.flows.find((candidate) => candidate.table.logicalName === context.primaryEntityName);
    if (flow === undefined || (context.messageName !== "Update" && context.messageName !== "Create")) {
      throw new IntegrationError(
        "UNSUPPORTED_MESSAGE",
        `The inventory-post plug-in runs on Update of ${inventoryAdjustment.logicalName} and ${inventoryTransfer.logicalName}, not ${context.messageName} of ${context.primaryEntityName}.`,
      );
    }
    if (flow.flow.mode !== "live")
      return { outcome: "skipped", message: `Map ${flow.flow.name} runs in batch mode; the next run posts it.` };
    const status = context.sizeExceeded
      ? // Trimmed for size (no Target, no images): an asynchronous step runs after the commit, so the row is read.
        (await flow.runtime.dataverse.retrieve(flow.table, context.primaryEntityId, [POSTING_STATUS_COLUMN]))
          ?.fsi_postingstatus
      : statusFromContext(context, flow);
    if (status !== InventoryPostingStatus.PostRequested)
      return { outcome: "skipped", message: "Not waiting to be posted." };
    const result = await flow.post(context.primaryEntityId);
    return { outcome: result.outcome === "skipped" ? "skipped" : "applied", message: result.message };
  }
}

function statusFromContext(context: PluginExecutionContext, flow: InventoryPostingFlow): unknown {
  const target = targetOf(context);
  const postImage = postImageOf(context);
  return (
    postImage === undefined
      ? isSdkEntity(target)
        ? entityToRecord(target, flow.table)
        : {}
      : entityToRecord(postImage, flow.table)
  ).fsi_postingstatus;
}
