import JSZip from "jszip";
import { formScriptNamespaces } from "@fsi/solution/components/forms";
import { readSolutionPackage, type SolutionPackage } from "../package/solution-package";
import { SolutionPackageError } from "../package/errors";
import { fixtureZip, type FixtureZip } from "./fixture-zip";

let zip: FixtureZip;
let solution: SolutionPackage;

beforeAll(async () => {
  zip = await fixtureZip("window.FSI = { Forms: { marker: 42 } };\n");
  solution = await readSolutionPackage(zip.bytes);
});

afterAll(() => {
  zip.dispose();
});

async function rewritten(change: (zip: JSZip) => void): Promise<Buffer> {
  const copy = await JSZip.loadAsync(zip.bytes);
  change(copy);
  return copy.generateAsync({ type: "nodebuffer" });
}

describe("reading the solution zip", () => {
  it("names the solution and its version", () => {
    expect(solution.uniqueName).toBe("FieldServiceScmIntegration");
    expect(solution.version).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it("keeps every language of the form's labels and of the choice columns' options", () => {
    const form = solution.forms.find((candidate) => candidate.table === "msdyn_warehouse");
    const cells = form?.tabs.flatMap((tab) => tab.sections.flatMap((section) => section.cells)) ?? [];
    expect(cells.find((cell) => cell.column === "msdyn_name")?.labels).toEqual({ "1033": "Name", "1036": "Nom" });
    expect(form?.tabs[0]?.labels).toEqual({ "1033": "General", "1036": "Général" });
    expect(form?.names?.["1036"]).toBe("Entrepôt (intégration SCM)");
    expect(solution.choiceLabels.msdyn_warehouse?.fsi_scmsyncstatus?.["716900002"]).toEqual({
      "1033": "Synced",
      "1036": "Synchronisé",
    });
  });

  it("finds a main form per integration table with the form library and its OnLoad/OnSave handlers", () => {
    for (const [table, namespace] of Object.entries(formScriptNamespaces)) {
      const form = solution.forms.find((candidate) => candidate.table === table);
      // The sign-in library (MSAL.js) first: the form scripts use what it publishes.
      expect(form?.libraries).toEqual(["fsi_/scripts/sign-in.js", "fsi_/scripts/forms.js"]);
      expect(form?.events.onload).toEqual([
        {
          functionName: `${namespace}.onLoad`,
          libraryName: "fsi_/scripts/forms.js",
          enabled: true,
          parameters: "",
          passExecutionContext: true,
        },
      ]);
      expect(form?.events.onsave.map((handler) => handler.functionName)).toEqual([`${namespace}.onSave`]);
    }
  });

  it("reads tabs, sections and cells with their labels, control names and columns", () => {
    const warehouse = solution.forms.find((form) => form.table === "msdyn_warehouse");
    const cells = warehouse?.tabs.flatMap((tab) => tab.sections.flatMap((section) => section.cells)) ?? [];
    expect(cells.find((cell) => cell.column === "msdyn_operationalsite")).toMatchObject({
      controlId: "msdyn_operationalsite",
      label: "Operational Site",
      disabled: false,
      customControls: [],
    });
    expect(warehouse?.tabs[0]?.sections.map((section) => section.label)).toContain("Supply Chain Management");
  });

  it("binds code components per form factor, with their bound columns", () => {
    const workOrder = solution.forms.find((form) => form.table === "msdyn_workorder");
    const cells = workOrder?.tabs.flatMap((tab) => tab.sections.flatMap((section) => section.cells)) ?? [];
    const picker = cells.find((cell) => cell.column === "msdyn_customerasset");
    expect(picker?.customControls.map((control) => control.formFactor)).toEqual([0, 1, 2]);
    expect(picker?.customControls[2]).toMatchObject({ name: "fsi_FieldServiceScm.CustomerAssetPicker" });
    const nearby = cells.find((cell) =>
      cell.customControls.some((control) => control.name === "fsi_FieldServiceScm.NearbyWarehouses"),
    );
    expect(Object.values(nearby?.customControls[0]?.parameters ?? {})).toContainEqual({
      kind: "bound",
      type: "FP",
      column: "msdyn_latitude",
    });
  });

  it("serves the web resources by name, with their content from the zip", () => {
    const forms = solution.webResources.get("fsi_/scripts/forms.js");
    expect(forms?.type).toBe(3);
    expect(forms?.content.toString("utf8")).toContain("marker: 42");
  });

  it("reads each control's manifest, bundle and strings", () => {
    const nearby = solution.controls.get("fsi_FieldServiceScm.NearbyWarehouses");
    expect(nearby?.manifest).toMatchObject({
      namespace: "FieldServiceScm",
      constructorName: "NearbyWarehouses",
      controlType: "virtual",
      codePath: "bundle.js",
    });
    expect(nearby?.manifest.platformLibraries.map((library) => library.name)).toEqual(["React", "Fluent"]);
    expect(nearby?.files.get("bundle.js")?.toString("utf8")).toContain("registerControl");
    expect(nearby?.strings["1033"]).toEqual({ NearbyWarehouses: "NearbyWarehouses" });
  });

  it("lists the environment variable definitions with their defaults", () => {
    expect(solution.environmentVariables.map((variable) => variable.schemaName)).toEqual(
      expect.arrayContaining([
        "fsi_ValidationApiUrl",
        "fsi_EntraAuthority",
        "fsi_ValidationApiClientId",
        "fsi_ValidationApiScope",
        "fsi_ScmUnavailablePolicy",
        "fsi_DefaultCompany",
        "fsi_NearbyRadiusKm",
      ]),
    );
    expect(
      solution.environmentVariables.find((variable) => variable.schemaName === "fsi_NearbyRadiusKm"),
    ).toMatchObject({ type: 100000001 });
  });

  it("refuses bytes that are not a zip", async () => {
    await expect(readSolutionPackage(Buffer.from("not a zip"))).rejects.toThrow(/not a readable zip/);
  });

  it("refuses a zip without customizations.xml, naming the entry", async () => {
    const broken = await rewritten((copy) => copy.remove("customizations.xml"));
    await expect(readSolutionPackage(broken)).rejects.toThrow(
      new SolutionPackageError("solution: the zip has no entry customizations.xml"),
    );
  });

  it("refuses a control whose bundle is missing", async () => {
    const broken = await rewritten((copy) => copy.remove("Controls/fsi_FieldServiceScm.NearbyWarehouses/bundle.js"));
    await expect(readSolutionPackage(broken)).rejects.toThrow(
      "control fsi_FieldServiceScm.NearbyWarehouses: the zip has no entry Controls/fsi_FieldServiceScm.NearbyWarehouses/bundle.js",
    );
  });

  it("refuses a form whose library is not in the solution", async () => {
    const customizations = await (await JSZip.loadAsync(zip.bytes)).file("customizations.xml")?.async("string");
    const broken = await rewritten((copy) =>
      copy.file(
        "customizations.xml",
        (customizations ?? "").replace(/<WebResources>[\s\S]*<\/WebResources>/, "<WebResources/>"),
      ),
    );
    await expect(readSolutionPackage(broken)).rejects.toThrow(
      /its library fsi_\/scripts\/sign-in\.js is not a web resource of the solution/,
    );
  });
});
