/** @jest-environment jsdom */
import { configure, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { assetEstate, assetIds } from "../../testing/assetRows";
import { InMemoryWebApi } from "../../testing/inMemoryWebApi";
import { lookupProperty, wholeNumberProperty } from "../../testing/pcf/properties";
import { openTestPage, settled, type TestPageOptions } from "../../testing/pcf/testPage";
import { controlStrings } from "../../testing/resx";
import { guidFor } from "../../testing/warehouseRows";
import type { IInputs } from "../generated/ManifestTypes";
import { CustomerAssetPicker } from "../index";

// Fluent renders slowly in jsdom on a busy two-core machine; allow more than the default second.
configure({ asyncUtilTimeout: 5000 });

const boiler = { id: guidFor(0xa5, 2), name: "Boiler A", entityType: "msdyn_customerasset" };

function parameters(overrides: Partial<IInputs> = {}): IInputs {
  return {
    boundAsset: lookupProperty(null, "msdyn_customerasset"),
    serviceAccount: lookupProperty({ id: assetIds.contoso, name: "Contoso", entityType: "account" }, "account"),
    workOrder: lookupProperty(null, "msdyn_workorder"),
    company: lookupProperty({ id: assetIds.usmf, name: "USMF", entityType: "cdm_company" }, "cdm_company"),
    pageSize: wholeNumberProperty(25),
    ...overrides,
  };
}

function setup(options: Partial<TestPageOptions<IInputs>> = {}) {
  const control = new CustomerAssetPicker();
  const page = openTestPage<IInputs>(control, {
    parameters: parameters(),
    webApi: new InMemoryWebApi({ msdyn_customerasset: assetEstate() }),
    strings: controlStrings("CustomerAssetPicker", 1033),
    allocatedWidth: 900,
    ...options,
  });
  return { control, page };
}

describe("CustomerAssetPicker lifecycle", () => {
  it("sets the asset lookup when an asset is chosen, and shows it at once", async () => {
    const { control, page } = setup();
    expect(page.calls.trackContainerResize).toEqual([true]);
    fireEvent.click(await screen.findByRole("button", { name: "Boiler A" }));
    // Shown at once: the control asks for a render before the platform has read its outputs.
    expect(page.calls.requestRender).toHaveLength(1);
    expect(control.getOutputs()).toEqual({ boundAsset: [boiler] });
    await waitFor(() => {
      expect(page.calls.outputs).toEqual([{ boundAsset: [boiler] }]);
    });
    expect(screen.getByRole("button", { name: "Boiler A" }).getAttribute("aria-current")).toBe("true");
    // The host wrote the value back; the bound value is the truth from then on.
    expect(page.parameters.boundAsset.raw).toEqual([boiler]);
    expect(control.getOutputs()).toEqual({});
    expect(screen.getByRole("button", { name: "Clear the selected asset" })).toBeTruthy();
  });

  it("clears the lookup", async () => {
    const { control, page } = setup({
      parameters: parameters({ boundAsset: lookupProperty(boiler, "msdyn_customerasset") }),
    });
    await screen.findByRole("list", { name: "Customer assets" });
    fireEvent.click(screen.getByRole("button", { name: "Clear the selected asset" }));
    expect(control.getOutputs()).toEqual({ boundAsset: [] });
    await waitFor(() => {
      expect(page.calls.outputs).toEqual([{ boundAsset: [] }]);
    });
    expect(page.parameters.boundAsset.raw).toEqual([]);
  });

  it("leaves the lookup alone when the form is read-only", async () => {
    const { control, page } = setup({
      disabled: true,
      parameters: parameters({ boundAsset: lookupProperty(boiler, "msdyn_customerasset") }),
    });
    expect(screen.getByText("This field is read-only.")).toBeTruthy();
    expect(screen.queryByRole("searchbox")).toBeNull();
    await settled();
    expect(page.calls.outputs).toEqual([]);
    expect(control.getOutputs()).toEqual({});
  });

  it("lays out for a phone", async () => {
    setup({ allocatedWidth: 320, formFactor: 3 });
    const list = await screen.findByRole("list", { name: "Customer assets" });
    expect(within(list).getAllByRole("listitem")[0]?.style.height).toBe("92px");
  });

  it("speaks French", async () => {
    setup({ languageId: 1036, strings: controlStrings("CustomerAssetPicker", 1036) });
    expect(await screen.findByRole("list", { name: "Actifs client" })).toBeTruthy();
  });

  it("reports nothing once destroyed", async () => {
    const { control, page } = setup();
    const row = await screen.findByRole("button", { name: "Boiler A" });
    control.destroy();
    fireEvent.click(row);
    await settled();
    expect(page.calls.outputs).toEqual([]);
    expect(control.getOutputs()).toEqual({});
  });
});
