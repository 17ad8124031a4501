/// <reference types="xrm" />
/**
 * A main form of one of the five integration tables: its table definition and map, and the OnLoad
 * and OnSave handlers the solution registers (`FSI.Forms.<Table>.onLoad` / `.onSave`, "pass
 * execution context as first parameter").
 */
import type { TableDefinition } from "@fsi/core/dataverse/schema";
import type { IntegrationTableName } from "@fsi/core/dataverse/tables";
import {
  customerAsset,
  customerAssetCategory,
  paymentTerm,
  shipVia,
  warehouse,
} from "@fsi/core/dataverse/tables/integration-tables";
import type { MapSummary } from "@fsi/core/maps/summary";
import { formMaps } from "./form-maps";
import { handleLoad } from "./on-load";
import { handleSave } from "./on-save";

export type IntegrationTable = TableDefinition & { readonly logicalName: IntegrationTableName };

export interface ScmForm {
  readonly table: IntegrationTable;
  readonly map: MapSummary;
}

export interface FormHandlers {
  onLoad(executionContext: Xrm.Events.EventContext): Promise<void>;
  onSave(executionContext: Xrm.Events.SaveEventContext): void;
}

/**
 * The five tables' definitions, imported from their module rather than core's registry so the
 * bundle does not carry every other table.
 */
const integrationTables: Readonly<Record<IntegrationTableName, TableDefinition>> = {
  msdyn_warehouse: warehouse,
  msdyn_customerasset: customerAsset,
  msdyn_customerassetcategory: customerAssetCategory,
  msdyn_paymentterm: paymentTerm,
  msdyn_shipvia: shipVia,
};

export function scmForm(logicalName: IntegrationTableName): ScmForm {
  return { table: { ...integrationTables[logicalName], logicalName }, map: formMaps[logicalName] };
}

export function formHandlers(logicalName: IntegrationTableName): FormHandlers {
  const form = scmForm(logicalName);
  return {
    onLoad: (executionContext) => handleLoad(executionContext, form),
    onSave: (executionContext) => {
      handleSave(executionContext, form);
    },
  };
}
