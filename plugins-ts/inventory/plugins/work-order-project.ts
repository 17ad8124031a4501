/**
 * A work order's SCM project (`fsi_project`): a synchronous PreValidation step on Create and
 * Update of `msdyn_workorder` (filtering `fsi_project`) accepts only an active time and material
 * project in process, of the work order's company, and refuses any change of project once the
 * work order is past In Progress (completed, posted or canceled) — its hours and items are being
 * invoiced through that project.
 */
import { isEntityReference, sameValue } from "@fsi/core/dataverse/record";
import { ProjectStage, ProjectType, WorkOrderSystemStatus, project, workOrder } from "@fsi/core/dataverse/tables";
import { entityToRecord } from "../../context/entity-record";
import { preImageOf, targetOf } from "../../context/execution-context";
import { isSdkEntity } from "../../context/sdk-values";
import { IntegrationError } from "../../integration/errors";
import type { Plugin, PluginResult } from "../../plugins/plugin";
import type { PluginExecutionContext } from "../../context/execution-context";
import type { FlowRuntime } from "../flows/runtime";

/** The columns the step reads from the work order's pre-image. */

const pastInProgress: readonly number[] = [
  WorkOrderSystemStatus.Completed,
  WorkOrderSystemStatus.Posted,
  WorkOrderSystemStatus.Canceled,
];

function refuse(message: string): never {
  throw new IntegrationError("VALIDATION_FAILED", message, [
    { attribute: "fsi_project", code: "invalidValue", message },
  ]);
}

export class WorkOrderProjectPlugin implements Plugin<"work-order-project"> {
  readonly name = "work-order-project";

  constructor(private readonly runtime: FlowRuntime) {}

  async execute(context: PluginExecutionContext): Promise<PluginResult> {
    if (
      context.primaryEntityName !== workOrder.logicalName ||
      (context.messageName !== "Create" && context.messageName !== "Update")
    ) {
      throw new IntegrationError(
        "UNSUPPORTED_MESSAGE",
        `The work-order-project plug-in runs on Create and Update of msdyn_workorder, not ${context.messageName} of ${context.primaryEntityName}.`,
      );
    }
    if (context.sizeExceeded) {
      // Trimmed for size: the change itself is not in the context and cannot be read before it is
      // made, so this save is not checked (logged; a project stays selectable only if valid in SCM).
      return {
        outcome: "valid",
        message: "The context was trimmed for size (over 256 KB); the project could not be checked.",
      };
    }
    const target = targetOf(context);
    const changes = isSdkEntity(target) ? entityToRecord(target, workOrder) : {};
    if (!("fsi_project" in changes)) return { outcome: "valid", message: "The project does not change." };
    const preImage = preImageOf(context);
    const before = preImage === undefined ? {} : entityToRecord(preImage, workOrder);
    const next = changes.fsi_project ?? null;
    if (context.messageName === "Update" && sameValue(next, before.fsi_project ?? null))
      return { outcome: "valid", message: "The project does not change." };
    const status = before.msdyn_systemstatus;
    if (context.messageName === "Update" && typeof status === "number" && pastInProgress.includes(status)) {
      refuse("The project of a work order past In Progress is locked: its hours and items are invoiced through it.");
    }
    if (!isEntityReference(next)) return { outcome: "valid", message: "No project." };
    const chosen = await this.runtime.dataverse.retrieve(project, next.id, [
      "fsi_name",
      "fsi_projectnumber",
      "fsi_projecttype",
      "fsi_projectstage",
      "fsi_company",
      "statecode",
    ]);
    if (chosen === undefined) refuse("The project does not exist.");
    const name = [chosen.fsi_projectnumber, chosen.fsi_name].filter((part) => typeof part === "string").join(" ");
    if (chosen.statecode === 1) refuse(`Project ${name} is inactive (SCM no longer has it).`);
    if (chosen.fsi_projecttype !== ProjectType.TimeAndMaterial)
      refuse(`Project ${name} is not a time and material project; only those take work orders.`);
    if (chosen.fsi_projectstage !== ProjectStage.InProcess)
      refuse(`Project ${name} is not in process; only projects in process take work orders.`);
    const company = "msdyn_company" in changes ? changes.msdyn_company : before.msdyn_company;
    if (
      isEntityReference(company) &&
      isEntityReference(chosen.fsi_company) &&
      !sameValue(company, chosen.fsi_company)
    ) {
      refuse(`Project ${name} belongs to another company than the work order.`);
    }
    return { outcome: "valid", message: `Project ${name} is selectable.` };
  }
}
