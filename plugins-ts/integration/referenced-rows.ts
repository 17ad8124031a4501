/**
 * Rows of a map that name another row of the same map through a self-lookup: a warehouse's
 * transit, quarantine or main refilling warehouse. The integration's rule for deleting such a
 * referenced row is **restrict**, in both systems (docs/design.md §3.b): the delete is refused (from
 * Field Service) or undone (from SCM, which tells us only after it committed), so the referencing
 * rows keep a reference both systems can resolve, and stay saveable in both.
 */
import type { TableDefinition } from "@fsi/core/dataverse/schema";
import type { ColumnPair, EntityMap } from "@fsi/core/maps/template-schema";
import type { ScmEntityDefinition, ScmKey } from "@fsi/core/scm/schema";
import type { DataverseClient } from "../services/dataverse-client";
import type { ScmClient } from "../services/scm-client";

/** The map's lookups to its own table (only single-key maps: a lookup carries one key column). */
export function selfLookupPairs(map: EntityMap): ColumnPair[] {
  if (map.keys.length !== 1) return [];
  return map.columns.filter((pair) => pair.lookup?.table === map.dataverseTable);
}

const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;

export interface Reference {
  /** The referencing row's natural key value (`1002`). */
  readonly row: string;
  /** The Dataverse column that names the referenced row. */
  readonly column: string;
}

/** SCM rows of the same company naming the row `key` in a self-lookup field. */
export async function scmReferencesTo(
  scm: ScmClient,
  map: EntityMap,
  entity: ScmEntityDefinition,
  key: ScmKey,
): Promise<Reference[]> {
  const pairs = selfLookupPairs(map);
  const keyField = map.keys[0]?.scm;
  const value = keyField === undefined ? undefined : key[keyField];
  const company = key[map.company.scm];
  if (pairs.length === 0 || keyField === undefined || value === undefined || company === undefined) return [];
  const named = pairs.map((pair) => `${pair.scm} eq ${literal(value)}`).join(" or ");
  const rows = await scm.findRows(entity, `${map.company.scm} eq ${literal(company)} and (${named})`);
  return rows.flatMap((row) =>
    pairs
      .filter((pair) => row[pair.scm] === value)
      .map((pair) => ({ row: String(row[keyField]), column: pair.dataverse })),
  );
}

/** Dataverse rows naming the row `id` in a self-lookup column. */
export async function dataverseReferencesTo(
  dataverse: DataverseClient,
  map: EntityMap,
  table: TableDefinition,
  id: string,
): Promise<Reference[]> {
  const keyColumn = map.keys[0]?.dataverse;
  if (keyColumn === undefined) return [];
  const references: Reference[] = [];
  for (const pair of selfLookupPairs(map)) {
    const rows = await dataverse.findAll(table, { [pair.dataverse]: { id, logicalName: table.logicalName } }, [
      keyColumn,
    ]);
    for (const row of rows) {
      const value = row.record[keyColumn];
      references.push({ row: typeof value === "string" ? value : row.id, column: pair.dataverse });
    }
  }
  return references;
}

export function describeReferences(references: readonly Reference[]): string {
  return references.map((reference) => `${reference.row} (${reference.column})`).join(", ");
}
