/**
 * The sandbox's people and the security roles they hold, so that a privilege the product needs and
 * a role does not grant fails in the sandbox (and its tests) as it would for a customer.
 *
 * - The administrator (the Dataverse emulator's default user) sets the sandbox up: seeds the rows
 *   and creates the environment variables, as a solution import and a data load would. It holds
 *   System Administrator (no privilege list: every privilege), as the person who installs does.
 * - The technician is the person in the browser (the form host): Field Service's roles (the
 *   stand-in below) plus the solution's FSI Technician.
 * - The integration administrator registers the webhook steps against the plug-in host at every
 *   start: FSI Administrator only.
 * - The integration's application user holds FSI Integration only.
 */
import { privilegeName, type PrivilegeAction } from "@fsi/core";
import { SANDBOX_INTEGRATION_USER } from "../auth/plugins-mount";
import type { EmulatorUser } from "../dataverse/identity";
import { stableId } from "../dataverse/pipeline/registrations";
import {
  fsiAdministratorRole,
  fsiIntegrationRole,
  fsiTechnicianRole,
  rolePrivileges,
} from "@fsi/solution/components/security-roles";

/** The bearer token the browser (the form host's pages) sends to the Web API: the technician's. */
export const BROWSER_TOKEN = "sandbox-browser";

/** The bearer token the sandbox's own set-up (seed, environment variables) sends: the administrator's. */
export const ADMIN_TOKEN = "sandbox-admin";

export const SANDBOX_TECHNICIAN_USER: EmulatorUser = {
  id: stableId("systemuser:sandbox-technician"),
  fullname: "Sandbox Technician",
  domainname: "technician@sandbox.local",
};

/** The bearer token the step registration sends: the integration administrator's. */
export const INTEGRATION_ADMIN_TOKEN = "sandbox-integration-admin";

export const SANDBOX_INTEGRATION_ADMIN_USER: EmulatorUser = {
  id: stableId("systemuser:sandbox-integration-admin"),
  fullname: "Sandbox Integration Administrator",
  domainname: "integration-admin@sandbox.local",
};

const everyAction: readonly PrivilegeAction[] = ["Create", "Read", "Write", "Delete", "Append", "AppendTo"];

/**
 * A stand-in for the privileges Field Service's own roles give the sandbox's technician, who also
 * keeps the warehouses and assets on the forms. **Unconfirmed**: Field Service's roles
 * ("Field Service - Resource", "- Dispatcher", "- Administrator") ship with Field Service and
 * their privilege lists are not published table by table; this list is what the sandbox's forms
 * need, kept here only. It grants nothing on environment variables: that read comes from FSI
 * Technician, so the controls fail in the sandbox if that role lacks it.
 */
export const fieldServiceRolesStandIn: readonly string[] = [
  ...[
    "msdyn_workorder",
    "msdyn_workorderproduct",
    "msdyn_workorderservice",
    "msdyn_customerasset",
    "msdyn_customerassetcategory",
    "msdyn_warehouse",
    "msdyn_operationalsite",
    "msdyn_paymentterm",
    "msdyn_shipvia",
    "msdyn_inventoryadjustment",
    "msdyn_inventoryadjustmentproduct",
    "msdyn_inventorytransfer",
  ].flatMap((table) => everyAction.map((action) => privilegeName(table, action))),
  ...[
    "cdm_company",
    "account",
    "product",
    "uom",
    "msdyn_productinventory",
    "msdyn_assetlifecyclemodel",
    "systemuser",
    "fsi_project",
  ].flatMap((table) => (["Read", "AppendTo"] as const).map((action) => privilegeName(table, action))),
];

/** User id → privilege names, for the Dataverse emulator's `privileges` option. */
export function sandboxPrivileges(): Record<string, readonly string[]> {
  return {
    [SANDBOX_TECHNICIAN_USER.id]: [...new Set([...fieldServiceRolesStandIn, ...rolePrivileges(fsiTechnicianRole)])],
    [SANDBOX_INTEGRATION_USER.id]: rolePrivileges(fsiIntegrationRole),
    [SANDBOX_INTEGRATION_ADMIN_USER.id]: rolePrivileges(fsiAdministratorRole),
  };
}
