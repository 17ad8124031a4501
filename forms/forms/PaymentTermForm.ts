/// <reference types="xrm" />
/**
 * The payment term main form (`msdyn_paymentterm`). Registered by the solution as
 * `FSI.Forms.PaymentTerm.onLoad` and `FSI.Forms.PaymentTerm.onSave`, with the execution context passed.
 */
import { formHandlers } from "../lib/scm-form";

const handlers = formHandlers("msdyn_paymentterm");

export function onLoad(executionContext: Xrm.Events.EventContext): Promise<void> {
  return handlers.onLoad(executionContext);
}

export function onSave(executionContext: Xrm.Events.SaveEventContext): void {
  handlers.onSave(executionContext);
}
