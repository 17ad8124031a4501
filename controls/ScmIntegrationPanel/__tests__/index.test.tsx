/** @jest-environment jsdom */
import { configure, fireEvent, screen, within } from "@testing-library/react";
import type { ValidationRequest } from "@fsi/core/validation/contract";
import { InMemoryWebApi } from "../../testing/inMemoryWebApi";
import { dateTimeProperty, lookupProperty, optionSetProperty, stringProperty } from "../../testing/pcf/properties";
import { openTestPage, type TestPageOptions } from "../../testing/pcf/testPage";
import { panelIds, panelTables } from "../../testing/panelRows";
import { controlStrings } from "../../testing/resx";
import type { IInputs } from "../generated/ManifestTypes";
import { ScmIntegrationPanel } from "../index";

// Fluent renders slowly in jsdom on a busy two-core machine; allow more than the default second.
configure({ asyncUtilTimeout: 5000 });

const apiUrl = "https://fsi-validation.example.net/plugins/validate";

// MSAL.js itself is exercised end to end (test/e2e/sign-in.e2e.test.ts); here the sign-in library is a fake.
jest.mock("@fsi/forms/sign-in/msal-sign-in", () => {
  const { FakeSignIn } = jest.requireActual<typeof import("@fsi/forms/__tests__/fake-sign-in")>(
    "@fsi/forms/__tests__/fake-sign-in",
  );
  return { msalSignIn: new FakeSignIn() };
});

function parameters(overrides: Partial<IInputs> = {}): IInputs {
  return {
    syncStatus: optionSetProperty(716900003, "Failed", "fsi_scmsyncstatus"),
    lastSyncedOn: dateTimeProperty(new Date(Date.UTC(2025, 0, 2, 15, 4)), "", "fsi_scmlastsyncedon"),
    lastError: stringProperty("SCM: Site 9 does not exist in company usmf.", "fsi_scmlasterror", "Multiple"),
    company: lookupProperty(
      { id: panelIds.company, name: "Contoso USA", entityType: "cdm_company" },
      "cdm_company",
      "msdyn_company",
    ),
    scmIdentifier: stringProperty("CHI-01", "msdyn_warehouseidentifier"),
    site: lookupProperty(
      { id: panelIds.site, name: "Site 1", entityType: "msdyn_operationalsite" },
      "msdyn_operationalsite",
      "msdyn_operationalsite",
    ),
    ...overrides,
  };
}

interface FakeCall {
  readonly url: string;
  readonly init: RequestInit;
}

/** The network, stubbed at `fetch`: a validation API that rejects a missing site. */
function stubNetwork(): FakeCall[] {
  const calls: FakeCall[] = [];
  const reply = (status: number, body: unknown) =>
    ({
      ok: status >= 200 && status < 300,
      status,
      json: () => Promise.resolve(body),
      text: () => Promise.resolve(JSON.stringify(body)),
    }) satisfies Pick<Response, "ok" | "status" | "json" | "text"> as Response;
  globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    calls.push({ url, init: init ?? {} });
    const request = JSON.parse(typeof init?.body === "string" ? init.body : "{}") as ValidationRequest;
    const site = request.attributes.msdyn_operationalsite;
    return Promise.resolve(
      reply(
        200,
        site
          ? { valid: true, errors: [], warnings: [] }
          : {
              valid: false,
              errors: [
                { attribute: "msdyn_operationalsite", code: "required", message: "SCM requires a site for usmf." },
              ],
              warnings: [],
            },
      ),
    );
  };
  return calls;
}

function setup(options: Partial<TestPageOptions<IInputs>> = {}) {
  const calls = stubNetwork();
  const control = new ScmIntegrationPanel();
  const page = openTestPage<IInputs>(control, {
    parameters: parameters(),
    webApi: new InMemoryWebApi(panelTables(apiUrl)),
    strings: controlStrings("ScmIntegrationPanel", 1033),
    record: { entityTypeName: "msdyn_warehouse", entityId: panelIds.warehouse },
    displayNames: { msdyn_warehouse: { msdyn_operationalsite: "Operational Site" } },
    allocatedWidth: 800,
    ...options,
  });
  return { calls, control, page, view: page.view };
}

