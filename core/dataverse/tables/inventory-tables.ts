/**
 * Field Service inventory tables (docs/design.md §3), their columns and types as the Field Service
 * table reference gives them (CE `ce/field-service/developer/reference/entities/msdyn_productinventory.md`,
 * `msdyn_inventoryjournal.md`). Field Service itself moves product inventory from inventory
 * journals (CE `ce/field-service/manual-inventory-journals.md`); the integration writes journals,
 * never quantities.
 */
import { choice, dateTime, float, lookup, memo, text, yesNo } from "../columns";
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
    msdyn_qtyonhand: float("Quantity On Hand", 2, -1_000_000_000, 1_000_000_000),
    msdyn_qtyavailable: float("Quantity Available", 2, -1_000_000_000, 1_000_000_000),
    msdyn_qtyallocated: float("Quantity Allocated", 2, 0, 1_000_000_000),
    msdyn_qtyonorder: float("Quantity On Order", 2, 0, 1_000_000_000),
    /** When the on-hand sync last confirmed these quantities against SCM (ours). */
    fsi_scmlastsyncedon: dateTime("SCM Last Synced On"),
  },
  alternateKeys: [{ name: "msdyn_warehouseproductkey", columns: ["msdyn_warehouse", "msdyn_product"] }],
});

/** `msdyn_transactiontype` (global choice `msdyn_inventorytransactiontype`): what raised a journal. */
export const InventoryTransactionType = {
  PurchaseOrderProduct: 690970000,
  PurchaseOrderReceipt: 690970001,
  WorkOrderProduct: 690970002,
  Adjustment: 690970003,
  Transfer: 690970004,
  RmaProduct: 690970005,
  /** Manual journals: Field Service's way to integrate an external inventory system. */
  Manual: 690970006,
} as const;

/** `msdyn_journaltype` (global choice `msdyn_inventoryjournaltype`): which quantity a journal moves. */
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
    msdyn_quantity: float("Quantity", 2, -1_000_000_000, 1_000_000_000),
    msdyn_journaltype: choice("Journal Type", [
      { value: InventoryJournalType.OnHand, label: "On Hand" },
      { value: InventoryJournalType.OnOrder, label: "On Order" },
      { value: InventoryJournalType.Allocated, label: "Allocated" },
    ]),
    msdyn_transactiontype: choice("Transaction Type", [
      { value: InventoryTransactionType.PurchaseOrderProduct, label: "Purchase Order Product" },
      { value: InventoryTransactionType.PurchaseOrderReceipt, label: "Purchase Order Receipt" },
      { value: InventoryTransactionType.WorkOrderProduct, label: "WO Product" },
      { value: InventoryTransactionType.Adjustment, label: "Inventory Adjustment" },
      { value: InventoryTransactionType.Transfer, label: "Inventory Transfer" },
      { value: InventoryTransactionType.RmaProduct, label: "RMA Product" },
      { value: InventoryTransactionType.Manual, label: "Manual" },
    ]),
    /** The adjustment or transfer line that raised the journal (Field Service sets it). */
    msdyn_inventoryadjustmentproduct: lookup("Inventory Adjustment Product", "msdyn_inventoryadjustmentproduct"),
    msdyn_reversal: yesNo("Reversal"),
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
    msdyn_quantity: float("Quantity", 2, -1_000_000_000, 1_000_000_000),
  },
  alternateKeys: [],
});
