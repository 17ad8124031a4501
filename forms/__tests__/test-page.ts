/**
 * A fresh page for each test: the form script library loaded anew (its per-page caches empty), a
 * Dataverse behind `Xrm.WebApi`, and the validation API behind `fetch`.
 */
import type { IntegrationTableName } from "@fsi/core/dataverse/tables";
import type { DataverseFixture } from "./dataverse";
import { companies, FormsDataverse, standardFixture } from "./dataverse";
import type { CompanyRules } from "./fake-validation-api";
import { FakeValidationApi } from "./fake-validation-api";
import { FakeSignIn } from "./fake-sign-in";
import type { FormOptions, FormScripts } from "./form-harness";
import { FormHarness } from "./form-harness";

/** The namespace key of each table's form (`FSI.Forms.Warehouse`). */
export const formNames = {
  msdyn_warehouse: "Warehouse",
  msdyn_customerasset: "CustomerAsset",
  msdyn_customerassetcategory: "CustomerAssetCategory",
  msdyn_paymentterm: "PaymentTerm",
  msdyn_shipvia: "ShipVia",
} as const satisfies Record<IntegrationTableName, string>;

/**
 * SCM's rules in the test's SCM: `usmf` requires a transit warehouse on warehouses, `demf` does not
 * (the per-company rule docs/design.md's seed data has); both limit names to 30 characters. A
 * warehouse's name reaches SCM from `msdyn_description` (Microsoft's naming, the warehouses map's
 * default); `msdyn_name` holds SCM's warehouse id and is never sent.
 */
export const scmRules: Record<string, CompanyRules> = {
  usmf: {
    required: {
      msdyn_warehouse: ["msdyn_description", "msdyn_warehouseidentifier", "msdyn_transitwarehouse"],
      msdyn_customerasset: ["msdyn_name", "msdyn_customerassetcategory"],
      msdyn_customerassetcategory: ["msdyn_name", "msdyn_maintenanceassettypeid"],
      msdyn_paymentterm: ["msdyn_name", "msdyn_days"],
      msdyn_shipvia: ["msdyn_name"],
    },
    maxLength: {
      msdyn_warehouse: { msdyn_description: 30 },
      msdyn_customerasset: { msdyn_name: 30 },
      msdyn_customerassetcategory: { msdyn_name: 30 },
      msdyn_paymentterm: { msdyn_description: 30 },
      msdyn_shipvia: { msdyn_description: 30 },
    },
  },
  demf: {
    required: {
      msdyn_warehouse: ["msdyn_description", "msdyn_warehouseidentifier"],
      msdyn_customerasset: ["msdyn_name"],
      msdyn_customerassetcategory: ["msdyn_name", "msdyn_maintenanceassettypeid"],
      msdyn_paymentterm: ["msdyn_name"],
      msdyn_shipvia: ["msdyn_name"],
    },
    maxLength: { msdyn_warehouse: { msdyn_description: 30 } },
  },
};

export interface FormsLibrary {
  readonly Forms: Readonly<Record<(typeof formNames)[IntegrationTableName], FormScripts>>;
}

export interface TestPage {
  readonly dataverse: FormsDataverse;
  readonly api: FakeValidationApi;
  readonly signIn: FakeSignIn;
  readonly library: FormsLibrary;
  open(options: FormOptions): FormHarness;
}

/** Loads `forms/index.ts` in a module registry of its own: a new page. */
function loadLibrary(): FormsLibrary {
  let library: FormsLibrary | undefined;
  jest.isolateModules(() => {
    library = jest.requireActual<FormsLibrary>("../index");
  });
  if (library === undefined) throw new Error("the forms library did not load");
  return library;
}

export function newPage(options: { fixture?: DataverseFixture; rules?: Record<string, CompanyRules> } = {}): TestPage {
  const dataverse = new FormsDataverse(options.fixture ?? standardFixture());
  const api = new FakeValidationApi(options.rules ?? scmRules);
  jest.spyOn(globalThis, "fetch").mockImplementation(api.fetch);
  const signIn = new FakeSignIn();
  signIn.install();
  const library = loadLibrary();
  return {
    dataverse,
    api,
    signIn,
    library,
    open: (formOptions) => new FormHarness(library.Forms[formNames[formOptions.table]], formOptions, dataverse),
  };
}

export function companyLookup(company: { id: string; name: string }): Xrm.LookupValue[] {
  return [{ id: `{${company.id.toUpperCase()}}`, name: company.name, entityType: "cdm_company" }];
}

export function lookup(entityType: string, id: string, name: string): Xrm.LookupValue[] {
  return [{ id: `{${id.toUpperCase()}}`, name, entityType }];
}

export const existingWarehouseId = "{4A2B1C3D-0000-4000-8000-00000000AA01}";

/** A saved warehouse in `usmf`, valid by the test's rules. */
export function existingWarehouse(company: { id: string; name: string } = companies.usmf) {
  return {
    id: existingWarehouseId,
    values: {
      msdyn_name: "11",
      msdyn_description: "Main warehouse",
      msdyn_warehouseidentifier: "11",
      msdyn_company: companyLookup(company),
      msdyn_transitwarehouse: lookup("msdyn_warehouse", "4a2b1c3d-0000-4000-8000-00000000aa02", "Transit"),
      msdyn_primaryaddresscity: "Chicago",
    },
  };
}
