/**
 * Which installed solution provides each table and column the solution needs but does not define
 * (written as `solution="<unique name>"` on a MissingDependency's Required element, the attribute a
 * solution export writes there; Learn troubleshooting, "There was an error calculating dependencies
 * for this component").
 *
 * Confirmed: the dual-write solutions' unique names and which table each package maps (UO
 * `articles/fin-ops-core/dev-itpro/data-entities/dual-write/separated-solutions.md`); that Field
 * Service's own `msdyn_warehouse` has only `msdyn_name` and `msdyn_description` (CE
 * `ce/field-service/developer/reference/entities/msdyn_warehouse.md`).
 * **Unconfirmed** (kept here only): Field Service's solution unique name, and that a table's other
 * columns come from the extended solution of the package that maps it.
 */
export const FIELD_SERVICE_SOLUTION = "FieldService";

/** The dual-write solution adding the company, key and other synced columns to each table. */
const dualWriteColumnsBy: Readonly<Record<string, string>> = {
  msdyn_warehouse: "Dynamics365SupplyChainExtended",
  msdyn_operationalsite: "Dynamics365SupplyChainExtended",
  msdyn_shipvia: "Dynamics365SupplyChainExtended",
  msdyn_paymentterm: "Dynamics365FinanceExtended",
  account: "Dynamics365FinanceExtended",
  msdyn_customerassetcategory: "Dynamics365AssetManagement",
  msdyn_customerasset: "Dynamics365AssetManagement",
  msdyn_assetlifecyclemodel: "Dynamics365AssetManagement",
};

/** Tables a dual-write solution adds (Field Service adds the others we extend). */
const dualWriteTables: Readonly<Record<string, string>> = {
  cdm_company: "Dynamics365Company",
  msdyn_assetlifecyclemodel: "Dynamics365AssetManagement",
  account: "System",
};

/** Columns a table has from its own publisher, not from dual-write. */
const ownColumns: Readonly<Record<string, readonly string[]>> = {
  msdyn_warehouse: ["msdyn_name", "msdyn_description"],
};

export function solutionOfTable(table: string): string {
  return dualWriteTables[table] ?? FIELD_SERVICE_SOLUTION;
}

export function solutionOfColumn(table: string, column: string): string {
  if (ownColumns[table]?.includes(column) === true) return solutionOfTable(table);
  return dualWriteColumnsBy[table] ?? solutionOfTable(table);
}
