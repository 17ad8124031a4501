/**
 * Field Service tables our controls and maps read: accounts, products and units, functional
 * locations, work orders and their products, and users.
 */
import { choice, dateTime, decimal, float, latitude, longitude, lookup, memo, text, whole } from "../columns";
import { defineTable } from "../define-table";

export const account = defineTable({
  logicalName: "account",
  entitySetName: "accounts",
  displayName: "Account",
  primaryIdAttribute: "accountid",
  primaryNameAttribute: "name",
  company: "optional",
  columns: {
    name: text("Account Name", 160, { required: true }),
    accountnumber: text("Account Number", 20),
    address1_line1: text("Street 1", 250),
    address1_city: text("City", 80),
    address1_postalcode: text("ZIP/Postal Code", 20),
    address1_country: text("Country/Region", 80),
    address1_latitude: latitude("Address 1: Latitude"),
    address1_longitude: longitude("Address 1: Longitude"),
  },
  // Dual-write keys customers by account number within a company.
  alternateKeys: [{ name: "accountnumbercompanykey", columns: ["accountnumber", "msdyn_company"] }],
});

export const unitOfMeasure = defineTable({
  logicalName: "uom",
  entitySetName: "uoms",
  displayName: "Unit",
  primaryIdAttribute: "uomid",
  primaryNameAttribute: "name",
  columns: {
    name: text("Name", 100, { required: true }),
    /** How many base units one of this unit holds (a box of 12 has 12). */
    quantity: decimal("Quantity", 5, 0),
    baseuom: lookup("Base Unit", "uom"),
  },
  alternateKeys: [{ name: "uomnamekey", columns: ["name"] }],
});

export const product = defineTable({
  logicalName: "product",
  entitySetName: "products",
  displayName: "Product",
  primaryIdAttribute: "productid",
  primaryNameAttribute: "name",
  columns: {
    name: text("Name", 100, { required: true }),
    productnumber: text("Product ID", 100, { required: true }),
    defaultuomid: lookup("Default Unit", "uom"),
  },
  alternateKeys: [{ name: "productnumberkey", columns: ["productnumber"] }],
});

export const functionalLocation = defineTable({
  logicalName: "msdyn_functionallocation",
  entitySetName: "msdyn_functionallocations",
  displayName: "Functional Location",
  primaryIdAttribute: "msdyn_functionallocationid",
  primaryNameAttribute: "msdyn_name",
  company: "optional",
  columns: {
    msdyn_name: text("Name", 100, { required: true }),
    msdyn_account: lookup("Account", "account"),
  },
  alternateKeys: [],
});

/**
 * Where a completed work order stands with SCM (ours): its products and services become an SCM
 * sales order carrying the work order's project.
 */
export const WorkOrderScmOrderStatus = { NotSent: 716900000, Sent: 716900001, Failed: 716900002 } as const;

/** `msdyn_systemstatus` values of a work order. */
export const WorkOrderSystemStatus = {
  Unscheduled: 690970000,
  Scheduled: 690970001,
  InProgress: 690970002,
  Completed: 690970003,
  Posted: 690970004,
  Canceled: 690970005,
} as const;

export const workOrder = defineTable({
  logicalName: "msdyn_workorder",
  entitySetName: "msdyn_workorders",
  displayName: "Work Order",
  primaryIdAttribute: "msdyn_workorderid",
  primaryNameAttribute: "msdyn_name",
  company: "optional",
  columns: {
    msdyn_name: text("Work Order Number", 100, { required: true }),
    msdyn_serviceaccount: lookup("Service Account", "account", { required: true }),
    // "Primary Incident Customer Asset" (CE msdyn_workorder reference).
    msdyn_customerasset: lookup("Customer Asset", "msdyn_customerasset"),
    msdyn_systemstatus: choice("System Status", [
      { value: WorkOrderSystemStatus.Unscheduled, label: "Unscheduled" },
      { value: WorkOrderSystemStatus.Scheduled, label: "Scheduled" },
      { value: WorkOrderSystemStatus.InProgress, label: "In Progress" },
      { value: WorkOrderSystemStatus.Completed, label: "Completed" },
      { value: WorkOrderSystemStatus.Posted, label: "Posted" },
      { value: WorkOrderSystemStatus.Canceled, label: "Canceled" },
    ]),
    msdyn_address1: text("Street 1", 250),
    msdyn_city: text("City", 80),
    msdyn_stateorprovince: text("State Or Province", 50),
    msdyn_postalcode: text("Postal Code", 20),
    msdyn_country: text("Country/Region", 80),
    msdyn_latitude: latitude("Latitude"),
    msdyn_longitude: longitude("Longitude"),
    /** The SCM project the work is done for (ours); time and material projects in process only. */
    fsi_project: lookup("Project", "fsi_project"),
    fsi_scmorderstatus: choice("SCM Order Status", [
      { value: WorkOrderScmOrderStatus.NotSent, label: "Not sent" },
      { value: WorkOrderScmOrderStatus.Sent, label: "Sent" },
      { value: WorkOrderScmOrderStatus.Failed, label: "Failed" },
    ]),
    fsi_scmsalesordernumber: text("SCM Sales Order", 20),
    fsi_scmorderedon: dateTime("Sent to SCM On"),
    fsi_scmordererror: memo("SCM Order Error", 4000),
  },
  alternateKeys: [],
});

export const workOrderProduct = defineTable({
  logicalName: "msdyn_workorderproduct",
  entitySetName: "msdyn_workorderproducts",
  displayName: "Work Order Product",
  primaryIdAttribute: "msdyn_workorderproductid",
  primaryNameAttribute: "msdyn_name",
  columns: {
    msdyn_name: text("Name", 100),
    msdyn_workorder: lookup("Work Order", "msdyn_workorder", { required: true }),
    msdyn_product: lookup("Product", "product", { required: true }),
    msdyn_warehouse: lookup("Warehouse", "msdyn_warehouse"),
    // Double, precision 2, 0 to 1,000,000,000 (CE ce/field-service/developer/reference/entities/msdyn_workorderproduct.md).
    msdyn_quantity: float("Quantity", 2, 0, 1_000_000_000),
    msdyn_unit: lookup("Unit", "uom"),
  },
  alternateKeys: [],
});

/** Services done on a work order (a product of type service, billed by duration). */
export const workOrderService = defineTable({
  logicalName: "msdyn_workorderservice",
  entitySetName: "msdyn_workorderservices",
  displayName: "Work Order Service",
  primaryIdAttribute: "msdyn_workorderserviceid",
  primaryNameAttribute: "msdyn_name",
  columns: {
    msdyn_name: text("Name", 100),
    msdyn_workorder: lookup("Work Order", "msdyn_workorder", { required: true }),
    msdyn_service: lookup("Service", "product", { required: true }),
    /** Minutes, as Field Service keeps durations. */
    msdyn_duration: whole("Duration", { min: 0, max: 2147483647 }),
    msdyn_unit: lookup("Unit", "uom"),
  },
  alternateKeys: [],
});

/** Users; the company column is the user's default company (unconfirmed column name). */
export const systemUser = defineTable({
  logicalName: "systemuser",
  entitySetName: "systemusers",
  displayName: "User",
  primaryIdAttribute: "systemuserid",
  primaryNameAttribute: "fullname",
  company: "optional",
  columns: {
    fullname: text("Full Name", 200),
    domainname: text("User Name", 1024, { required: true }),
  },
  alternateKeys: [],
});
