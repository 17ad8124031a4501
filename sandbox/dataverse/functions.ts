/**
 * Unbound functions: `WhoAmI` and `RetrieveEnvironmentVariableValue(DefinitionSchemaName='...')`,
 * which returns the current value of an environment variable, or its default value when no value
 * row exists (Learn, "Environment variables overview": clients read them this way).
 */
import { environmentVariableDefinition, environmentVariableValue } from "@fsi/core";
import { badQuery, DataverseError, ErrorCode } from "./errors";
import { parseKeySegment } from "./keys";
import type { Connection, DataverseStore } from "./storage/store";

export interface Identity {
  readonly userId: string;
  readonly businessUnitId: string;
  readonly organizationId: string;
}

export function whoAmI(baseUrl: string, identity: Identity): Record<string, unknown> {
  return {
    "@odata.context": `${baseUrl}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
    BusinessUnitId: identity.businessUnitId,
    UserId: identity.userId,
    OrganizationId: identity.organizationId,
  };
}

/** Resolves `DefinitionSchemaName='x'` or `DefinitionSchemaName=@p` with `?@p='x'`. */
function schemaNameParameter(parameters: string, query: URLSearchParams): string {
  const match = /^\s*DefinitionSchemaName\s*=\s*(@\w+)\s*$/.exec(parameters);
  const text = match?.[1] === undefined ? parameters : `DefinitionSchemaName=${query.get(match[1]) ?? ""}`;
  const key = parseKeySegment(text);
  const value = key.kind === "named" ? key.values.get("DefinitionSchemaName") : undefined;
  if (typeof value !== "string" || value === "" || (key.kind === "named" && key.values.size !== 1)) {
    throw badQuery("RetrieveEnvironmentVariableValue takes one string parameter, DefinitionSchemaName.");
  }
  return value;
}

export function retrieveEnvironmentVariableValue(
  store: DataverseStore,
  db: Connection,
  baseUrl: string,
  parameters: string,
  query: URLSearchParams,
): Record<string, unknown> {
  const schemaName = schemaNameParameter(parameters, query);
  const definition = store.first(
    db,
    `SELECT environmentvariabledefinitionid AS id, defaultvalue FROM ${environmentVariableDefinition.logicalName} WHERE schemaname = ? COLLATE NOCASE`,
    [schemaName],
  );
  if (definition === undefined) {
    throw new DataverseError(
      404,
      ErrorCode.ObjectDoesNotExist,
      `Environment variable definition '${schemaName}' does not exist.`,
    );
  }
  const current = store.first(
    db,
    `SELECT value FROM ${environmentVariableValue.logicalName} WHERE _environmentvariabledefinitionid_value = ? AND COALESCE(statecode, 0) = 0 ORDER BY createdon DESC LIMIT 1`,
    [definition.id ?? null],
  );
  return {
    "@odata.context": `${baseUrl}$metadata#Microsoft.Dynamics.CRM.RetrieveEnvironmentVariableValueResponse`,
    Value: current?.value ?? definition.defaultvalue ?? null,
  };
}
