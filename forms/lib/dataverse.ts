/// <reference types="xrm" />
/**
 * The page's Dataverse client: dataverse-ify over the form's `Xrm.WebApi` (docs/design.md §4: in the
 * browser, `setMetadataCache(...)` then `new XrmContextDataverseClient(Xrm.WebApi)`).
 *
 * dataverse-ify needs metadata for every table it reads and every function it calls; we derive it
 * from core's table definitions instead of running dataverse-gen, so the column types live in one
 * place.
 */
import { OperationType, StructuralProperty, XrmContextDataverseClient, setMetadataCache } from "dataverse-ify";
import type { DataverseClient, MetadataCache } from "dataverse-ify";
import type { ColumnDefinition, TableDefinition } from "@fsi/core/dataverse/schema";
import { systemUser } from "@fsi/core/dataverse/tables/field-service-tables";
import { cdmCompany } from "@fsi/core/dataverse/tables/integration-tables";

type EntityMetadata = NonNullable<MetadataCache["entities"]>[string];
type FunctionMetadata = NonNullable<MetadataCache["actions"]>[string];

/** dataverse-gen's attribute type names, which dataverse-ify reads to convert values. */
function attributeTypeName(column: ColumnDefinition): string | undefined {
  switch (column.type) {
    case "integer":
      return "Integer";
    case "decimal":
      return "Decimal";
    case "double":
      return "Double";
    case "money":
      return "Money";
    case "choice":
    case "state":
    case "status":
      return "Optionset";
    case "datetime":
      return column.behavior === "DateOnly" ? "DateOnly:DateOnly" : "DateAndTime:UserLocal";
    default:
      return undefined;
  }
}

export function entityMetadataFor(table: TableDefinition): EntityMetadata {
  const attributeTypes: Record<string, string> = {};
  const navigation: Record<string, string[]> = {};
  for (const [name, column] of Object.entries(table.columns)) {
    const typeName = attributeTypeName(column);
    if (typeName !== undefined) attributeTypes[name] = typeName;
    if (column.type === "lookup") navigation[name] = column.targets.map((target) => `mscrm.${target}`);
  }
  return {
    typeName: `mscrm.${table.logicalName}`,
    logicalName: table.logicalName,
    collectionName: table.entitySetName,
    primaryIdAttribute: table.primaryIdAttribute,
    attributeTypes,
    navigation,
  };
}

/**
 * `RetrieveEnvironmentVariableValue(DefinitionSchemaName='fsi_...')`, an unbound Web API function
 * (source: learn.microsoft.com, "Environment variables" → "Retrieve environment variable values").
 */
export const retrieveEnvironmentVariableValue: FunctionMetadata = {
  parameterTypes: {
    DefinitionSchemaName: { typeName: "Edm.String", structuralProperty: StructuralProperty.PrimitiveType },
  },
  operationType: OperationType.Function,
  operationName: "RetrieveEnvironmentVariableValue",
};

/** The tables the form scripts read: companies (codes) and users (default company). */
const readTables: readonly TableDefinition[] = [cdmCompany, systemUser];

let client: DataverseClient | undefined;

/** One client per page; created on first use because `Xrm` exists only once the form runs. */
export function dataverseClient(): DataverseClient {
  if (client === undefined) {
    setMetadataCache({
      entities: Object.fromEntries(readTables.map((table) => [table.logicalName, entityMetadataFor(table)])),
      actions: { [retrieveEnvironmentVariableValue.operationName]: retrieveEnvironmentVariableValue },
    });
    client = new XrmContextDataverseClient(Xrm.WebApi);
  }
  return client;
}
