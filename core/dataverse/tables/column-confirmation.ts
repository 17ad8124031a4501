/**
 * Which Field Service and dual-write columns (msdyn_, cdm_) of our table definitions were checked
 * against Microsoft's table references: name, type, and lookup target. Every such column is in
 * exactly one of the two lists (core/dataverse/__tests__/column-confirmation.test.ts), so a new
 * column must be classified. The unconfirmed ones are kept here only; docs/design.md §0.b names
 * this module.
 */

const fieldServiceReference = (table: string) => `CE ce/field-service/developer/reference/entities/${table}.md`;

/** `table.column` → the page that gives its name and type. */
export const confirmedColumns: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    [
      "msdyn_workorderid",
      "msdyn_name",
      "msdyn_serviceaccount",
      "msdyn_customerasset",
      "msdyn_systemstatus",
      "msdyn_address1",
      "msdyn_city",
      "msdyn_stateorprovince",
      "msdyn_postalcode",
      "msdyn_country",
      "msdyn_latitude",
      "msdyn_longitude",
    ].map((column) => [`msdyn_workorder.${column}`, fieldServiceReference("msdyn_workorder")]),
  ),
  ...Object.fromEntries(
    [
      "msdyn_customerassetid",
      "msdyn_name",
      "msdyn_account",
      "msdyn_assettag",
      "msdyn_customerassetcategory",
      "msdyn_functionallocation",
      "msdyn_parentasset",
      "msdyn_product",
      "msdyn_latitude",
      "msdyn_longitude",
    ].map((column) => [`msdyn_customerasset.${column}`, fieldServiceReference("msdyn_customerasset")]),
  ),
  "msdyn_workorderproduct.msdyn_workorderproductid": fieldServiceReference("msdyn_workorderproduct"),
  "msdyn_workorderproduct.msdyn_name": fieldServiceReference("msdyn_workorderproduct"),
  "msdyn_workorderproduct.msdyn_workorder": fieldServiceReference("msdyn_workorderproduct"),
  "msdyn_workorderproduct.msdyn_product": fieldServiceReference("msdyn_workorderproduct"),
  "msdyn_workorderproduct.msdyn_warehouse": fieldServiceReference("msdyn_workorderproduct"),
  // Double, precision 2, 0 to 1,000,000,000: was a Decimal here before the check.
  "msdyn_workorderproduct.msdyn_quantity": fieldServiceReference("msdyn_workorderproduct"),
  "msdyn_workorderproduct.msdyn_unit": fieldServiceReference("msdyn_workorderproduct"),
  "msdyn_productinventory.msdyn_qtyonhand": fieldServiceReference("msdyn_productinventory"),
  "msdyn_productinventory.msdyn_qtyavailable": fieldServiceReference("msdyn_productinventory"),
  "msdyn_productinventory.msdyn_qtyallocated": fieldServiceReference("msdyn_productinventory"),
  "msdyn_inventoryjournal.msdyn_quantity": fieldServiceReference("msdyn_inventoryjournal"),
  "msdyn_inventoryjournal.msdyn_journaltype": fieldServiceReference("msdyn_inventoryjournal"),
  "msdyn_inventoryjournal.msdyn_transactiontype": fieldServiceReference("msdyn_inventoryjournal"),
  "msdyn_inventoryjournal.msdyn_reversal": fieldServiceReference("msdyn_inventoryjournal"),
  "msdyn_inventoryadjustment.msdyn_adjustmenttime": fieldServiceReference("msdyn_inventoryadjustment"),
  "msdyn_inventorytransfer.msdyn_transfertime": fieldServiceReference("msdyn_inventorytransfer"),
  "msdyn_inventorytransfer.msdyn_sourcewarehouse": fieldServiceReference("msdyn_inventorytransfer"),
};

/**
 * **Unconfirmed**: every other msdyn_/cdm_ column we read or write. Their names come from the
 * design's research (docs/design.md §0.b) and the dual-write mappings; their types were not
 * checked page by page against a table reference. Kept as a rule (everything not confirmed) so the
 * list cannot drift from the definitions.
 */
export function isConfirmedColumn(table: string, column: string): boolean {
  return Object.hasOwn(confirmedColumns, `${table}.${column}`);
}
