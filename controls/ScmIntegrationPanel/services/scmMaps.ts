/**
 * Each integration table's map summary (core/maps/summary.ts), as controls/build.js wrote it to
 * generated/scmMaps.json before the build (the panel's bundle gets data; the reason is in
 * core/maps/summary.ts); a test keeps the file equal to core.
 */
import type { IntegrationTableName } from "@fsi/core/dataverse/tables";
import type { MapSummaries } from "@fsi/core/maps/summary";
import generated from "../generated/scmMaps.json";

export const scmMaps: MapSummaries = generated;

export function isIntegrationTable(table: string): table is IntegrationTableName {
  return Object.prototype.hasOwnProperty.call(scmMaps, table);
}
