/**
 * The security roles the solution ships, each with the least privilege its job needs. Every
 * privilege carries the reason the product needs it; solution/README.md ("Security roles") is the
 * reader's view of the same list, and the sandbox's Dataverse emulator gives its users exactly
 * these roles.
 *
 * Depth: every privilege is Global (organization). The integration and the technician read and
 * write rows regardless of who owns them, and most of the tables are organization-owned, where
 * Global is the only depth there is (powerapps-docs `developer/data-platform/security-concepts.md`: organization-owned tables take Global or None).
 *
 * A role grants table privileges, not column privileges: "write the sync status columns" is
 * Write on the table (column-level security is a separate feature, field security profiles).
 */
import { globalPrivileges, privilegeName, type PrivilegeAction } from "@fsi/core/dataverse/privileges";
import { stableId } from "../ids";

export interface TableGrant {
  readonly table: string;
  readonly actions: readonly PrivilegeAction[];
  /** Why the role's holder needs these privileges: what in the product reads or writes the table. */
  readonly why: string;
}

/** A privilege of no table (core `globalPrivileges`), with why the role needs it. */
export interface GlobalGrant {
  readonly privilege: string;
  readonly why: string;
}

export interface SecurityRoleDefinition {
  readonly name: string;
  readonly id: string;
  readonly description: string;
  readonly grants: readonly TableGrant[];
  readonly globalGrants?: readonly GlobalGrant[];
}

/** The tables the built-in maps keep equal in both systems. */
const mappedTables = [
  "msdyn_operationalsite",
  "msdyn_warehouse",
  "msdyn_customerassetcategory",
  "msdyn_customerasset",
  "msdyn_paymentterm",
  "msdyn_shipvia",
] as const;

const all: readonly PrivilegeAction[] = ["Create", "Read", "Write", "Delete", "Append", "AppendTo"];

export const fsiIntegrationRole: SecurityRoleDefinition = {
  name: "FSI Integration",
  id: stableId("role", "FSI Integration"),
  description:
    "For the plug-in host's application user: the webhook handlers, the SCM → Field Service sync, the validation API and the inventory flows.",
  grants: [
    ...mappedTables.map((table) => ({
      table,
      actions: all,
      why: "SCM → Field Service sync creates, updates and deletes the row (plugins/scm-to-dataverse.ts, sync/initial); sync-status writes fsi_scmsyncstatus, fsi_scmlastsyncedon, fsi_scmlasterror; its lookups (company, site, warehouse, category, parent asset) are set (Append) and other rows point to it (AppendTo).",
    })),
    {
      table: "cdm_company",
      actions: ["Read", "AppendTo"],
      why: "Every company-striped row is bound to its company (msdyn_company → cdm_company) by the company code.",
    },
    {
      table: "account",
      actions: ["Read", "AppendTo"],
      why: "Customer assets (msdyn_account) and projects (fsi_customer) are bound to an account found by its account number.",
    },
    {
      table: "product",
      actions: ["Read", "AppendTo"],
      why: "Customer assets (msdyn_product) and on-hand rows are bound to a product found by its product number.",
    },
    {
      table: "uom",
      actions: ["Read", "AppendTo"],
      why: "On-hand rows and inventory journals carry their unit (msdyn_unit → uom), found by its name.",
    },
    {
      table: "msdyn_assetlifecyclemodel",
      actions: ["Read", "AppendTo"],
      why: "Customer asset categories are bound to their lifecycle model (msdyn_lifecyclemodel) by its name.",
    },
    {
      table: "msdyn_productinventory",
      actions: ["Create", "Read", "Write", "Append", "AppendTo"],
      why: "The on-hand flow (inventory/flows/on-hand.ts) creates the row of a new product and warehouse and stamps fsi_scmlastsyncedon; its journals point to it.",
    },
    {
      table: "msdyn_inventoryjournal",
      actions: ["Create", "Read", "Append"],
      why: "The on-hand flow brings Field Service's quantities to SCM's with inventory journals, which Field Service applies itself.",
    },
    {
      table: "msdyn_inventoryadjustment",
      actions: ["Read", "Write"],
      why: "The posting flow reads the adjustment and writes its posting columns (fsi_scmpostingstatus and the posting lock).",
    },
    {
      table: "msdyn_inventoryadjustmentproduct",
      actions: ["Read"],
      why: "The posting flow reads the adjustment's lines to post them to SCM.",
    },
    {
      table: "msdyn_inventorytransfer",
      actions: ["Read", "Write"],
      why: "The posting flow reads the transfer and writes its posting columns.",
    },
    {
      table: "msdyn_workorder",
      actions: ["Read", "Write", "Append"],
      why: "The work-order flows read the order and write its SCM order columns and its project (fsi_project).",
    },
    {
      table: "msdyn_workorderproduct",
      actions: ["Read"],
      why: "The sales order flow reads the work order's products to build SCM's sales order lines.",
    },
    {
      table: "msdyn_workorderservice",
      actions: ["Read"],
      why: "The sales order flow reads the work order's services to build SCM's sales order lines.",
    },
    {
      table: "fsi_project",
      actions: ["Create", "Read", "Write", "Append", "AppendTo"],
      why: "The projects flow creates and updates SCM's projects (customer and company lookups); work orders point to them.",
    },
    {
      table: "solution",
      actions: ["Read"],
      why: "`fsi` commands check which dual-write solutions are installed before syncing a table both could write (cli/commands/shared-tables.ts).",
    },
  ],
  globalGrants: [
    {
      privilege: globalPrivileges.bypassCustomBusinessLogic.name,
      why: "The initial sync (sync/initial) writes with MSCRM.BypassBusinessLogicExecution: CustomSync,CustomAsync, so its bulk writes do not run the solution's own webhook steps (which would drop each one as an echo) nor any other custom step.",
    },
  ],
};

