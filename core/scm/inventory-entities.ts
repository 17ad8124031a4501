/**
 * SCM data entities of the inventory and project integration: released products, on-hand
 * per item and warehouse, inventory movement and transfer journals, projects and sales orders.
 * Collection and field names are modelled on finance and operations' entities
 * (`ReleasedProductsV2`, `InventWarehouseOnHandV2Entity`, `InventoryMovementJournalHeaders/Entries`,
 * `InventoryTransferJournalHeaders/Entries`, `Projects`, `SalesOrderHeadersV2/LinesV2`) but are
 * unconfirmed against a live SCM: they are kept here and nowhere else.
 *
 * Key fields are text (the emulator and the clients address rows by quoted key segments), so line
 * numbers are text too.
 */
import { dataAreaId, noYes, str } from "./fields";
import type { ScmEntityDefinition, ScmFieldDefinition } from "./schema";

const real: ScmFieldDefinition = { type: "Real" };

/**
 * Row version change tracking: SCM sets this field from one increasing sequence on every create
 * and update of the row (F&O's "row version change tracking" exposes `SysRowVersion`), so a batch
 * run reads `SysRowVersion gt <last run's highest>` and gets exactly the rows changed since.
 * Clients cannot set it.
 */
export const SCM_ROW_VERSION_FIELD = "SysRowVersion";
const rowVersion: ScmFieldDefinition = { type: "Int" };

export const ItemTypeValues = ["Item", "Service", "BOM"] as const;
/** `ProjType` symbols (unconfirmed spelling of the time and material symbol). */
export const ProjectTypeValues = ["TimeMaterial", "FixedPrice", "Investment", "Cost", "Internal", "Time"] as const;
/** `ProjStatus` symbols: a project takes hours and items only while `InProcess`. */
export const ProjectStageValues = ["Created", "Estimated", "Scheduled", "InProcess", "Completed"] as const;

export const releasedProducts: ScmEntityDefinition = {
  collection: "ReleasedProducts",
  entityName: "ReleasedProduct",
  physicalName: "EcoResReleasedProductV2Entity",
  displayName: "Released products",
  keys: ["dataAreaId", "ItemNumber"],
  fields: {
    dataAreaId,
    ItemNumber: str(20, true),
    ProductName: str(60),
    ProductType: { type: "Enum", enumName: "ItemType", values: ItemTypeValues },
    /** The unit every inventory quantity of the item is kept in (`ea`, `m`, `h`). */
    InventoryUnitSymbol: str(10, true),
    SalesUnitSymbol: str(10, true),
  },
};

export const inventoryOnHand: ScmEntityDefinition = {
  collection: "InventoryOnHand",
  entityName: "InventoryOnHand",
  physicalName: "InventWarehouseOnHandV2Entity",
  displayName: "On-hand inventory",
  keys: ["dataAreaId", "ItemNumber", "WarehouseId"],
  fields: {
    dataAreaId,
    ItemNumber: str(20, true),
    WarehouseId: str(10, true),
    /** Physically in the warehouse. */
    PhysicalInventory: real,
    /** Physically there but reserved for orders. */
    ReservedPhysical: real,
    /** Physical minus reserved; SCM computes it. */
    AvailablePhysical: real,
    /** On purchase orders and inbound transfers, not yet received. */
    OrderedQuantity: real,
    InventoryUnitSymbol: str(10),
    [SCM_ROW_VERSION_FIELD]: rowVersion,
  },
};

const journalHeaderFields = {
  dataAreaId,
  /** SCM's number sequence gives it (`IMJ-000001`). */
  JournalNumber: str(20, true),
  /** The journal name (journal type setup): `IMov` for movements, `ITrf` for transfers. */
  JournalNameId: str(10),
  Description: str(60),
  /** The caller's idempotency key: one journal per key and company, ever. */
  FsiExternalReference: str(60),
  IsPosted: noYes,
  PostedDateTime: { type: "DateTime" },
} satisfies Record<string, ScmFieldDefinition>;

export const inventoryMovementJournalHeaders: ScmEntityDefinition = {
  collection: "InventoryMovementJournalHeaders",
  entityName: "InventoryMovementJournalHeader",
  physicalName: "InventoryMovementJournalHeaderEntity",
  displayName: "Inventory movement journals",
  keys: ["dataAreaId", "JournalNumber"],
  fields: journalHeaderFields,
};

