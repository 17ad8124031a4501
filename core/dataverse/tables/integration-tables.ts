/**
 * The five tables dual-write keeps in step with SCM (docs/design.md §3), plus the company and
 * operational site tables they refer to. Column names are Field Service's; `fsi_` columns are ours.
 */
import { choice, dateTime, latitude, longitude, lookup, memo, text, whole, yesNo } from "../columns";
import { defineTable } from "../define-table";
import { WarehouseType } from "./warehouse-type";

/**
 * Publisher `fsi` option value prefix 71690: our choice values are 716900000 and up, so they never
 * collide with Microsoft's values or another publisher's.
 */
export const ScmSyncStatus = {
  NotSynced: 716900000,
  Pending: 716900001,
  Synced: 716900002,
  Failed: 716900003,
} as const;

/** Our columns on each of the five tables: where the row stands with SCM. */
const scmSyncColumns = {
  fsi_scmsyncstatus: choice("SCM Sync Status", [
    { value: ScmSyncStatus.NotSynced, label: "Not synced" },
    { value: ScmSyncStatus.Pending, label: "Pending" },
    { value: ScmSyncStatus.Synced, label: "Synced" },
    { value: ScmSyncStatus.Failed, label: "Failed" },
  ]),
  fsi_scmlastsyncedon: dateTime("SCM Last Synced On"),
  fsi_scmlasterror: memo("SCM Last Error", 4000),
} as const;

export const cdmCompany = defineTable({
  logicalName: "cdm_company",
  entitySetName: "cdm_companies",
  displayName: "Company",
  primaryIdAttribute: "cdm_companyid",
  primaryNameAttribute: "cdm_name",
  columns: {
    cdm_name: text("Name", 100, { required: true }),
    // SCM's dataAreaId: up to 4 characters, stored lower-case by SCM.
    cdm_companycode: text("Company Code", 4, { required: true, createOnly: true }),
  },
  alternateKeys: [{ name: "cdm_companycodekey", columns: ["cdm_companycode"] }],
});

export const operationalSite = defineTable({
  logicalName: "msdyn_operationalsite",
  entitySetName: "msdyn_operationalsites",
  displayName: "Operational Site",
  primaryIdAttribute: "msdyn_operationalsiteid",
  primaryNameAttribute: "msdyn_name",
  company: "required",
  columns: {
    msdyn_name: text("Name", 100, { required: true }),
    msdyn_siteid: text("Site ID", 10, { required: true, createOnly: true }),
  },
  alternateKeys: [{ name: "msdyn_siteidcompanykey", columns: ["msdyn_siteid", "msdyn_company"] }],
});

export { WarehouseType };

export const warehouse = defineTable({
  logicalName: "msdyn_warehouse",
  entitySetName: "msdyn_warehouses",
  displayName: "Warehouse",
  primaryIdAttribute: "msdyn_warehouseid",
  primaryNameAttribute: "msdyn_name",
  company: "required",
  columns: {
    msdyn_name: text("Name", 100, { required: true }),
    msdyn_warehouseidentifier: text("Warehouse Identifier", 10, { required: true, createOnly: true }),
    msdyn_description: memo("Description", 2000),
    msdyn_warehousetype: choice("Warehouse Type", [
      { value: WarehouseType.Default, label: "Default" },
      { value: WarehouseType.Quarantine, label: "Quarantine" },
      { value: WarehouseType.Transit, label: "Transit" },
    ]),
    msdyn_operationalsite: lookup("Operational Site", "msdyn_operationalsite"),
    msdyn_transitwarehouse: lookup("Transit Warehouse", "msdyn_warehouse"),
    msdyn_quarantinewarehouse: lookup("Quarantine Warehouse", "msdyn_warehouse"),
    msdyn_mainrefillingwarehouse: lookup("Main Refilling Warehouse", "msdyn_warehouse"),
    msdyn_primaryaddressstreet: text("Street", 250),
    msdyn_primaryaddresscity: text("City", 60),
    msdyn_primaryaddressstateid: text("State", 10),
    msdyn_primaryaddresszipcode: text("ZIP/Postal Code", 10),
    msdyn_primaryaddresscountryregionid: text("Country/Region", 10),
    msdyn_formattedprimaryaddress: memo("Formatted Address", 1000),
    msdyn_primaryaddresslatitude: latitude("Latitude"),
    msdyn_primaryaddresslongitude: longitude("Longitude"),
    ...scmSyncColumns,
  },
  alternateKeys: [
    { name: "msdyn_warehouseidentifiercompanykey", columns: ["msdyn_warehouseidentifier", "msdyn_company"] },
  ],
});

/** Where a customer asset was first created (ours: the asset picker shows it). */
export const AssetOrigin = { FieldService: 716900000, SupplyChain: 716900001 } as const;

/**
 * The key column SCM's lifecycle model id lands in on `msdyn_assetlifecyclemodel`.
 * **Unconfirmed**: the dual-write Asset Management solution adds the table (UO
 * `.../dual-write/separated-solutions.md`: "Asset management asset lifecycle models |
 * msdyn_assetlifecyclemodels"), but its column reference is not published; the name is kept here only.
 */
export const LIFECYCLE_MODEL_KEY_COLUMN = "msdyn_name";

