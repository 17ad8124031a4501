/**
 * What the browser parts need from each integration table's entity map, as plain data: the
 * Dataverse columns the map sends to SCM (the same list the server-side sync step filters on),
 * which of them are lookups (the Web API reads those as `_<column>_value`), and the company column
 * with the company table's key. The form scripts (forms/) and the SCM Integration panel
 * (controls/ScmIntegrationPanel) both read it.
 *
 * Why it is computed at build time: core/maps checks its JSON templates with zod when it loads,
 * and zod with the templates adds ~450 KB to a browser bundle (bench/forms.bench.ts measures it;
 * forms.js is ~57 KB without). So this function runs in Node when the parts are built — the
 * templates are still checked, a bad one fails the build — and the browser gets its value as data:
 * forms/build.ts inlines it into forms.js, controls/build.js writes it to the panel's
 * generated/scmMaps.json. Browser code imports only the types below, never this function. The same
 * reason keeps zod's schemas out of the validation API client (core/validation/client.ts).
 */
import type { IntegrationTableName } from "../dataverse/tables";
import { integrationTableNames, tableByLogicalName } from "../dataverse/tables";
import { mapForTable } from "./built-in";
import { filteringAttributes } from "./change-detection";

export interface MapSummary {
  /** Dataverse columns whose value SCM receives (natural keys and pairs going to SCM), sorted; not the company. */
  readonly columns: readonly string[];
  /** The subset of `columns` that are lookups. */
  readonly lookups: readonly string[];
  /** The company lookup column (`msdyn_company`). */
  readonly companyColumn: string;
  /** The company table's column holding SCM's data area id (`cdm_companycode`). */
  readonly companyKey: string;
}

export type MapSummaries = Readonly<Record<IntegrationTableName, MapSummary>>;

function summaryOf(table: IntegrationTableName): MapSummary {
  const map = mapForTable(table);
  const definition = tableByLogicalName(table);
  if (map === undefined || definition === undefined) throw new Error(`core has no map or no definition for ${table}`);
  const columns = filteringAttributes(map);
  return {
    columns,
    lookups: columns.filter((column) => definition.columns[column]?.type === "lookup"),
    companyColumn: map.company.dataverse,
    companyKey: map.company.key,
  };
}

/** Every integration table's summary (Node, build time: loads the maps, and with them zod). */
export function mapSummaries(): MapSummaries {
  return Object.fromEntries(integrationTableNames.map((table) => [table, summaryOf(table)])) as Record<
    IntegrationTableName,
    MapSummary
  >;
}
