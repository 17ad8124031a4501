/**
 * What the panel needs from each table's entity map (core/maps): the Dataverse columns SCM receives,
 * which of them are lookups (the Web API reads those as `_x_value`), and the company column with
 * the company table's key. core/maps checks its templates with zod, which would dwarf this control,
 * so controls/build.js evaluates `scmMaps.generate.ts` in Node and writes the result to
 * generated/scmMaps.json before every build; a test keeps the file equal to core.
 */
import type { IntegrationTableName } from "../../../core/dataverse/tables";
import generated from "../generated/scmMaps.json";

export interface ScmMapSummary {
  /** The columns SCM receives (natural keys first is not guaranteed; sorted), without the company. */
  readonly columns: readonly string[];
  /** The subset of `columns` that are lookups. */
  readonly lookups: readonly string[];
  readonly companyColumn: string;
  readonly companyKey: string;
}

export type ScmMapSummaries = Readonly<Record<IntegrationTableName, ScmMapSummary>>;

export const scmMaps: ScmMapSummaries = generated;

export function isIntegrationTable(table: string): table is IntegrationTableName {
  return Object.prototype.hasOwnProperty.call(scmMaps, table);
}
