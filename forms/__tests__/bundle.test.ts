/**
 * The built web resource, not the TypeScript: `forms.js` is built by the build module, evaluated as
 * a classic script in a context of its own (as a form loads a library), and its handlers are called
 * by the names the solution's forms register.
 */
import { readFile } from "node:fs/promises";
import vm from "node:vm";
import { buildForms, formsBundlePath } from "../build";
import { FormsDataverse, standardFixture } from "./dataverse";
import { FakeSignIn } from "./fake-sign-in";
import { FakeValidationApi } from "./fake-validation-api";
import type { FormScripts } from "./form-harness";
import { FormHarness } from "./form-harness";
import { existingWarehouse, scmRules } from "./test-page";

interface FormsNamespace {
  FSI: { Forms: Record<string, FormScripts>; Other?: unknown };
}

let source = "";

beforeAll(async () => {
  await buildForms();
  source = await readFile(formsBundlePath, "utf8");
}, 60_000);

/** A page: the library loaded into a fresh global with the form's `Xrm` and `fetch`. */
function loadPage(api: FakeValidationApi): FormsNamespace {
  const page = {
    // sign-in.js, listed before forms.js on the form, has published FSI.SignIn.
    FSI: { Other: "kept", SignIn: new FakeSignIn() },
    fetch: api.fetch,
    AbortController,
    setTimeout,
    clearTimeout,
    console,
  };
  // `Xrm` is read when a handler runs, as on a form: the harness creates it per form.
  Object.defineProperty(page, "Xrm", { get: () => (globalThis as unknown as { Xrm: unknown }).Xrm });
  vm.runInNewContext(source, page, { filename: "fsi_/scripts/forms.js" });
  return page as unknown as FormsNamespace;
}

describe("the built fsi_/scripts/forms.js", () => {
  it("publishes FSI.Forms.<Table>.onLoad and .onSave for the five forms, keeping what else is under FSI", () => {
    const page = loadPage(new FakeValidationApi(scmRules));

    expect(Object.keys(page.FSI.Forms).sort()).toEqual([
      "CustomerAsset",
      "CustomerAssetCategory",
      "PaymentTerm",
      "ShipVia",
      "Warehouse",
    ]);
    for (const handlers of Object.values(page.FSI.Forms)) {
      expect(typeof handlers.onLoad).toBe("function");
      expect(typeof handlers.onSave).toBe("function");
    }
    expect(page.FSI.Other).toBe("kept");
  });

  it("does not carry zod (the entity maps are inlined as data at build time) nor MSAL (sign-in.js has it)", () => {
    expect(source).not.toMatch(/ZodError|\$ZodType/);
    expect(source).not.toMatch(/PublicClientApplication|msal\./);
    expect(source).toContain('"msdyn_warehouseidentifier"');
  });

  it("refuses an invalid warehouse and saves a valid one when the form calls FSI.Forms.Warehouse.onSave", async () => {
    const api = new FakeValidationApi(scmRules);
    const page = loadPage(api);
    const warehouseForm = page.FSI.Forms.Warehouse!;
    const form = new FormHarness(
      warehouseForm,
      { table: "msdyn_warehouse", existing: existingWarehouse() },
      new FormsDataverse(standardFixture()),
    );
    await form.load();

    form.set("msdyn_description", "Main warehouse for the whole Chicago region");
    const refused = await form.save();
    expect(refused.saved).toBe(false);
    expect(form.fieldNotifications("msdyn_description")).toEqual([
      "Description can have at most 30 characters in SCM.",
    ]);

    form.change("msdyn_description", "North");
    const saved = await form.save();
    expect(saved.saved).toBe(true);
    expect(api.requests.map((r) => [r.body.operation, r.body.attributes])).toEqual([
      ["create", {}],
      ["update", { msdyn_description: "Main warehouse for the whole Chicago region" }],
      ["update", { msdyn_description: "North" }],
    ]);
  });
});
