/**
 * Names for rows that both systems understand: `usmf/11` (company and natural key), used as the
 * ledger and queue key, and `msdyn_operationalsite usmf/S9`, a dependency a queued change waits for.
 */
import type { EntityMap } from "@fsi/core/maps/template-schema";
import type { NaturalKeyReference } from "@fsi/core/maps/lookups";

/** Any company: for lookups to tables that are not company-scoped. */
const ANY_COMPANY = "*";

export function rowKey(company: string, keyValues: readonly string[]): string {
  return [company.toLowerCase(), ...keyValues].join("/");
}

/** The row key of a map's row from its natural key values, by Dataverse key column. */
export function mapRowKey(
  map: EntityMap,
  company: string,
  values: Readonly<Record<string, unknown>>,
): string | undefined {
  const keys: string[] = [];
  for (const key of map.keys) {
    const value = values[key.dataverse];
    if (typeof value !== "string" || value === "") return undefined;
    keys.push(value);
  }
  return rowKey(company, keys);
}

export function dependencyName(reference: NaturalKeyReference): string {
  const keys = Object.keys(reference.keys)
    .sort()
    .map((column) => reference.keys[column] ?? "");
  return `${reference.logicalName} ${[reference.companyCode?.toLowerCase() ?? ANY_COMPANY, ...keys].join("/")}`;
}

/** The names under which changes may wait for a row that has just arrived. */
export function arrivedRowNames(map: EntityMap, company: string, values: Readonly<Record<string, unknown>>): string[] {
  const keys: Record<string, string> = {};
  for (const key of map.keys) {
    const value = values[key.dataverse];
    if (typeof value !== "string") return [];
    keys[key.dataverse] = value;
  }
  return [
    dependencyName({ logicalName: map.dataverseTable, keys, companyCode: company }),
    dependencyName({ logicalName: map.dataverseTable, keys }),
  ];
}
