/**
 * The main forms the solution adds (new forms of ours, so Microsoft's forms stay untouched): one
 * per integration table with the form script library, its OnLoad/OnSave handlers and the SCM
 * Integration panel (the warehouse's also with its on-hand panel), and one each for work orders
 * and work order products carrying the Nearby Warehouses and Customer Asset Picker controls. Fields come from core's table definitions, so a
 * column added there shows up here on the next `generate`.
 */
import { integrationTableNames, type IntegrationTableName, type TableDefinition } from "@fsi/core";
import { stableId } from "../ids";
import type { ControlName } from "./controls";
import { platformColumns, solutionTable } from "./tables";
import { formLibrary, signInLibrary, type WebResourceDefinition } from "./web-resources";

/** A column bound to one of the control's properties (`<property usage="bound">`). */
export interface BoundParameter {
  readonly property: string;
  readonly column: string;
  /** The property's data type for this column (`Lookup.Simple`, `FP`, `OptionSet`, ...). */
  readonly type: string;
}

/** A fixed value for an input property (`<property usage="input">`). */
export interface StaticParameter {
  readonly property: string;
  readonly value: string;
  readonly type: string;
}

export interface ControlPlacement {
  readonly control: ControlName;
  /** The first parameter is the column the cell shows; the rest are further bound columns or fixed inputs. */
  readonly bound: readonly BoundParameter[];
  readonly inputs?: readonly StaticParameter[];
}

export interface FormCell {
  readonly column: string;
  /** The cell's label; the column's display name when not given. */
  readonly label?: string;
  /** False hides the label (a panel that names itself); shown when not given. */
  readonly showLabel?: boolean;
  readonly readOnly?: boolean;
  /** A code component shown instead of the platform's control for the column. */
  readonly control?: ControlPlacement;
}

export interface FormSection {
  readonly name: string;
  readonly label: string;
  /** False hides the section on phones (FormXml `availableforphone`); shown on every form factor when not given. */
  readonly availableForPhone?: boolean;
  readonly cells: readonly FormCell[];
}

export interface FormTab {
  readonly name: string;
  readonly label: string;
  readonly sections: readonly FormSection[];
}

export interface FormScript {
  /** The library the handlers are in. */
  readonly library: WebResourceDefinition;
  /** Libraries the form loads first, in order (the sign-in library the form scripts share). */
  readonly dependencies?: readonly WebResourceDefinition[];
  readonly onLoad: string;
  readonly onSave: string;
}

export interface MainFormDefinition {
  readonly id: string;
  readonly table: string;
  readonly name: string;
  readonly description: string;
  readonly tabs: readonly FormTab[];
  readonly script?: FormScript;
}

/**
 * The warehouse types Nearby Warehouses lists on our forms (a customiser changes it on the form):
 * quarantine and transit warehouses hold stock a technician cannot take.
 */
const nearbyWarehouseTypes: StaticParameter = { property: "warehouseTypes", value: "Default", type: "SingleLine.Text" };

/**
 * How the forms bind the controls: the property names and types each control's manifest must
 * declare (the first binding of each placement is the control's required main property). The packer
 * checks every placement
 * against the built `ControlManifest.xml`, so a renamed property stops the build.
 */