function valueOf(term: string): string {
  return screen.getByText(term, { selector: "dt" }).nextElementSibling?.textContent ?? "";
}

describe("ScmIntegrationPanel lifecycle", () => {
  it("shows the bound integration columns", () => {
    const { page } = setup();
    expect(page.calls.trackContainerResize).toEqual([true]);
    expect(valueOf("Company")).toBe("Contoso USA");
    expect(valueOf("SCM identifier")).toBe("CHI-01");
    expect(valueOf("Site")).toBe("Site 1");
    expect(valueOf("Sync status")).toBe("Failed");
    expect(valueOf("Last synced")).toBe("1/2/25, 3:04 PM");
    expect(screen.getByText("SCM: Site 9 does not exist in company usmf.")).toBeTruthy();
  });

  it("checks the record with what the form shows, with a token from the sign-in library", async () => {
    const { calls } = setup({
      parameters: parameters({ site: lookupProperty(null, "msdyn_operationalsite", "msdyn_operationalsite") }),
    });
    fireEvent.click(screen.getByRole("button", { name: "Check against SCM" }));
    const results = await screen.findByRole("list", { name: "SCM check results" });
    expect(within(results).getByRole("listitem").textContent).toBe("Operational Site: SCM requires a site for usmf.");
    expect(calls.map((call) => call.url)).toEqual([apiUrl]);
    const post = calls[0];
    expect((post?.init.headers as Record<string, string> | undefined)?.Authorization).toBe("Bearer token-1");
    const body = post?.init.body;
    const sent = JSON.parse(typeof body === "string" ? body : "{}") as ValidationRequest;
    expect(sent).toMatchObject({
      table: "msdyn_warehouse",
      operation: "update",
      id: panelIds.warehouse,
      company: "usmf",
    });
    expect(sent.attributes.msdyn_operationalsite).toBeNull();
    expect(sent.attributes.msdyn_warehouseidentifier).toBe("CHI-01");
  });

  it("cannot check a record that has not been saved", () => {
    setup({ record: undefined });
    expect(screen.getByRole("button", { name: "Check against SCM" }).hasAttribute("disabled")).toBe(true);
    expect(screen.getByText("Save the record first: the form checks new records when you save them.")).toBeTruthy();
  });

  it("shows a row first saved in this form as Pending until its sync status arrives; a row opened without one as Unknown", () => {
    const noStatus = parameters({
      syncStatus: optionSetProperty(null, null, "fsi_scmsyncstatus"),
      lastSyncedOn: dateTimeProperty(null, "", "fsi_scmlastsyncedon"),
      lastError: stringProperty("", "fsi_scmlasterror", "Multiple"),
    });
    const { page, view } = setup({ parameters: noStatus, record: undefined });
    expect(valueOf("Sync status")).toBe("Unknown");
    // The form saves the new row: the record gets its id, the status column is still empty.
    page.update({ record: { entityTypeName: "msdyn_warehouse", entityId: panelIds.warehouse } });
    expect(valueOf("Sync status")).toBe("Pending");
    expect(valueOf("Last synced")).toBe("Waiting for SCM…");
    view.unmount();

    setup({ parameters: noStatus });
    expect(valueOf("Sync status")).toBe("Unknown");
    expect(valueOf("Last synced")).toBe("Never");
  });

  it("is read-only when the form is", () => {
    setup({ disabled: true });
    expect(screen.getByRole("button", { name: "Check against SCM" }).hasAttribute("disabled")).toBe(true);
  });

  it("hides the site on tables other than warehouses", () => {
    setup({ record: { entityTypeName: "msdyn_paymentterm", entityId: panelIds.warehouse } });
    expect(screen.queryByText("Site", { selector: "dt" })).toBeNull();
  });

  it("has no outputs, and sends nothing once destroyed", async () => {
    const { calls, control } = setup();
    expect(control.getOutputs()).toEqual({});
    control.destroy();
    fireEvent.click(screen.getByRole("button", { name: "Check against SCM" }));
    expect(await screen.findByText("Couldn't check against SCM")).toBeTruthy();
    expect(calls).toEqual([]);
  });
});
