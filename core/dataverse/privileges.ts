/**
 * Table privileges as Dataverse names them: `prv<Action><SchemaName>` (`prvReadQueue`,
 * `prvAppendToQueue`, `prvCreatemsdyn_copilotinteraction`; powerapps-docs
 * `developer/data-platform/security-concepts.md`, power-platform `admin/security-roles-privileges.md`).
 * The schema name of a Field Service, dual-write or fsi table is its logical name; a system
 * table's schema name is PascalCase (`EnvironmentVariableValue`, powerapps-docs
 * `reference/entities/environmentvariablevalue.md`), kept in `privilegeEntityNames`.
 */
import type { TableDefinition } from "./schema";

/** The six table privileges a role grants on a table (powerapps-docs `developer/data-platform/security-concepts.md`). */
export const privilegeActions = ["Create", "Read", "Write", "Delete", "Append", "AppendTo"] as const;
export type PrivilegeAction = (typeof privilegeActions)[number];

/**
 * The name a system table carries in its privileges, where it is not the logical name.
 * **Unconfirmed**: `uom` has no privileges of its own; its rows are governed by the unit group's
 * (`UoMSchedule`) privileges. No Microsoft page says so in these words; kept here only.
 * `systemuser`'s privileges are `prv<Action>User` (privilege lists of Learn, "Security roles and
 * privileges"); the others are the tables' SchemaName from the table reference pages.
 */
export const privilegeEntityNames: Readonly<Record<string, string>> = {
  account: "Account",
  product: "Product",
  uom: "UoMSchedule",
  systemuser: "User",
  environmentvariabledefinition: "EnvironmentVariableDefinition",
  environmentvariablevalue: "EnvironmentVariableValue",
  solution: "Solution",
  sdkmessage: "SdkMessage",
  sdkmessagefilter: "SdkMessageFilter",
  sdkmessageprocessingstep: "SdkMessageProcessingStep",
  sdkmessageprocessingstepimage: "SdkMessageProcessingStepImage",
  serviceendpoint: "ServiceEndpoint",
  asyncoperation: "AsyncOperation",
  role: "Role",
};

/** `prvReadmsdyn_warehouse`, `prvAppendToAccount`. */
export function privilegeName(table: TableDefinition | string, action: PrivilegeAction): string {
  const logicalName = typeof table === "string" ? table : table.logicalName;
  return `prv${action}${privilegeEntityNames[logicalName] ?? logicalName}`;
}
