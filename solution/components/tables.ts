/**
 * The tables the solution touches. All of them belong to Field Service (or the SCM extended
 * solutions): the solution carries only what we add to them — our `fsi_` columns and our forms —
 * and lists the tables themselves as dependencies the target environment must already have.
 */
import { integrationTableNames, tableByLogicalName, type ColumnDefinition, type TableDefinition } from "../../core";
import { publisher } from "../identity";

/** The five integration tables, then the work order tables our controls sit on. */
export const solutionTableNames = [...integrationTableNames, "msdyn_workorder", "msdyn_workorderproduct"] as const;

export function solutionTable(logicalName: string): TableDefinition {
  const table = tableByLogicalName(logicalName);
  if (table === undefined) throw new Error(`core has no definition of table ${logicalName}`);
  return table;
}

/** Our columns on a table: the ones with the publisher's prefix, in definition order. */
export function ourColumns(table: TableDefinition): [string, ColumnDefinition][] {
  return Object.entries(table.columns).filter(([name]) => name.startsWith(`${publisher.prefix}_`));
}

/** Columns the platform maintains; forms never show them as editable business fields. */
export const platformColumns = new Set(["createdon", "modifiedon", "versionnumber", "statecode", "statuscode"]);
