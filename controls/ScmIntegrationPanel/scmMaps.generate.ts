/**
 * Build-time only (controls/build.js runs it in Node): summarises core's built-in entity maps for
 * the panel. Never imported by the control itself, so zod and the map templates stay out of the
 * bundle.
 */
import { integrationTableNames, tableByLogicalName } from "../../core/dataverse/tables";
import { mapForTable } from "../../core/maps/built-in";
import { filteringAttributes } from "../../core/maps/change-detection";
import type { ScmMapSummaries, ScmMapSummary } from "./services/scmMaps";

export function scmMapSummaries(): ScmMapSummaries {
  const entries = integrationTableNames.map((table): [string, ScmMapSummary] => {
    const map = mapForTable(table);
    const definition = tableByLogicalName(table);
    if (!map || !definition) {
      throw new Error(`core has no map or no definition for ${table}`);
    }
    const columns = filteringAttributes(map);
    return [
      table,
      {
        columns,
        lookups: columns.filter((column) => definition.columns[column]?.type === "lookup"),
        companyColumn: map.company.dataverse,
        companyKey: map.company.key,
      },
    ];
  });
  return Object.fromEntries(entries) as ScmMapSummaries;
}
