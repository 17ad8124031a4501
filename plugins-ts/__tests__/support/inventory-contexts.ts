/**
 * Inventory execution contexts as the Dataverse emulator serialises them (its real builder), for
 * tests that post an inventory webhook themselves: a user setting a product inventory's quantity
 * on hand directly (the `inventory-guard` step, PreValidation, refuses it: quantities change only
 * through journals).
 */
import { randomUUID } from "node:crypto";
import { productInventory } from "../../../core/dataverse/tables";
import { buildRemoteExecutionContext } from "../../../sandbox/dataverse";

export function directQuantityUpdateContext(input: { readonly userId: string; readonly before: number; readonly after: number }): Record<string, unknown> {
  const id = randomUUID();
  const target = { table: productInventory, id, attributes: { msdyn_productinventoryid: id, msdyn_qtyonhand: input.after }, withFormattedValues: false };
  const preImage = { table: productInventory, id, attributes: { msdyn_productinventoryid: id, msdyn_qtyonhand: input.before }, withFormattedValues: true };
  return buildRemoteExecutionContext({
    messageName: "Update",
    stage: 10,
    mode: 0,
    primaryEntityName: productInventory.logicalName,
    primaryEntityId: id,
    target: { kind: "entity", entity: target },
    preImages: [["PreImage", preImage]],
    postImages: [],
    outputParameters: [],
    depth: 1,
    correlationId: randomUUID(),
    userId: input.userId,
    initiatingUserId: input.userId,
    businessUnitId: randomUUID(),
    organizationId: randomUUID(),
    organizationName: "contoso",
    operationId: randomUUID(),
    operationCreatedOn: new Date(),
    isInTransaction: true,
    owningExtension: { id: randomUUID(), name: "FSI inventory-guard: Update of msdyn_productinventory" },
    parentContext: null,
  });
}
