/**
 * Field Service inventory tables (DESIGN.md §3). Quantities on `msdyn_productinventory` change only
 * through inventory journals, so the journal history explains every quantity.
 */
import { choice, dateTime, decimal, lookup, text } from "../columns";
import { defineTable } from "../define-table";

export const productInventory = defineTable({
  logicalName: "msdyn_productinventory",
  entitySetName: "msdyn_productinventories",
  displayName: "Product Inventory",
  primaryIdAttribute: "msdyn_productinventoryid",
  primaryNameAttribute: "msdyn_name",
  columns: {
    msdyn_name: text("Name", 100),
    msdyn_product: lookup("Product", "product", { required: true }),
    msdyn_warehouse: lookup("Warehouse", "msdyn_warehouse", { required: true }),
    msdyn_unit: lookup("Unit", "uom"),
    msdyn_qtyonhand: decimal("Quantity On Hand", 2),
    msdyn_qtyavailable: decimal("Quantity Available", 2),
    msdyn_qtyallocated: decimal("Quantity Allocated", 2),
    msdyn_qtyonorder: decimal("Quantity On Order", 2),
  },
  alternateKeys: [{ name: "msdyn_warehouseproductkey", columns: ["msdyn_warehouse", "msdyn_product"] }],
});

/**
 * `msdyn_transactiontype` values we use; Field Service defines more, which a Web API client may
 * still send (the emulator accepts only values listed here).
 */
export const InventoryTransactionType = { Adjustment: 690970003, Transfer: 690970004 } as const;

/** `msdyn_journaltype`: which quantity a journal row moves (unconfirmed values, kept here only). */
export const InventoryJournalType = { OnHand: 690970000, OnOrder: 690970001, Allocated: 690970002 } as const;

export const inventoryJournal = defineTable({
  logicalName: "msdyn_inventoryjournal",
  entitySetName: "msdyn_inventoryjournals",
  displayName: "Inventory Journal",
  primaryIdAttribute: "msdyn_inventoryjournalid",
  primaryNameAttribute: "msdyn_name",
  columns: {
    msdyn_name: text("Name", 100),
    msdyn_product: lookup("Product", "product", { required: true }),
    msdyn_warehouse: lookup("Warehouse", "msdyn_warehouse", { required: true }),
    msdyn_unit: lookup("Unit", "uom"),
    /** Positive moves stock in, negative moves it out. */
    msdyn_quantity: decimal("Quantity", 2),
    msdyn_journaltype: choice("Journal Type", [
      { value: InventoryJournalType.OnHand, label: "On Hand" },
      { value: InventoryJournalType.OnOrder, label: "On Order" },
      { value: InventoryJournalType.Allocated, label: "Allocated" },
    ]),
    msdyn_transactiontype: choice("Transaction Type", [
      { value: InventoryTransactionType.Adjustment, label: "Inventory Adjustment" },
      { value: InventoryTransactionType.Transfer, label: "Inventory Transfer" },
    ]),
  },
  alternateKeys: [],
});

export const inventoryTransfer = defineTable({
  logicalName: "msdyn_inventorytransfer",
  entitySetName: "msdyn_inventorytransfers",
  displayName: "Inventory Transfer",
  primaryIdAttribute: "msdyn_inventorytransferid",
  primaryNameAttribute: "msdyn_name",
  columns: {
    msdyn_name: text("Name", 100),
    msdyn_sourcewarehouse: lookup("Source Warehouse", "msdyn_warehouse", { required: true }),
    msdyn_destinationwarehouse: lookup("Destination Warehouse", "msdyn_warehouse", { required: true }),
    msdyn_transfertime: dateTime("Transfer Time"),
  },
  alternateKeys: [],
});

export const inventoryAdjustment = defineTable({
  logicalName: "msdyn_inventoryadjustment",
  entitySetName: "msdyn_inventoryadjustments",
  displayName: "Inventory Adjustment",
  primaryIdAttribute: "msdyn_inventoryadjustmentid",
  primaryNameAttribute: "msdyn_name",
  columns: {
    msdyn_name: text("Name", 100),
    msdyn_adjustmenttime: dateTime("Adjustment Time"),
  },
  alternateKeys: [],
});

export const inventoryAdjustmentProduct = defineTable({
  logicalName: "msdyn_inventoryadjustmentproduct",
  entitySetName: "msdyn_inventoryadjustmentproducts",
  displayName: "Inventory Adjustment Product",
  primaryIdAttribute: "msdyn_inventoryadjustmentproductid",
  primaryNameAttribute: "msdyn_name",
  columns: {
    msdyn_name: text("Name", 100),
    msdyn_inventoryadjustment: lookup("Inventory Adjustment", "msdyn_inventoryadjustment"),
    msdyn_inventorytransfer: lookup("Inventory Transfer", "msdyn_inventorytransfer"),
    msdyn_product: lookup("Product", "product", { required: true }),
    msdyn_warehouse: lookup("Warehouse", "msdyn_warehouse"),
    msdyn_unit: lookup("Unit", "uom", { required: true }),
    msdyn_quantity: decimal("Quantity", 2),
  },
  alternateKeys: [],
});