export const inventoryMovementJournalLines: ScmEntityDefinition = {
  collection: "InventoryMovementJournalLines",
  entityName: "InventoryMovementJournalLine",
  physicalName: "InventoryMovementJournalLineEntity",
  displayName: "Inventory movement journal lines",
  keys: ["dataAreaId", "JournalNumber", "LineNumber"],
  fields: {
    dataAreaId,
    JournalNumber: str(20, true),
    LineNumber: str(10, true),
    ItemNumber: str(20, true),
    WarehouseId: str(10, true),
    /** In the item's inventory unit: positive receives, negative issues. */
    Quantity: real,
    UnitSymbol: str(10),
    /** Free text carried from the source document line. */
    LineDescription: str(60),
  },
};

export const inventoryTransferJournalHeaders: ScmEntityDefinition = {
  collection: "InventoryTransferJournalHeaders",
  entityName: "InventoryTransferJournalHeader",
  physicalName: "InventoryTransferJournalHeaderEntity",
  displayName: "Inventory transfer journals",
  keys: ["dataAreaId", "JournalNumber"],
  fields: journalHeaderFields,
};

export const inventoryTransferJournalLines: ScmEntityDefinition = {
  collection: "InventoryTransferJournalLines",
  entityName: "InventoryTransferJournalLine",
  physicalName: "InventoryTransferJournalLineEntity",
  displayName: "Inventory transfer journal lines",
  keys: ["dataAreaId", "JournalNumber", "LineNumber"],
  fields: {
    dataAreaId,
    JournalNumber: str(20, true),
    LineNumber: str(10, true),
    ItemNumber: str(20, true),
    FromWarehouseId: str(10, true),
    ToWarehouseId: str(10, true),
    /** In the item's inventory unit; always positive (from → to). */
    Quantity: real,
    UnitSymbol: str(10),
    LineDescription: str(60),
  },
};

export const projects: ScmEntityDefinition = {
  collection: "Projects",
  entityName: "Project",
  physicalName: "ProjectEntity",
  displayName: "Projects",
  keys: ["dataAreaId", "ProjectId"],
  fields: {
    dataAreaId,
    ProjectId: str(20, true),
    ProjectName: str(60),
    ProjectType: { type: "Enum", enumName: "ProjType", values: ProjectTypeValues },
    ProjectStage: { type: "Enum", enumName: "ProjStatus", values: ProjectStageValues },
    CustomerAccount: str(20),
    [SCM_ROW_VERSION_FIELD]: rowVersion,
  },
};

export const salesOrderHeaders: ScmEntityDefinition = {
  collection: "SalesOrderHeaders",
  entityName: "SalesOrderHeader",
  physicalName: "SalesOrderHeaderEntity",
  displayName: "Sales orders",
  keys: ["dataAreaId", "SalesOrderNumber"],
  fields: {
    dataAreaId,
    /** SCM's number sequence gives it (`SO-000001`). */
    SalesOrderNumber: str(20, true),
    CustomerAccount: str(20, true),
    ProjectId: str(20),
    /** The customer's reference: the work order number. */
    CustomerRequisitionNumber: str(100),
    Description: str(60),
    FsiExternalReference: str(60),
  },
};

export const salesOrderLines: ScmEntityDefinition = {
  collection: "SalesOrderLines",
  entityName: "SalesOrderLine",
  physicalName: "SalesOrderLineEntity",
  displayName: "Sales order lines",
  keys: ["dataAreaId", "SalesOrderNumber", "LineNumber"],
  fields: {
    dataAreaId,
    SalesOrderNumber: str(20, true),
    LineNumber: str(10, true),
    ItemNumber: str(20, true),
    /** In the item's sales unit. */
    Quantity: real,
    SalesUnitSymbol: str(10),
    ProjectId: str(20),
    WarehouseId: str(10),
    LineDescription: str(60),
  },
};

/** In the order the emulator creates their tables and reference rules can rely on. */
export const inventoryEntities: readonly ScmEntityDefinition[] = [
  releasedProducts,
  inventoryOnHand,
  inventoryMovementJournalHeaders,
  inventoryMovementJournalLines,
  inventoryTransferJournalHeaders,
  inventoryTransferJournalLines,
  projects,
  salesOrderHeaders,
  salesOrderLines,
];
