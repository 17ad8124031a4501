/**
 * Field Service's adjustments and transfers, emulated: adding a product to an inventory adjustment
 * creates one inventory journal that moves the warehouse's Quantity on Hand by the line's quantity
 * (CE `ce/field-service/adjust-inventory.md`); adding a product to an inventory transfer creates
 * two, one taking the quantity from the source warehouse and one adding it to the destination
 * (CE `ce/field-service/transfer-inventory.md`), and Field Service blocks a transfer whose
 * quantity exceeds the source's Quantity on Hand or whose product has no inventory row there.
 * Adjustments may take a warehouse below zero (the same page: Field Service "doesn't enforce
 * non-negative inventory for adjustments").
 */
import {
  InventoryJournalType,
  InventoryTransactionType,
  inventoryAdjustmentProduct,
  inventoryJournal,
  inventoryTransfer,
  productInventory,
} from "@fsi/core/dataverse/tables";
import type { PlatformPlugin } from "../dataverse";
import { isLookupValue, type LookupValue, type Row } from "../dataverse/storage/values";
import { productInventoryId } from "./inventory-journals";
import { convert } from "./units";

const quantity = (value: unknown): number => (typeof value === "number" ? value : 0);

function journal(line: Row, lineId: string, warehouse: LookupValue, moved: number, transactionType: number): Row {
  return {
    msdyn_name: typeof line.msdyn_name === "string" ? line.msdyn_name : null,
    msdyn_product: line.msdyn_product ?? null,
    msdyn_unit: line.msdyn_unit ?? null,
    msdyn_warehouse: warehouse,
    msdyn_quantity: moved,
    msdyn_journaltype: InventoryJournalType.OnHand,
    msdyn_transactiontype: transactionType,
    msdyn_inventoryadjustmentproduct: { id: lineId, logicalName: inventoryAdjustmentProduct.logicalName },
  };
}

export const inventoryDocumentLines: PlatformPlugin = {
  name: "Field Service: journals of an adjustment or transfer product",
  message: "Create",
  table: inventoryAdjustmentProduct.logicalName,
  stage: 40,
  async execute({ id, after, service }) {
    const line = after ?? {};
    const moved = quantity(line.msdyn_quantity);
    const product = line.msdyn_product ?? null;
    if (!isLookupValue(product) || moved === 0) return;
    const transfer = line.msdyn_inventorytransfer ?? null;
    if (isLookupValue(transfer)) {
      const header = service.retrieve(inventoryTransfer, transfer.id);
      const source = header?.msdyn_sourcewarehouse ?? null;
      const destination = header?.msdyn_destinationwarehouse ?? null;
      if (!isLookupValue(source) || !isLookupValue(destination))
        throw new Error("The inventory transfer needs a source and a destination warehouse.");
      const sourceRow = productInventoryId(service, source, product);
      const sourceInventory = sourceRow === undefined ? undefined : service.retrieve(productInventory, sourceRow);
      if (sourceInventory === undefined) {
        throw new Error("The product has no inventory at the source warehouse, so it cannot be transferred.");
      }
      const onHand = quantity(sourceInventory.msdyn_qtyonhand);
      const lineUnit = line.msdyn_unit ?? null;
      const rowUnit = sourceInventory.msdyn_unit ?? null;
      const inRowUnit = convert(
        service,
        moved,
        isLookupValue(lineUnit) ? lineUnit : undefined,
        isLookupValue(rowUnit) ? rowUnit : undefined,
      );
      if (inRowUnit > onHand) {
        throw new Error(
          `The quantity to transfer (${moved}) exceeds the quantity on hand at the source warehouse (${onHand}).`,
        );
      }
      await service.create(inventoryJournal, journal(line, id, source, -moved, InventoryTransactionType.Transfer));
      await service.create(inventoryJournal, journal(line, id, destination, moved, InventoryTransactionType.Transfer));
      return;
    }
    const warehouse = line.msdyn_warehouse ?? null;
    if (isLookupValue(line.msdyn_inventoryadjustment ?? null) && isLookupValue(warehouse)) {
      await service.create(inventoryJournal, journal(line, id, warehouse, moved, InventoryTransactionType.Adjustment));
    }
  },
};
