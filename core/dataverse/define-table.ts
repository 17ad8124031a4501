import type { AlternateKeyDefinition, ColumnDefinition, TableDefinition } from "./schema";
import { dateTime, id, lookup, stateCode, statusCode, whole } from "./columns";

/** Columns every table has; the platform sets them, clients cannot. */
const systemColumns = {
  createdon: dateTime("Created On", { readOnly: true }),
  modifiedon: dateTime("Modified On", { readOnly: true }),
  versionnumber: whole("Version Number", { readOnly: true }),
  statecode: stateCode(),
  statuscode: statusCode(),
} as const;

/**
 * The company lookup of dual-write's company-striped tables. Create-only: SCM keys every row by
 * `dataAreaId`, so a saved row cannot move to another company.
 */
const companyColumn = (required: boolean) => ({
  msdyn_company: lookup("Company", "cdm_company", { required, createOnly: true }),
});

interface TableSpec<C extends Record<string, ColumnDefinition>, Id extends string> {
  readonly logicalName: string;
  readonly entitySetName: string;
  readonly displayName: string;
  readonly primaryIdAttribute: Id;
  readonly primaryNameAttribute: keyof C & string;
  /** "required" for the dual-write tables; "optional" where a company is useful but not a key. */
  readonly company?: "required" | "optional";
  readonly columns: C;
  readonly alternateKeys?: readonly AlternateKeyDefinition[];
}

type Defined<C, Id extends string, HasCompany> = Omit<TableDefinition, "columns"> & {
  readonly columns: C &
    Omit<typeof systemColumns, keyof C> & { [K in Id]: ReturnType<typeof id> } & (HasCompany extends
      | "required"
      | "optional"
      ? ReturnType<typeof companyColumn>
      : unknown);
};

/**
 * Builds a table definition: adds the primary id, the system columns and (for company-scoped
 * tables) the company lookup, and fills in lookup navigation properties that default to the
 * column's logical name.
 */
export function defineTable<
  const C extends Record<string, ColumnDefinition>,
  const Id extends string,
  const Company extends "required" | "optional" | undefined = undefined,
>(spec: TableSpec<C, Id> & { readonly company?: Company }): Defined<C, Id, Company> {
  const columns: Record<string, ColumnDefinition> = {
    [spec.primaryIdAttribute]: id(spec.displayName),
    ...systemColumns,
    ...(spec.company ? companyColumn(spec.company === "required") : {}),
    // Last, so a table can redefine a system column (system jobs have their own state values).
    ...spec.columns,
  };
  for (const [name, column] of Object.entries(columns)) {
    if (column.type === "lookup" && column.navigationProperty === "") {
      columns[name] = { ...column, navigationProperty: name };
    }
  }
  if (!(spec.primaryNameAttribute in columns)) {
    throw new Error(`${spec.logicalName}: primary name column ${spec.primaryNameAttribute} is not defined`);
  }
  for (const key of spec.alternateKeys ?? []) {
    const missing = key.columns.filter((c) => !(c in columns));
    if (missing.length > 0) {
      throw new Error(`${spec.logicalName}: alternate key ${key.name} names unknown columns ${missing.join(", ")}`);
    }
  }
  const table: TableDefinition = {
    logicalName: spec.logicalName,
    entitySetName: spec.entitySetName,
    displayName: spec.displayName,
    primaryIdAttribute: spec.primaryIdAttribute,
    primaryNameAttribute: spec.primaryNameAttribute,
    companyScoped: spec.company === "required",
    columns,
    alternateKeys: spec.alternateKeys ?? [],
  };
  // The runtime object has exactly the columns the type describes; TypeScript cannot follow the spread.
  return table as Defined<C, Id, Company>;
}
