/**
 * What an org must have for the integration to work, from the solution's own definitions (so a
 * requirement cannot drift from what ships): the solutions it depends on, the columns the maps
 * read and write, the environment variables that need a value in every environment, the service
 * endpoints, and the security roles with the privileges each grants.
 */
import { tableByLogicalName } from "@fsi/core/dataverse/tables";
import type { EntityMap } from "@fsi/core/maps/template-schema";
import { FIELD_SERVICE_SOLUTION, solutionOfColumn, solutionOfTable } from "@fsi/solution/components/dependencies";
import { environmentVariables } from "@fsi/solution/components/environment-variables";
import {
  type SecurityRoleDefinition,
  fsiAdministratorRole,
  fsiIntegrationRole,
  fsiTechnicianRole,
} from "@fsi/solution/components/security-roles";
import { solutionUniqueName, publisher } from "@fsi/solution/identity";
import { solutionEndpointName, webhookHandlers } from "@fsi/solution/steps";
import { privilegeName } from "@fsi/core/dataverse/privileges";
import { type WebhookHandlerName, webhookUrl } from "@fsi/core/registration";

/** A solution the org must have, and why. */
export interface RequiredSolution {
  readonly uniqueName: string;
  readonly why: string;
}

/** The columns the maps use, table by table (the map's own and the toolkit's fsi_ columns). */
export function requiredColumns(maps: readonly EntityMap[]): Map<string, Set<string>> {
  const byTable = new Map<string, Set<string>>();
  for (const map of maps) {
    const columns = byTable.get(map.dataverseTable) ?? new Set<string>();
    columns.add(map.company.dataverse);
    for (const key of map.keys) columns.add(key.dataverse);
    for (const pair of map.columns) columns.add(pair.dataverse);
    for (const column of Object.keys(tableByLogicalName(map.dataverseTable)?.columns ?? {})) {
      if (column.startsWith(`${publisher.prefix}_`)) columns.add(column);
    }
    byTable.set(map.dataverseTable, columns);
  }
  return byTable;
}

export function requiredSolutions(maps: readonly EntityMap[]): RequiredSolution[] {
  const why = new Map<string, string>([
    [solutionUniqueName, "the toolkit's own solution (tables, columns, forms, steps, roles)"],
    [FIELD_SERVICE_SOLUTION, "Field Service: the tables the toolkit extends"],
    [solutionOfTable("cdm_company"), "the companies (cdm_company) every company-striped row points to"],
  ]);
  for (const [table, columns] of requiredColumns(maps)) {
    const owner = solutionOfTable(table);
    if (!why.has(owner)) why.set(owner, `the ${table} table`);
    for (const column of columns) {
      if (column.startsWith(`${publisher.prefix}_`)) continue;
      const solution = solutionOfColumn(table, column);
      if (!why.has(solution)) why.set(solution, `${table}.${column} and the other columns dual-write adds to ${table}`);
    }
  }
  why.delete("System");
  return [...why].map(([uniqueName, reason]) => ({ uniqueName, why: reason }));
}

/**
 * The environment variables that must be given a value in each environment: their defaults are
 * the sandbox's or placeholders (docs/deploy.md says where each value comes from). The others
 * keep their defaults unless `--variable` sets them.
 */
export const variablesNeedingAValue: Readonly<Record<string, string>> = {
  fsi_ValidationApiUrl: "the host's validation API: <host URL>/plugins/validate (set from --host-url)",
  fsi_EntraAuthority: "https://login.microsoftonline.com/<tenant id>",
  fsi_ValidationApiClientId: "the form scripts' single-page application registration's client id",
  fsi_ValidationApiScope: "api://<validation API's application ID URI>/Validate.Records",
};

/** Every variable definition the solution ships (they exist once the solution is imported). */
export const shippedVariables: readonly string[] = environmentVariables.map((variable) => variable.schemaName);

export interface RequiredEndpoint {
  readonly handler: WebhookHandlerName;
  readonly name: string;
  readonly url: string;
}

export function requiredEndpoints(hostUrl: string): RequiredEndpoint[] {
  return webhookHandlers.map((handler) => ({
    handler,
    name: solutionEndpointName(handler),
    url: webhookUrl(hostUrl, handler),
  }));
}

/** Each privilege a role grants, with the reason it is needed (one entry per privilege). */
export interface RolePrivilege {
  readonly role: string;
  readonly privilege: string;
  readonly why: string;
}

export function privilegesOf(role: SecurityRoleDefinition): RolePrivilege[] {
  const seen = new Map<string, RolePrivilege>();
  for (const grant of role.grants) {
    for (const action of grant.actions) {
      const privilege = privilegeName(grant.table, action);
      if (!seen.has(privilege)) seen.set(privilege, { role: role.name, privilege, why: grant.why });
    }
  }
  for (const grant of role.globalGrants ?? [])
    if (!seen.has(grant.privilege))
      seen.set(grant.privilege, { role: role.name, privilege: grant.privilege, why: grant.why });
  return [...seen.values()];
}

export const roles = {
  integration: fsiIntegrationRole,
  technician: fsiTechnicianRole,
  administrator: fsiAdministratorRole,
} as const;
