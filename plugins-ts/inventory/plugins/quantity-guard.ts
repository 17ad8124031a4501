/**
 * (Field Service's own rule, emulated) Quantities of product inventory change only through
 * inventory journals, so the journal history explains every quantity: a synchronous PreValidation
 * step on Create and Update of `msdyn_productinventory` refuses a quantity that a user or client
 * sets directly, and lets through the journal step's own write — recognised by the operation it
 * runs inside (ParentContext: Create of `msdyn_inventoryjournal`). Journals are history: Update
 * and Delete of `msdyn_inventoryjournal` are refused.
 */
import { inventoryJournal, productInventory } from "../../../core/dataverse/tables";
import { sameValue } from "../../../core/dataverse/record";
import { QUANTITY_COLUMNS } from "../../../core/registration";
import { entityToRecord } from "../../context/entity-record";
import { preImageOf, targetOf } from "../../context/execution-context";
import { isSdkEntity } from "../../context/sdk-values";
import { IntegrationError } from "../../integration/errors";
import type { PluginResult } from "../../plugins/plugin";
import type { InventoryExecutionContext, InventoryPlugin } from "./inventory-plugin";

export class QuantityGuardPlugin implements InventoryPlugin {
  readonly name = "inventory-guard";

  execute(context: InventoryExecutionContext): Promise<PluginResult> {
    return Promise.resolve(this.check(context));
  }

  private check(context: InventoryExecutionContext): PluginResult {
    if (context.primaryEntityName === inventoryJournal.logicalName) {
      if (context.messageName === "Update" || context.messageName === "Delete") {
        throw new IntegrationError(
          "VALIDATION_FAILED",
          "Inventory journals are history and cannot be changed or deleted; write a new journal with the difference instead.",
          [{ code: "invalidValue", message: "Inventory journals cannot be changed or deleted." }],
        );
      }
      return { outcome: "valid", message: "A new journal." };
    }
    if (context.primaryEntityName !== productInventory.logicalName || (context.messageName !== "Create" && context.messageName !== "Update")) {
      throw new IntegrationError("UNSUPPORTED_MESSAGE", `The inventory-guard plug-in runs on Create and Update of product inventory, not ${context.messageName} of ${context.primaryEntityName}.`);
    }
    const fromJournal = context.parentOperations.some((parent) => parent.messageName === "Create" && parent.primaryEntityName === inventoryJournal.logicalName);
    if (fromJournal) return { outcome: "valid", message: "Written by an inventory journal." };
    const target = targetOf(context);
    if (!isSdkEntity(target)) return { outcome: "valid", message: "No quantities in the request." };
    const changes = entityToRecord(target, productInventory);
    const preImage = preImageOf(context);
    const before = preImage === undefined ? {} : entityToRecord(preImage, productInventory);
    const set = QUANTITY_COLUMNS.filter((column) => {
      if (!(column in changes)) return false;
      const value = changes[column] ?? null;
      return context.messageName === "Create" ? value !== null && value !== 0 : !sameValue(value, before[column] ?? null);
    });
    if (set.length === 0) return { outcome: "valid", message: "No quantity changes." };
    throw new IntegrationError(
      "VALIDATION_FAILED",
      `Product inventory quantities change only through inventory journals (msdyn_inventoryjournal); create a journal with the difference instead of setting ${set.join(", ")}.`,
      set.map((attribute) => ({ attribute, code: "invalidValue" as const, message: "Set through an inventory journal, not directly." })),
    );
  }
}
