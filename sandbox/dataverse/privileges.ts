/**
 * Privilege checks, as Dataverse makes them before an operation: Read to retrieve (and for each
 * table an `$expand` reaches), Create, Write (update; an upsert that creates needs Create), Delete,
 * and for every lookup a request sets, Append on the row's table and AppendTo on the table it
 * points to (power-platform `admin/security-roles-privileges.md`: Append, Append To; powerapps-docs `developer/data-platform/security-concepts.md`). A caller without the
 * privilege gets PrivilegeDenied, 0x80040220, "The user does not hold the necessary privileges"
 * (powerapps-docs `developer/data-platform/includes/data-service-error-codes.md`).
 *
 * Depth is not emulated: every privilege counts as Global (organization), the only depth the
 * solution's roles grant. A user given no privilege list is a System Administrator, who holds every
 * privilege. Platform plug-ins (Field Service's own logic) run inside the pipeline as the system
 * and are not checked, as Field Service's plug-ins are not limited by the caller's role.
 */
import { privilegeName, type PrivilegeAction, type TableDefinition } from "@fsi/core";
import { DataverseError, ErrorCode } from "./errors";
import { isLookupValue, type Row } from "./storage/values";

/** User id → the privilege names the user's roles grant; users not listed hold every privilege. */
export type PrivilegeGrants = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * The message of a PrivilegeDenied answer. **Unconfirmed**: Learn documents the code and the
 * generic message only; live environments answer "Principal user (Id=…, type=8, …) is missing
 * prv… privilege (Id=…) on OTC=… for entity '…'", whose exact shape no Microsoft page gives. The
 * shape is kept here only; the code is confirmed.
 */
export function missingPrivilegeMessage(userId: string, privilege: string, table: string): string {
  return `Principal user (Id=${userId}, type=8) is missing ${privilege} privilege for entity '${table}'. The user does not hold the necessary privileges.`;
}

/**
 * HTTP status of PrivilegeDenied on the Web API. **Unconfirmed**: the error code table gives no
 * status; 403 Forbidden is what live environments answer. Kept here only.
 */
export const PRIVILEGE_DENIED_STATUS = 403;

export type Authorize = (table: TableDefinition | string, action: PrivilegeAction) => void;

export function authorizer(grants: PrivilegeGrants, userId: string): Authorize {
  const held = grants.get(userId);
  return (table, action) => {
    if (held === undefined) return;
    const name = privilegeName(table, action);
    if (held.has(name)) return;
    const logicalName = typeof table === "string" ? table : table.logicalName;
    throw new DataverseError(
      PRIVILEGE_DENIED_STATUS,
      ErrorCode.PrivilegeDenied,
      missingPrivilegeMessage(userId, name, logicalName),
    );
  };
}

/** Append on the row's table and AppendTo on each table a lookup of the change points to. */
export function authorizeLookups(authorize: Authorize, table: TableDefinition, changes: Readonly<Row>): void {
  const targets = Object.values(changes).filter(isLookupValue);
  if (targets.length === 0) return;
  authorize(table, "Append");
  for (const target of targets) authorize(target.logicalName, "AppendTo");
}