/** Asset lifecycle models (dual-write Asset Management): what a customer asset category's lifecycle model points to. */
export const assetLifecycleModel = defineTable({
  logicalName: "msdyn_assetlifecyclemodel",
  entitySetName: "msdyn_assetlifecyclemodels",
  displayName: "Asset Lifecycle Model",
  primaryIdAttribute: "msdyn_assetlifecyclemodelid",
  primaryNameAttribute: LIFECYCLE_MODEL_KEY_COLUMN,
  company: "required",
  columns: {
    [LIFECYCLE_MODEL_KEY_COLUMN]: text("Lifecycle Model", 20, { required: true }),
  },
  alternateKeys: [
    { name: "msdyn_assetlifecyclemodelcompanykey", columns: [LIFECYCLE_MODEL_KEY_COLUMN, "msdyn_company"] },
  ],
});

export const customerAssetCategory = defineTable({
  logicalName: "msdyn_customerassetcategory",
  entitySetName: "msdyn_customerassetcategories",
  displayName: "Customer Asset Category",
  primaryIdAttribute: "msdyn_customerassetcategoryid",
  primaryNameAttribute: "msdyn_name",
  company: "required",
  columns: {
    msdyn_name: text("Name", 100, { required: true }),
    msdyn_maintenanceassettypeid: text("Maintenance Asset Type", 20, { required: true, createOnly: true }),
    /** A lookup (dual-write's asset type map sends LIFECYCLEMODELID to it), not text. */
    msdyn_lifecyclemodel: lookup("Lifecycle Model", "msdyn_assetlifecyclemodel"),
    msdyn_calculatekpitotal: yesNo("Calculate KPI Total"),
    ...scmSyncColumns,
  },
  alternateKeys: [
    { name: "msdyn_maintenanceassettypeidcompanykey", columns: ["msdyn_maintenanceassettypeid", "msdyn_company"] },
  ],
});

export const customerAsset = defineTable({
  logicalName: "msdyn_customerasset",
  entitySetName: "msdyn_customerassets",
  displayName: "Customer Asset",
  primaryIdAttribute: "msdyn_customerassetid",
  primaryNameAttribute: "msdyn_name",
  company: "required",
  columns: {
    msdyn_name: text("Name", 100, { required: true }),
    msdyn_maintenanceassetid: text("Maintenance Asset", 20, { createOnly: true }),
    msdyn_account: lookup("Account", "account"),
    msdyn_customerassetcategory: lookup("Category", "msdyn_customerassetcategory"),
    msdyn_product: lookup("Product", "product"),
    msdyn_parentasset: lookup("Parent Asset", "msdyn_customerasset"),
    msdyn_functionallocation: lookup("Functional Location", "msdyn_functionallocation"),
    msdyn_assettag: text("Asset Tag", 100),
    msdyn_latitude: latitude("Latitude"),
    msdyn_longitude: longitude("Longitude"),
    // SCM's ActiveFrom/ActiveTo have no Field Service column; ours carry them so the form can show
    // SCM's date rule on the right field.
    fsi_activefrom: dateTime("Active From"),
    fsi_activeto: dateTime("Active To"),
    fsi_origin: choice("Originated In", [
      { value: AssetOrigin.FieldService, label: "Field Service" },
      { value: AssetOrigin.SupplyChain, label: "Supply Chain" },
    ]),
    ...scmSyncColumns,
  },
  alternateKeys: [
    { name: "msdyn_maintenanceassetidcompanykey", columns: ["msdyn_maintenanceassetid", "msdyn_company"] },
  ],
});

export const paymentTerm = defineTable({
  logicalName: "msdyn_paymentterm",
  entitySetName: "msdyn_paymentterms",
  displayName: "Payment Term",
  primaryIdAttribute: "msdyn_paymenttermid",
  primaryNameAttribute: "msdyn_name",
  company: "required",
  columns: {
    msdyn_name: text("Name", 10, { required: true, createOnly: true }),
    msdyn_description: text("Description", 60),
    msdyn_days: whole("Days", { min: 0, max: 2147483647 }),
    msdyn_numberofmonth: whole("Number of Months", { min: 0, max: 1200 }),
    msdyn_cutoffdayofmonth: whole("Cut-off Day of Month", { min: 0, max: 31 }),
    msdyn_iscashpayment: yesNo("Cash Payment"),
    msdyn_isdefaultpaymentterm: yesNo("Default Payment Term"),
    ...scmSyncColumns,
  },
  alternateKeys: [{ name: "msdyn_namecompanykey", columns: ["msdyn_name", "msdyn_company"] }],
});

export const shipVia = defineTable({
  logicalName: "msdyn_shipvia",
  entitySetName: "msdyn_shipvias",
  displayName: "Ship Via",
  primaryIdAttribute: "msdyn_shipviaid",
  primaryNameAttribute: "msdyn_name",
  company: "required",
  columns: {
    msdyn_name: text("Name", 10, { required: true, createOnly: true }),
    msdyn_description: text("Description", 60),
    ...scmSyncColumns,
  },
  alternateKeys: [{ name: "msdyn_namecompanykey", columns: ["msdyn_name", "msdyn_company"] }],
});
