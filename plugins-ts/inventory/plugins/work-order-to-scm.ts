/**
 * Live work order completion: an asynchronous PostOperation step on Update of `msdyn_workorder`
 * (filtering `msdyn_systemstatus`) sends a work order that has just been completed, with a
 * project, to SCM as a sales order (`flows/work-order-orders.ts`). Registered only while the map
 * runs live.
 */
import { WorkOrderSystemStatus, workOrder } from "@fsi/core/dataverse/tables";
import { WORK_ORDER_STATUS_COLUMN } from "@fsi/core/registration";
import { entityToRecord } from "../../context/entity-record";
import { postImageOf, targetOf } from "../../context/execution-context";
import { isSdkEntity } from "../../context/sdk-values";
import { IntegrationError } from "../../integration/errors";
import type { Plugin, PluginResult } from "../../plugins/plugin";
import type { PluginExecutionContext } from "../../context/execution-context";
import type { WorkOrderOrdersFlow } from "../flows/work-order-orders";

export class WorkOrderToScmPlugin implements Plugin<"work-order-sales-order"> {
  readonly name = "work-order-sales-order";

  constructor(private readonly flow: WorkOrderOrdersFlow) {}

  async execute(context: PluginExecutionContext): Promise<PluginResult> {
    if (context.primaryEntityName !== workOrder.logicalName || context.messageName !== "Update") {
      throw new IntegrationError(
        "UNSUPPORTED_MESSAGE",
        `The work-order-sales-order plug-in runs on Update of msdyn_workorder, not ${context.messageName} of ${context.primaryEntityName}.`,
      );
    }
    if (this.flow.flow.mode !== "live")
      return { outcome: "skipped", message: `Map ${this.flow.flow.name} runs in batch mode; the next run sends it.` };
    const target = targetOf(context);
    const postImage = postImageOf(context);
    const record = context.sizeExceeded
      ? // Trimmed for size (no Target, no images): an asynchronous step runs after the commit, so the row is read.
        ((await this.flow.runtime.dataverse.retrieve(workOrder, context.primaryEntityId, [WORK_ORDER_STATUS_COLUMN])) ??
        {})
      : postImage === undefined
        ? isSdkEntity(target)
          ? entityToRecord(target, workOrder)
          : {}
        : entityToRecord(postImage, workOrder);
    if (record.msdyn_systemstatus !== WorkOrderSystemStatus.Completed)
      return { outcome: "skipped", message: "Not completed." };
    const result = await this.flow.send(context.primaryEntityId);
    return { outcome: result.outcome === "skipped" ? "skipped" : "applied", message: result.message };
  }
}