export const fsiTechnicianRole: SecurityRoleDefinition = {
  name: "FSI Technician",
  id: stableId("role", "FSI Technician"),
  description:
    "Added to Field Service's own roles for a technician or dispatcher: read access to what the toolkit's controls and form scripts query. It grants no write: what a technician edits, Field Service's roles already allow.",
  grants: [
    {
      table: "msdyn_warehouse",
      actions: ["Read"],
      why: "Nearby Warehouses lists warehouses with their coordinates; Warehouse On Hand and the SCM Integration panel read the warehouse.",
    },
    {
      table: "msdyn_productinventory",
      actions: ["Read"],
      why: "Warehouse On Hand lists the warehouse's on-hand quantities.",
    },
    { table: "product", actions: ["Read"], why: "Warehouse On Hand names each product." },
    { table: "uom", actions: ["Read"], why: "Warehouse On Hand names each quantity's unit." },
    {
      table: "msdyn_customerasset",
      actions: ["Read"],
      why: "Customer Asset Picker lists the service account's assets; the SCM Integration panel reads the asset.",
    },
    {
      table: "msdyn_workorder",
      actions: ["Read"],
      why: "Customer Asset Picker and Nearby Warehouses read the work order's service account and location.",
    },
    { table: "account", actions: ["Read"], why: "Customer Asset Picker names the service account." },
    ...(["msdyn_operationalsite", "msdyn_customerassetcategory", "msdyn_paymentterm", "msdyn_shipvia"] as const).map(
      (table) => ({
        table,
        actions: ["Read"] as const,
        why: "The SCM Integration panel reads the row it checks against SCM.",
      }),
    ),
    {
      table: "cdm_company",
      actions: ["Read"],
      why: "The form scripts and the SCM Integration panel read the company code of the row's company.",
    },
    {
      table: "systemuser",
      actions: ["Read"],
      why: "The form scripts read the user's default company (forms/lib/company.ts).",
    },
    {
      table: "environmentvariabledefinition",
      actions: ["Read"],
      why: "Controls and form scripts read their settings (validation API URL, nearby radius, default company) with RetrieveEnvironmentVariableValue.",
    },
    {
      table: "environmentvariablevalue",
      actions: ["Read"],
      why: "RetrieveEnvironmentVariableValue returns the environment's value when an admin set one.",
    },
  ],
};

export const fsiAdministratorRole: SecurityRoleDefinition = {
  name: "FSI Administrator",
  id: stableId("role", "FSI Administrator"),
  description:
    "Operates the integration: registers the webhook endpoints and steps, sets the environment variables, and reads or resets the sync status of rows.",
  grants: [
    {
      table: "serviceendpoint",
      actions: ["Create", "Read", "Write", "Delete", "AppendTo"],
      why: "`fsi register` creates the three webhook endpoints and sets their key (authvalue) after import; steps point to them.",
    },
    {
      table: "sdkmessageprocessingstep",
      actions: ["Create", "Read", "Write", "Delete", "Append", "AppendTo"],
      why: "`fsi register` creates, updates and deactivates the steps (message, filter, endpoint lookups); images point to them.",
    },
    {
      table: "sdkmessageprocessingstepimage",
      actions: ["Create", "Read", "Write", "Delete", "Append"],
      why: "`fsi register` replaces the pre-images of the Update and Delete steps.",
    },
    { table: "sdkmessage", actions: ["Read", "AppendTo"], why: "A step names its message (Create, Update, Delete)." },
    {
      table: "sdkmessagefilter",
      actions: ["Read", "AppendTo"],
      why: "A step names its message's filter for the table.",
    },
    {
      table: "environmentvariabledefinition",
      actions: ["Read", "AppendTo"],
      why: "The admin reads the toolkit's settings; a value points to its definition.",
    },
    {
      table: "environmentvariablevalue",
      actions: ["Create", "Read", "Write", "Delete", "Append"],
      why: "The admin overrides a setting's default in the environment (validation API URL, default company, radius).",
    },
    {
      table: "solution",
      actions: ["Read"],
      why: "The admin checks the installed solutions (the toolkit's, dual-write's).",
    },
    {
      table: "asyncoperation",
      actions: ["Read"],
      why: "The sync-status steps run asynchronously: their failures are system jobs.",
    },
    {
      table: "role",
      actions: ["Read"],
      why: "`fsi doctor` reads each user's privileges (RetrieveUserPrivileges), which needs Read on security roles.",
    },
    ...mappedTables.map((table) => ({
      table,
      actions: ["Read", "Write"] as const,
      why: "The admin reads the sync status columns and resets fsi_scmsyncstatus to send a row again.",
    })),
  ],
};

export const securityRoles: readonly SecurityRoleDefinition[] = [
  fsiIntegrationRole,
  fsiTechnicianRole,
  fsiAdministratorRole,
];

/** The privilege names a role grants. */
export function rolePrivileges(role: SecurityRoleDefinition): string[] {
  return [
    ...role.grants.flatMap((grant) => grant.actions.map((action) => privilegeName(grant.table, action))),
    ...(role.globalGrants ?? []).map((grant) => grant.privilege),
  ];
}
