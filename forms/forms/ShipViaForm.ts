/// <reference types="xrm" />
/**
 * The ship via main form (`msdyn_shipvia`). Registered by the solution as
 * `FSI.Forms.ShipVia.onLoad` and `FSI.Forms.ShipVia.onSave`, with the execution context passed.
 */
import { formHandlers } from "../lib/scm-form";

const handlers = formHandlers("msdyn_shipvia");

export function onLoad(executionContext: Xrm.Events.EventContext): Promise<void> {
  return handlers.onLoad(executionContext);
}

export function onSave(executionContext: Xrm.Events.SaveEventContext): void {
  handlers.onSave(executionContext);
}
