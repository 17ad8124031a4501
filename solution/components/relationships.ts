/**
 * The one-to-many relationships behind our lookup columns. A lookup column in a solution is two
 * things: the attribute (`Type` lookup) on the referencing table and the relationship that says
 * which table it points to (`EntityRelationships`, unpacked to `Other/Relationships/<referenced>.xml`).
 */
import type { ColumnDefinition, TableDefinition } from "@fsi/core";
import { publisher } from "../identity";
import { ourColumns, solutionTable, solutionTableNames } from "./tables";

export interface LookupRelationship {
  /** SchemaName of the relationship; also the collection-valued navigation property on the referenced table. */
  readonly name: string;
  readonly referencingTable: string;
  readonly referencingColumn: string;
  readonly referencedTable: string;
  /** Single-valued navigation property on the referencing table (core's `navigationProperty`). */
  readonly navigationProperty: string;
  readonly description: string;
  readonly required: boolean;
}

type LookupColumn = Extract<ColumnDefinition, { type: "lookup" }>;

/**
 * `fsi_project_fsi_company` on our own table, `fsi_msdyn_workorder_fsi_project` on Microsoft's:
 * every relationship we add carries the publisher's prefix once.
 */
function relationshipName(table: TableDefinition, column: string): string {
  const prefix = `${publisher.prefix}_`;
  return table.logicalName.startsWith(prefix)
    ? `${table.logicalName}_${column}`
    : `${prefix}${table.logicalName}_${column}`;
}

/**
 * The relationship of one lookup column. A lookup with several targets (customer, regarding) is
 * one relationship per target plus a polymorphic attribute the generator cannot express yet.
 */
export function lookupRelationship(table: TableDefinition, column: string, lookup: LookupColumn): LookupRelationship {
  const [target, ...others] = lookup.targets;
  if (target === undefined || others.length > 0) {
    throw new Error(
      `${table.logicalName}.${column}: lookups to ${lookup.targets.length === 0 ? "no table" : lookup.targets.join(", ")} cannot be generated yet (only lookups to exactly one table)`,
    );
  }
  return {
    name: relationshipName(table, column),
    referencingTable: table.logicalName,
    referencingColumn: column,
    referencedTable: target,
    navigationProperty: lookup.navigationProperty === "" ? column : lookup.navigationProperty,
    description: lookup.displayName,
    required: lookup.required === true,
  };
}

/** Every relationship the solution adds: one per lookup column of ours, in table then column order. */
export function solutionRelationships(): LookupRelationship[] {
  return solutionTableNames.flatMap((tableName) => {
    const table = solutionTable(tableName);
    return ourColumns(table).flatMap(([column, definition]) =>
      definition.type === "lookup" ? [lookupRelationship(table, column, definition)] : [],
    );
  });
}
