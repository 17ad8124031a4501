/** Words for people: what a row waits for, what a map could not carry. */
import type { DataverseLookupQuery, MappingIssue, ScmLookupQuery } from "@fsi/core/maps/lookups";

/** `uom with name 'box'`, `account with accountnumber 'US-001' (company usmf)`. */
export function describeMissing(queries: readonly DataverseLookupQuery[]): string {
  return queries
    .map((query) => {
      const keys = Object.entries(query.reference.keys)
        .map(([column, value]) => `${column} '${value}'`)
        .join(", ");
      const company = query.reference.companyCode === undefined ? "" : ` (company ${query.reference.companyCode})`;
      return `${query.reference.logicalName} with ${keys}${company}`;
    })
    .join("; ");
}

/** `msdyn_warehouse: the msdyn_warehouse it points to has no msdyn_warehouseidentifier`. */
export function describeMissingKeys(queries: readonly ScmLookupQuery[]): string {
  return queries
    .map((query) => `${query.column}: the ${query.reference.logicalName} it points to has no ${query.keyColumn}`)
    .join("; ");
}

export function describeIssues(issues: readonly MappingIssue[]): string {
  return issues.map((issue) => `${issue.attribute ?? issue.field ?? "(row)"}: ${issue.message}`).join("; ");
}
