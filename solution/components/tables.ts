/**
 * The tables the solution touches. Most belong to Field Service (or the SCM extended solutions):
 * the solution carries only what we add to them — our `fsi_` columns and our forms — and lists the
 * tables themselves as dependencies the target environment must already have. Our own tables
 * (`fsi_project`) are shipped whole.
 */
import { integrationTableNames, tableByLogicalName, type ColumnDefinition, type TableDefinition } from "@fsi/core";
import { publisher } from "../identity";

/** Tables the solution creates: shipped with all their columns, never listed as missing. */
export const ownTableNames: readonly string[] = ["fsi_project"];

/**
 * The five integration tables, the work order tables our controls and project columns sit on, the
 * inventory tables we add posting and sync columns to, then our own tables.
 * `msdyn_workorderservice` is not here: we add nothing to it.
 */
export const solutionTableNames = [
  ...integrationTableNames,
  "msdyn_workorder",
  "msdyn_workorderproduct",
  "msdyn_productinventory",
  "msdyn_inventoryadjustment",
  "msdyn_inventorytransfer",
  ...ownTableNames,
] as const;

export function isOwnTable(table: TableDefinition): boolean {
  return ownTableNames.includes(table.logicalName);
}

export function solutionTable(logicalName: string): TableDefinition {
  const table = tableByLogicalName(logicalName);
  if (table === undefined) throw new Error(`core has no definition of table ${logicalName}`);
  return table;
}

/** Columns the platform maintains; forms never show them as editable business fields. */
export const platformColumns = new Set(["createdon", "modifiedon", "versionnumber", "statecode", "statuscode"]);

/**
 * Our columns on a table, in definition order: on Microsoft's tables the ones with the
 * publisher's prefix; on our own tables every column but those the platform creates with any
 * table (created on, modified on, version number, status and status reason).
 */
export function ourColumns(table: TableDefinition): [string, ColumnDefinition][] {
  return Object.entries(table.columns).filter(([name]) =>
    isOwnTable(table) ? !platformColumns.has(name) : name.startsWith(`${publisher.prefix}_`),
  );
}