export const controlBindings = {
  /**
   * On the sync status column of an integration table, with the row's company, its SCM identifier
   * (the natural key column of the table's alternate key) and, for warehouses, the site.
   */
  scmIntegrationPanel: (table: TableDefinition): ControlPlacement => ({
    control: "ScmIntegrationPanel",
    bound: [
      { property: "syncStatus", column: "fsi_scmsyncstatus", type: "OptionSet" },
      { property: "lastSyncedOn", column: "fsi_scmlastsyncedon", type: "DateAndTime.DateAndTime" },
      { property: "lastError", column: "fsi_scmlasterror", type: "Multiple" },
      { property: "company", column: "msdyn_company", type: "Lookup.Simple" },
      { property: "scmIdentifier", column: naturalKeyColumn(table), type: "SingleLine.Text" },
      ...("msdyn_operationalsite" in table.columns
        ? [{ property: "site", column: "msdyn_operationalsite", type: "Lookup.Simple" } as const]
        : []),
    ],
  }),
  /**
   * On the work order's latitude (browse mode: choosing a row opens the warehouse). Position: the
   * device, else the work order's coordinates, else its service account's.
   */
  nearbyWarehousesOnWorkOrder: (): ControlPlacement => ({
    control: "NearbyWarehouses",
    bound: [
      { property: "boundField", column: "msdyn_latitude", type: "FP" },
      { property: "longitude", column: "msdyn_longitude", type: "FP" },
      { property: "serviceAccount", column: "msdyn_serviceaccount", type: "Lookup.Simple" },
      { property: "company", column: "msdyn_company", type: "Lookup.Simple" },
    ],
    inputs: [nearbyWarehouseTypes],
  }),
  /** On the work order product's warehouse lookup: choosing a row sets it; stock shown for its product. */
  nearbyWarehousesOnWorkOrderProduct: (): ControlPlacement => ({
    control: "NearbyWarehouses",
    bound: [
      { property: "boundField", column: "msdyn_warehouse", type: "Lookup.Simple" },
      { property: "workOrder", column: "msdyn_workorder", type: "Lookup.Simple" },
      { property: "product", column: "msdyn_product", type: "Lookup.Simple" },
    ],
    inputs: [nearbyWarehouseTypes],
  }),
  /**
   * The warehouse form's on-hand panel, on the warehouse identifier: any column of the warehouse
   * would do (the panel reads the form's record id from `context.mode.contextInfo`), and the
   * identifier names the warehouse in the panel's list.
   */
  warehouseOnHand: (): ControlPlacement => ({
    control: "WarehouseOnHand",
    bound: [{ property: "warehouseIdentifier", column: "msdyn_warehouseidentifier", type: "SingleLine.Text" }],
  }),
  /** On the work order's customer asset lookup. */
  customerAssetPicker: (): ControlPlacement => ({
    control: "CustomerAssetPicker",
    bound: [
      { property: "boundAsset", column: "msdyn_customerasset", type: "Lookup.Simple" },
      { property: "serviceAccount", column: "msdyn_serviceaccount", type: "Lookup.Simple" },
      { property: "company", column: "msdyn_company", type: "Lookup.Simple" },
    ],
  }),
} as const;

/** The SCM-facing identifier of a row: its alternate key's column other than the company. */
function naturalKeyColumn(table: TableDefinition): string {
  const column = table.alternateKeys[0]?.columns.find((name) => name !== "msdyn_company");
  if (column === undefined) throw new Error(`${table.logicalName} has no natural key to show in the SCM panel`);
  return column;
}

/** `FSI.Forms.<Table>`: the namespace of each table's handlers in the form script library. */
export const formScriptNamespaces: Readonly<Record<IntegrationTableName, string>> = {
  msdyn_warehouse: "FSI.Forms.Warehouse",
  msdyn_customerasset: "FSI.Forms.CustomerAsset",
  msdyn_customerassetcategory: "FSI.Forms.CustomerAssetCategory",
  msdyn_paymentterm: "FSI.Forms.PaymentTerm",
  msdyn_shipvia: "FSI.Forms.ShipVia",
};

const syncColumns = new Set(["fsi_scmsyncstatus", "fsi_scmlastsyncedon", "fsi_scmlasterror"]);

/** The business columns of a table, name first, then in definition order: what a person edits on the form. */
function businessColumns(table: TableDefinition): string[] {
  const columns = Object.keys(table.columns).filter(
    (column) => column !== table.primaryIdAttribute && !platformColumns.has(column) && !syncColumns.has(column),
  );
  return [table.primaryNameAttribute, ...columns.filter((column) => column !== table.primaryNameAttribute)];
}

/**
 * The warehouse's stock (top items, last synced from SCM). The panel's cell hides its label: the
 * section names it, and a shown label would read "Warehouse Identifier" with its required marker.
 */
