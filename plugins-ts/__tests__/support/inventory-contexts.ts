/**
 * Inventory execution contexts as the Dataverse emulator serialises them (its real builder), for
 * tests that post an inventory webhook themselves: a user setting an inventory adjustment to
 * Posted directly (the `inventory-posting-lock` step, PreValidation, refuses it: only the
 * integration sets Posted).
 */
import { randomUUID } from "node:crypto";
import { InventoryPostingStatus, inventoryAdjustment } from "@fsi/core/dataverse/tables";
import { buildRemoteExecutionContext } from "@fsi/sandbox/dataverse";

export const POSTED_BY_USER_REFUSAL = "Posted and Failed are set by the integration";

export function userSetsPostedContext(input: { readonly userId: string }): Record<string, unknown> {
  const id = randomUUID();
  const target = {
    table: inventoryAdjustment,
    id,
    attributes: { msdyn_inventoryadjustmentid: id, fsi_postingstatus: InventoryPostingStatus.Posted },
    withFormattedValues: false,
  };
  const preImage = {
    table: inventoryAdjustment,
    id,
    attributes: { msdyn_inventoryadjustmentid: id, fsi_postingstatus: InventoryPostingStatus.Draft },
    withFormattedValues: true,
  };
  return buildRemoteExecutionContext({
    messageName: "Update",
    stage: 10,
    mode: 0,
    primaryEntityName: inventoryAdjustment.logicalName,
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
    isInTransaction: false,
    owningExtension: { id: randomUUID(), name: "FSI inventory-posting-lock: Update of msdyn_inventoryadjustment" },
    parentContext: null,
  });
}
