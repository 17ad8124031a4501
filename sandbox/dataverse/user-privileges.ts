/**
 * `RetrieveUserPrivileges`, the function bound to `systemuser` that answers the privileges a user
 * holds through their roles (Learn, Web API reference `power-apps/developer/data-platform/webapi/reference/retrieveuserprivileges`,
 * `retrieveuserprivilegesresponse`, `roleprivilege` — generated pages, not in powerapps-docs; the response's `RolePrivileges` is a collection of the `RolePrivilege` complex type:
 * `BusinessUnitId`, `Depth`, `PrivilegeId`, `PrivilegeName`). Called as
 * `GET systemusers(<id>)/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()`.
 *
 * The caller needs Read on security roles (`prvReadRole`): **Unconfirmed** for today's Dataverse —
 * the privilege table of the message is only in the Dynamics CRM 4.0 SDK ("RetrieveUserPrivileges
 * Privileges": role, prvReadRole); kept here only (`RETRIEVE_USER_PRIVILEGES_NEEDS`).
 */
import { globalPrivileges, privilegeActions, privilegeName, systemUser, type TableDefinition } from "@fsi/core";
import { entityNotFound, noHttpResource } from "./errors";
import { isGuid, normalizeGuid } from "./keys";
import { stableId } from "./pipeline/registrations";
import type { Authorize, PrivilegeGrants } from "./privileges";
import type { DataverseStore } from "./storage/store";

/** The privilege the caller of RetrieveUserPrivileges needs (see the file comment). */
export const RETRIEVE_USER_PRIVILEGES_NEEDS = { table: "role", action: "Read" } as const;

const FUNCTION_NAME = /^Microsoft\.Dynamics\.CRM\.RetrieveUserPrivileges(\(\))?$/;

/** True when the path segment after `systemusers(<id>)` is this function. */
export function isRetrieveUserPrivileges(segment: string | undefined): boolean {
  return segment !== undefined && FUNCTION_NAME.test(segment);
}

export interface UserPrivilegesRequest {
  readonly method: string;
  readonly baseUrl: string;
  readonly path: string;
  readonly userKey: string | undefined;
  readonly authorize: Authorize;
  readonly grants: PrivilegeGrants;
  readonly store: DataverseStore;
  readonly tables: readonly TableDefinition[];
  readonly businessUnitId: string;
}

export function retrieveUserPrivileges(request: UserPrivilegesRequest): Record<string, unknown> {
  if (request.method.toUpperCase() !== "GET") throw noHttpResource(`${request.baseUrl}${request.path}`);
  request.authorize(RETRIEVE_USER_PRIVILEGES_NEEDS.table, RETRIEVE_USER_PRIVILEGES_NEEDS.action);
  const userId = normalizeGuid(request.userKey ?? "");
  if (!isGuid(userId) || request.store.getRow(request.store.reader, systemUser, userId) === undefined) {
    throw entityNotFound(systemUser.logicalName, request.userKey ?? "");
  }
  // A user with no role list is a System Administrator: every privilege on every table.
  const names =
    request.grants.get(userId) ??
    new Set([
      ...request.tables.flatMap((table) => privilegeActions.map((action) => privilegeName(table, action))),
      ...Object.values(globalPrivileges).map((privilege) => privilege.name),
    ]);
  return {
    "@odata.context": `${request.baseUrl}$metadata#Microsoft.Dynamics.CRM.RetrieveUserPrivilegesResponse`,
    RolePrivileges: [...names].sort().map((name) => ({
      BusinessUnitId: request.businessUnitId,
      // Every privilege the emulator grants is organization-wide (privileges.ts: depth is not emulated).
      Depth: "Global",
      PrivilegeId: stableId(`privilege:${name}`),
      PrivilegeName: name,
    })),
  };
}
