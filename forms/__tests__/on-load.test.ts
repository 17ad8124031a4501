import { companies, signedInUserId, standardFixture } from "./dataverse";
import type { FormHarness } from "./form-harness";
import { settle } from "./form-harness";
import { companyLookup, existingWarehouse, lookup, newPage } from "./test-page";

afterEach(() => {
  jest.restoreAllMocks();
});

function requiredColumns(form: FormHarness, columns: readonly string[]): string[] {
  return columns.filter((column) => form.attribute(column).getRequiredLevel() === "required");
}

function companyLocked(form: FormHarness): boolean {
  let disabled = true;
  form.attribute("msdyn_company").controls.forEach((control) => {
    disabled &&= (control as Xrm.Controls.StandardControl).getDisabled();
  });
  return disabled;
}

const warehouseColumns = [
  "msdyn_description",
  "msdyn_warehouseidentifier",
  "msdyn_transitwarehouse",
  "msdyn_operationalsite",
];

describe("OnLoad", () => {
  it("gives a new row the company fsi_DefaultCompany names and marks required what SCM requires there", async () => {
    const page = newPage();
    const form = page.open({ table: "msdyn_warehouse" });

    await form.load();

    expect(form.attribute("msdyn_company").getValue()).toEqual([
      { id: companies.usmf.id, name: companies.usmf.name, entityType: "cdm_company" },
    ]);
    expect(requiredColumns(form, warehouseColumns)).toEqual([
      "msdyn_description",
      "msdyn_warehouseidentifier",
      "msdyn_transitwarehouse",
    ]);
    expect(page.api.requests.map((r) => r.body)).toEqual([
      { table: "msdyn_warehouse", operation: "create", company: "usmf", attributes: {} },
    ]);
    expect(companyLocked(form)).toBe(false);
  });

  it("falls back to the user's default company when fsi_DefaultCompany is not set", async () => {
    const { fsi_DefaultCompany: _unset, ...variables } = standardFixture().environmentVariables;
    const page = newPage({
      fixture: standardFixture({
        environmentVariables: variables,
        userCompanies: { [signedInUserId]: companies.demf.id },
      }),
    });
    const form = page.open({ table: "msdyn_warehouse" });

    await form.load();

    expect(form.attribute("msdyn_company").getValue()).toEqual([
      { id: companies.demf.id, name: companies.demf.name, entityType: "cdm_company" },
    ]);
    expect(requiredColumns(form, warehouseColumns)).toEqual(["msdyn_description", "msdyn_warehouseidentifier"]);
  });

  it("keeps a company the new row already has", async () => {
    const page = newPage();
    const form = page.open({ table: "msdyn_warehouse" });
    form.set("msdyn_company", companyLookup(companies.gbsi));

    await form.load();

    expect(form.attribute("msdyn_company").getValue()).toEqual(companyLookup(companies.gbsi));
    expect(page.api.requests.map((r) => r.body.company)).toEqual(["gbsi"]);
  });

  it("applies the rules of the company the user picks: usmf requires a transit warehouse, demf does not", async () => {
    const page = newPage();
    const form = page.open({ table: "msdyn_warehouse" });
    await form.load();
    form.set("msdyn_name", "12");
    form.set("msdyn_description", "North");
    form.set("msdyn_warehouseidentifier", "12");

    // The company's OnChange handler works in the background: the platform does not wait for it.
    form.change("msdyn_company", companyLookup(companies.demf));
    await settle();
    await form.save();
    expect(requiredColumns(form, warehouseColumns)).toEqual(["msdyn_description", "msdyn_warehouseidentifier"]);
    expect(form.commits).toEqual([1]);

    const other = page.open({ table: "msdyn_warehouse" });
    await other.load();
    other.set("msdyn_name", "13");
    other.set("msdyn_description", "South");
    other.set("msdyn_warehouseidentifier", "13");
    const refused = await other.save();
    expect(refused.saved).toBe(false);
    expect(other.fieldNotifications("msdyn_transitwarehouse")).toEqual([
      "Transit Warehouse is required in company usmf.",
    ]);

    other.change(
      "msdyn_transitwarehouse",
      lookup("msdyn_warehouse", "4a2b1c3d-0000-4000-8000-00000000aa02", "Transit"),
    );
    expect((await other.save()).saved).toBe(true);
  });

  it("puts back the requirement level a column had when another company no longer requires it", async () => {
    const page = newPage();
    const form = page.open({ table: "msdyn_warehouse" });
    await form.load();
    expect(form.attribute("msdyn_transitwarehouse").getRequiredLevel()).toBe("required");

    form.change("msdyn_company", companyLookup(companies.demf));
    await settle();

    expect(form.attribute("msdyn_transitwarehouse").getRequiredLevel()).toBe("none");
    expect(form.attribute("msdyn_description").getRequiredLevel()).toBe("required");
  });

  it("locks the company of a saved row, and of a new row once its first save succeeds", async () => {
    const page = newPage();
    const saved = page.open({ table: "msdyn_warehouse", existing: existingWarehouse() });
    await saved.load();
    expect(companyLocked(saved)).toBe(true);

    const fresh = page.open({ table: "msdyn_warehouse" });
    await fresh.load();
    expect(companyLocked(fresh)).toBe(false);
    fresh.set("msdyn_name", "12");
    fresh.set("msdyn_description", "North");
    fresh.set("msdyn_warehouseidentifier", "12");
    fresh.set("msdyn_transitwarehouse", lookup("msdyn_warehouse", "4a2b1c3d-0000-4000-8000-00000000aa02", "Transit"));
    expect((await fresh.save()).saved).toBe(true);
    expect(companyLocked(fresh)).toBe(true);
  });

  it("asks SCM once per company and page, and Dataverse once per setting", async () => {
    const page = newPage();
    for (let i = 0; i < 3; i += 1) await page.open({ table: "msdyn_warehouse", existing: existingWarehouse() }).load();

    expect(page.api.posts).toBe(1);
    expect(page.dataverse.calls.filter((call) => call.startsWith("execute"))).toHaveLength(6);
    expect(page.dataverse.calls.filter((call) => call.startsWith("retrieve cdm_company"))).toHaveLength(1);
  });

  it("opens the form when SCM is down, and says the required fields could not be loaded", async () => {
    const page = newPage();
    page.api.mode = "scmDown";
    const form = page.open({ table: "msdyn_warehouse" });

    await expect(form.load()).resolves.toBeUndefined();

    const status = form.formNotification("fsi-scm-status");
    expect(status?.level).toBe("WARNING");
    expect(status?.message).toContain("required fields for this company could not be loaded");
    expect(requiredColumns(form, ["msdyn_transitwarehouse"])).toEqual([]);
  });

  it("asks nothing while offline", async () => {
    const page = newPage();
    const form = page.open({ table: "msdyn_warehouse", offline: true });

    await form.load();

    expect(page.dataverse.calls).toEqual([]);
    expect(page.api.posts).toBe(0);
  });
});
