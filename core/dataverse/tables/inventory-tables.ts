/**
 * Field Service inventory tables (docs/design.md §3). Quantities on `msdyn_productinventory` change only
 * through inventory journals, so the journal history explains every quantity.
 */
import { choice, dateTime, decimal, lookup, memo, text } from "../columns";
import { defineTable } from "../define-table";

/**
 * Where an adjustment or transfer stands with SCM (ours, option prefix 71690). A user asks to post
 * (Post requested); the integration posts the SCM journal and sets Posted, or Failed with SCM's
 * error — a failed record is still unposted and may be corrected and posted again. Posted records
 * are locked.
 */
export const InventoryPostingStatus = {
  Draft: 716900000,
  PostRequested: 716900001,
  Posted: 716900002,
  Failed: 716900003,
} as const;

/** Our posting columns on adjustments and transfers. */
const postingColumns = {
  fsi_postingstatus: choice("Posting Status", [
    { value: InventoryPostingStatus.Draft, label: "Draft" },
    { value: InventoryPostingStatus.PostRequested, label: "Post requested" },
    { value: InventoryPostingStatus.Posted, label: "Posted" },
    { value: InventoryPostingStatus.Failed, label: "Failed" },
  ]),
  fsi_postedon: dateTime("Posted On"),
  /** SCM's journal number, once posted. */
  fsi_scmjournalnumber: text("SCM Journal Number", 20),
  fsi_scmpostingerror: memo("SCM Posting Error", 4000),
} as const;

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
    /** When the on-hand sync last confirmed these quantities against SCM (ours). */
    fsi_scmlastsyncedon: dateTime("SCM Last Synced On"),
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
    ...postingColumns,
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
    ...postingColumns,
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
