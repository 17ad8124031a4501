/// <reference types="xrm" />
/**
 * The warehouse main form (`msdyn_warehouse`). Registered by the solution as
 * `FSI.Forms.Warehouse.onLoad` and `FSI.Forms.Warehouse.onSave`, with the execution context passed.
 */
import { formHandlers } from "../lib/scm-form";

const handlers = formHandlers("msdyn_warehouse");

export function onLoad(executionContext: Xrm.Events.EventContext): Promise<void> {
  return handlers.onLoad(executionContext);
}

export function onSave(executionContext: Xrm.Events.SaveEventContext): void {
  handlers.onSave(executionContext);
}
