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

/**
 * Privileges that belong to no table (PA `developer/data-platform/bypass-custom-business-logic.md`,
 * "Adding the required privileges to another role"): the names and ids are the same in every
 * environment, and only the System Administrator role holds them until a role is given them.
 * `prvBypassCustomBusinessLogic` lets a request send `MSCRM.BypassBusinessLogicExecution`;
 * `prvBypassCustomPlugins` the older `MSCRM.BypassCustomPluginExecution`.
 */
export const globalPrivileges = {
  bypassCustomBusinessLogic: { name: "prvBypassCustomBusinessLogic", id: "0ea552b0-a491-4470-9a1b-82068deccf66" },
  bypassCustomPlugins: { name: "prvBypassCustomPlugins", id: "148a9eaf-d0c4-4196-9852-c3a38e35f6a1" },
} as const;
