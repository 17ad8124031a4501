/**
 * What the form scripts need from each integration table's entity map (core/maps): the Dataverse
 * columns the map sends to SCM — the same list the server-side sync step filters on — and the
 * company column with the company table's key.
 *
 * core/maps checks its JSON templates with zod when it loads, and zod alone would add ~450 KB to
 * forms.js. So build.ts evaluates this module in Node and inlines its value (`formMaps`) into the
 * bundle: the templates are still checked (a bad one fails the build), but the browser gets data.
 * Tests run this module as it is.
 */
import type { IntegrationTableName } from "../../core/dataverse/tables";
import { integrationTableNames } from "../../core/dataverse/tables";
import { mapForTable } from "../../core/maps/built-in";
import { filteringAttributes } from "../../core/maps/change-detection";

export interface FormMap {
  /** Dataverse columns whose value SCM receives (natural keys and pairs going to SCM); not the company. */
  readonly columns: readonly string[];
  /** The company lookup column (`msdyn_company`). */
  readonly companyColumn: string;
  /** The company table's column holding SCM's data area id (`cdm_companycode`). */
  readonly companyKey: string;
}

function formMapOf(table: IntegrationTableName): FormMap {
  const map = mapForTable(table);
  if (map === undefined) throw new Error(`core/maps has no built-in map for ${table}`);
  return { columns: filteringAttributes(map), companyColumn: map.company.dataverse, companyKey: map.company.key };
}

export const formMaps: Readonly<Record<IntegrationTableName, FormMap>> = Object.fromEntries(
  integrationTableNames.map((table) => [table, formMapOf(table)]),
) as Record<IntegrationTableName, FormMap>;
