/// <reference types="xrm" />
/**
 * The customer asset category main form (`msdyn_customerassetcategory`). Registered by the solution as
 * `FSI.Forms.CustomerAssetCategory.onLoad` and `FSI.Forms.CustomerAssetCategory.onSave`, with the execution context passed.
 */
import { formHandlers } from "../lib/scm-form";

const handlers = formHandlers("msdyn_customerassetcategory");

export function onLoad(executionContext: Xrm.Events.EventContext): Promise<void> {
  return handlers.onLoad(executionContext);
}

export function onSave(executionContext: Xrm.Events.SaveEventContext): void {
  handlers.onSave(executionContext);
}
