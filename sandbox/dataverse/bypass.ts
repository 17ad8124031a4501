/**
 * Bypassing custom business logic (PA `developer/data-platform/bypass-custom-business-logic.md`,
 * `optional-parameters.md`): a request may carry
 * - `MSCRM.BypassBusinessLogicExecution: CustomSync`, `CustomAsync` or `CustomSync,CustomAsync` —
 *   the custom synchronous and/or asynchronous steps of the operation do not run; the caller needs
 *   `prvBypassCustomBusinessLogic`;
 * - `MSCRM.BypassCustomPluginExecution: true` — the older form, synchronous steps only; the caller
 *   needs `prvBypassCustomPlugins`.
 * Only a System Administrator holds either by default. Plug-ins of the core system and of solutions
 * Microsoft publishes are never bypassed (here: the platform plug-ins, the Field Service
 * emulation), nor are the operations those plug-ins make on other rows.
 *
 * Without the privilege the request faults (Learn, `CrmServiceClient.BypassPluginExecution`: "If
 * set to true and a request is attempted without the required caller permission, a fault
 * results"). **Unconfirmed** — which fault and how it reads on the Web API: answered here as
 * PrivilegeDenied (0x80040220, `PRIVILEGE_DENIED_STATUS`) naming the missing privilege, and an
 * unknown header value as 400 InvalidArgument. Both are kept in this file only.
 */
import { globalPrivileges } from "@fsi/core";
import { DataverseError, ErrorCode, invalidArgument } from "./errors";
import { PRIVILEGE_DENIED_STATUS, type PrivilegeGrants } from "./privileges";

/** What a request skips: the custom synchronous steps, the custom asynchronous steps. */
export interface Bypass {
  readonly sync: boolean;
  readonly async: boolean;
}

export const NO_BYPASS: Bypass = { sync: false, async: false };

/** Headers as the emulator holds them (lower case). */
export const BYPASS_BUSINESS_LOGIC_HEADER = "mscrm.bypassbusinesslogicexecution";
export const BYPASS_CUSTOM_PLUGIN_HEADER = "mscrm.bypasscustompluginexecution";

const VALUES: ReadonlyMap<string, "sync" | "async"> = new Map([
  ["customsync", "sync"],
  ["customasync", "async"],
]);

/** The bypass a request asks for, checked against the caller's privileges. */
export function bypassOf(headers: Readonly<Record<string, string>>, grants: PrivilegeGrants, userId: string): Bypass {
  let sync = false;
  let async = false;
  const businessLogic = headers[BYPASS_BUSINESS_LOGIC_HEADER];
  if (businessLogic !== undefined) {
    for (const part of businessLogic.split(",")) {
      const kind = VALUES.get(part.trim().toLowerCase());
      if (kind === undefined)
        throw invalidArgument(
          `MSCRM.BypassBusinessLogicExecution takes CustomSync, CustomAsync or CustomSync,CustomAsync; '${part.trim()}' is none of them.`,
        );
      if (kind === "sync") sync = true;
      else async = true;
    }
    requirePrivilege(grants, userId, globalPrivileges.bypassCustomBusinessLogic.name);
  }
  const customPlugins = headers[BYPASS_CUSTOM_PLUGIN_HEADER];
  if (customPlugins !== undefined) {
    const value = customPlugins.trim().toLowerCase();
    if (value !== "true" && value !== "false")
      throw invalidArgument(`MSCRM.BypassCustomPluginExecution takes true or false, not '${customPlugins.trim()}'.`);
    if (value === "true") {
      requirePrivilege(grants, userId, globalPrivileges.bypassCustomPlugins.name);
      sync = true;
    }
  }
  return sync || async ? { sync, async } : NO_BYPASS;
}

function requirePrivilege(grants: PrivilegeGrants, userId: string, privilege: string): void {
  const held = grants.get(userId);
  // A user without a role list is a System Administrator, who holds both privileges.
  if (held === undefined || held.has(privilege)) return;
  throw new DataverseError(
    PRIVILEGE_DENIED_STATUS,
    ErrorCode.PrivilegeDenied,
    `Principal user (Id=${userId}, type=8) is missing ${privilege} privilege. The user does not hold the necessary privileges.`,
  );
}
