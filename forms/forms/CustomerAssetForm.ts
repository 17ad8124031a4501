/// <reference types="xrm" />
/**
 * The customer asset main form (`msdyn_customerasset`). Registered by the solution as
 * `FSI.Forms.CustomerAsset.onLoad` and `FSI.Forms.CustomerAsset.onSave`, with the execution context passed.
 */
import { formHandlers } from "../lib/scm-form";

const handlers = formHandlers("msdyn_customerasset");

export function onLoad(executionContext: Xrm.Events.EventContext): Promise<void> {
  return handlers.onLoad(executionContext);
}

export function onSave(executionContext: Xrm.Events.SaveEventContext): void {
  handlers.onSave(executionContext);
}