const onHandSection: FormSection = {
  name: "onhand",
  label: "On hand",
  cells: [
    {
      column: "msdyn_warehouseidentifier",
      label: "Items on hand",
      showLabel: false,
      control: controlBindings.warehouseOnHand(),
    },
  ],
};

function integrationForm(tableName: IntegrationTableName): MainFormDefinition {
  const table = solutionTable(tableName);
  const namespace = formScriptNamespaces[tableName];
  return {
    id: stableId("form", tableName, "main"),
    table: tableName,
    name: `${table.displayName} (SCM integration)`,
    description: `${table.displayName} form that checks changes against Supply Chain Management before saving.`,
    tabs: [
      {
        name: "general",
        label: "General",
        sections: [
          { name: "details", label: "Details", cells: businessColumns(table).map((column) => ({ column })) },
          {
            name: "supplychain",
            label: "Supply Chain Management",
            // Not disabled: the panel follows the form's read-only state (context.mode.isControlDisabled)
            // for its "Check against SCM" button, and never writes the status itself.
            cells: [{ column: "fsi_scmsyncstatus", control: controlBindings.scmIntegrationPanel(table) }],
          },
          ...(tableName === "msdyn_warehouse" ? [onHandSection] : []),
        ],
      },
    ],
    script: {
      library: formLibrary,
      dependencies: [signInLibrary],
      onLoad: `${namespace}.onLoad`,
      onSave: `${namespace}.onSave`,
    },
  };
}

const workOrderForm: MainFormDefinition = {
  id: stableId("form", "msdyn_workorder", "main"),
  table: "msdyn_workorder",
  name: "Work Order (SCM integration)",
  description: "Work order form with the customer asset picker and the warehouses near the job.",
  tabs: [
    {
      name: "general",
      label: "General",
      sections: [
        // What a technician needs on the job comes first: the nearest warehouses, then the job's
        // details. FormXml has no per-form-factor order, but it hides a section on phones
        // (`availableforphone`), so the phone drops the raw location columns the nearby list
        // already uses (its rows carry addresses and directions).
        {
          name: "nearbywarehouses",
          label: "Nearby warehouses",
          // The section names the list; the cell's own label would read "Latitude".
          cells: [
            { column: "msdyn_latitude", showLabel: false, control: controlBindings.nearbyWarehousesOnWorkOrder() },
          ],
        },
        {
          name: "details",
          label: "Details",
          cells: [
            { column: "msdyn_name" },
            { column: "msdyn_serviceaccount" },
            { column: "msdyn_customerasset", control: controlBindings.customerAssetPicker() },
            { column: "msdyn_systemstatus" },
            { column: "msdyn_company" },
          ],
        },
        {
          name: "location",
          label: "Location",
          availableForPhone: false,
          cells: [
            { column: "msdyn_address1" },
            { column: "msdyn_city" },
            { column: "msdyn_stateorprovince" },
            { column: "msdyn_postalcode" },
            { column: "msdyn_country" },
            { column: "msdyn_latitude" },
            { column: "msdyn_longitude" },
          ],
        },
      ],
    },
  ],
};

const workOrderProductForm: MainFormDefinition = {
  id: stableId("form", "msdyn_workorderproduct", "main"),
  table: "msdyn_workorderproduct",
  name: "Work Order Product (SCM integration)",
  description: "Work order product form whose warehouse is chosen from the warehouses nearest the job.",
  tabs: [
    {
      name: "general",
      label: "General",
      sections: [
        {
          name: "details",
          label: "Details",
          cells: [
            { column: "msdyn_name" },
            { column: "msdyn_workorder" },
            { column: "msdyn_product" },
            { column: "msdyn_quantity" },
            { column: "msdyn_unit" },
            { column: "msdyn_warehouse", control: controlBindings.nearbyWarehousesOnWorkOrderProduct() },
          ],
        },
      ],
    },
  ],
};

export const mainForms: readonly MainFormDefinition[] = [
  ...integrationTableNames.map((table) => integrationForm(table)),
  workOrderForm,
  workOrderProductForm,
];
