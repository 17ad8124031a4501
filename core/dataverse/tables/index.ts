/** Every Dataverse table the toolkit knows, by logical name. */
import type { TableDefinition } from "../schema";
import * as fieldService from "./field-service-tables";
import * as integration from "./integration-tables";
import * as inventory from "./inventory-tables";
import * as platform from "./platform-tables";
import * as projects from "./project-tables";
import * as pluginRegistration from "./plugin-registration-tables";

export * from "./field-service-tables";
export * from "./integration-tables";
export * from "./inventory-tables";
export * from "./platform-tables";
export * from "./project-tables";
export * from "./plugin-registration-tables";

function isTable(value: unknown): value is TableDefinition {
  return typeof value === "object" && value !== null && "logicalName" in value && "columns" in value;
}

export const tables: Readonly<Record<string, TableDefinition>> = Object.fromEntries(
  [fieldService, integration, inventory, platform, pluginRegistration, projects]
    .flatMap((module) => Object.values<unknown>(module))
    .filter(isTable)
    .map((table) => [table.logicalName, table]),
);

/** The five tables dual-write keeps in step with SCM. */
export const integrationTableNames = [
  "msdyn_warehouse",
  "msdyn_customerasset",
  "msdyn_customerassetcategory",
  "msdyn_paymentterm",
  "msdyn_shipvia",
] as const;
export type IntegrationTableName = (typeof integrationTableNames)[number];

export function tableByLogicalName(logicalName: string): TableDefinition | undefined {
  return Object.hasOwn(tables, logicalName) ? tables[logicalName] : undefined;
}

export function tableByEntitySetName(entitySetName: string): TableDefinition | undefined {
  return Object.values(tables).find((table) => table.entitySetName === entitySetName);
}
