/** @jest-environment jsdom */
import { configure, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { InMemoryWebApi } from "../../testing/inMemoryWebApi";
import { lookupProperty, numberProperty, stringProperty, wholeNumberProperty } from "../../testing/pcf/properties";
import { openTestPage, settled, type TestPageOptions } from "../../testing/pcf/testPage";
import { controlStrings } from "../../testing/resx";
import { guidFor, warehouseRow } from "../../testing/warehouseRows";
import { WarehouseType } from "@fsi/core/dataverse/tables/warehouse-type";
import type { IInputs } from "../generated/ManifestTypes";
import { NearbyWarehouses } from "../index";

// Fluent renders slowly in jsdom on a busy two-core machine; allow more than the default second.
configure({ asyncUtilTimeout: 5000 });

const usmf = guidFor(0xc0, 1);
const loop = warehouseRow({
  id: guidFor(0x3a, 1),
  name: "Loop Depot",
  latitude: 41.8843,
  longitude: -87.6324,
  companyId: usmf,
});
const union = warehouseRow({
  id: guidFor(0x3a, 2),
  name: "Union Station Store",
  latitude: 41.8787,
  longitude: -87.6299,
  companyId: usmf,
});
const quarantine = warehouseRow({
  id: guidFor(0x3a, 3),
  name: "Loop Quarantine",
  latitude: 41.8785,
  longitude: -87.6299,
  companyId: usmf,
  type: WarehouseType.Quarantine,
});
const transit = warehouseRow({
  id: guidFor(0x3a, 4),
  name: "Loop Transit",
  latitude: 41.879,
  longitude: -87.6299,
  companyId: usmf,
  type: WarehouseType.Transit,
});
const chicago = { latitude: 41.8781, longitude: -87.6298 };

function parameters(overrides: Partial<IInputs> = {}): IInputs {
  return {
    boundField: lookupProperty(null, "msdyn_warehouse"),
    latitude: numberProperty(null),
    longitude: numberProperty(null),
    workOrder: lookupProperty(null, "msdyn_workorder"),
    serviceAccount: lookupProperty(null, "account"),
    company: lookupProperty({ id: usmf, name: "USMF", entityType: "cdm_company" }, "cdm_company"),
    product: lookupProperty(null, "product"),
    radiusKm: wholeNumberProperty(25),
    maxResults: wholeNumberProperty(50),
    warehouseTypes: stringProperty("Default"),
    ...overrides,
  };
}

function setup(options: Partial<TestPageOptions<IInputs>> = {}) {
  const webApi = new InMemoryWebApi({ msdyn_warehouse: [loop, union, quarantine, transit] });
  const control = new NearbyWarehouses();
  const page = openTestPage<IInputs>(control, {
    parameters: parameters(),
    webApi,
    strings: controlStrings("NearbyWarehouses", 1033),
    devicePosition: chicago,
    allocatedWidth: 1024,
    ...options,
  });
  return { control, page, view: page.view, webApi };
}

describe("NearbyWarehouses lifecycle", () => {
  it("asks the host for its width, then renders the nearest warehouses", async () => {
    const { page } = setup();
    expect(page.calls.trackContainerResize).toEqual([true]);
    expect(await screen.findByRole("button", { name: "Union Station Store, < 0.1 mi" })).toBeTruthy();
    expect(page.calls.getCurrentPosition).toHaveLength(1);
  });

  it("lists only the warehouse types the form names: Default unless configured, All for every type", async () => {
    const { page } = setup();
    expect(await screen.findByRole("button", { name: "Union Station Store, < 0.1 mi" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: /Loop Quarantine/ })).toBeNull();
    expect(screen.queryByRole("button", { name: /Loop Transit/ })).toBeNull();
    page.update({ parameters: parameters({ warehouseTypes: stringProperty("Default, transit") }) });
    expect(page.calls.updateView.at(-1)).toEqual(["warehouseTypes"]);
    expect(await screen.findByRole("button", { name: /Loop Transit/ })).toBeTruthy();
    expect(screen.queryByRole("button", { name: /Loop Quarantine/ })).toBeNull();
    page.update({ parameters: parameters({ warehouseTypes: stringProperty("All") }) });
    expect(await screen.findByRole("button", { name: /Loop Quarantine/ })).toBeTruthy();
  });

  it("sets the warehouse lookup when a row is chosen in select mode", async () => {
    const { control, page } = setup();
    fireEvent.click(await screen.findByRole("button", { name: "Loop Depot, 0.4 mi" }));
    const loopDepot = [{ id: guidFor(0x3a, 1), name: "Loop Depot", entityType: "msdyn_warehouse" }];
    await waitFor(() => {
      expect(page.calls.outputs).toEqual([{ boundField: loopDepot }]);
    });
    // The host wrote the output back into the bound parameter and called updateView with its name.
    expect(page.parameters.boundField.raw).toEqual(loopDepot);
    expect(page.calls.updateView.at(-1)).toEqual(["boundField"]);
    expect(control.getOutputs()).toEqual({});
    expect(screen.getByRole("button", { name: "Loop Depot, 0.4 mi" }).getAttribute("aria-current")).toBe("true");
    expect(page.calls.openForm).toEqual([]);
  });

  it("opens the warehouse in browse mode, measuring from the record's coordinates on the web", async () => {
    const { control, page } = setup({
      parameters: parameters({ boundField: numberProperty(41.8843), longitude: numberProperty(-87.6324) }),
      devicePosition: undefined,
    });
    fireEvent.click(await screen.findByRole("button", { name: "Loop Depot, < 0.1 mi" }));
    expect(screen.getByRole("status").textContent).toContain("Distances from this record's location");
    expect(page.calls.openForm).toEqual([{ entityName: "msdyn_warehouse", entityId: guidFor(0x3a, 1) }]);
    await settled();
    expect(page.calls.outputs).toEqual([]);
    expect(control.getOutputs()).toEqual({});
  });

  it("lays rows out for a 320 px phone and for a desktop form", async () => {
    const phone = setup({ allocatedWidth: 320, formFactor: 3 });
    const list = await screen.findByRole("list", { name: "Nearby warehouses" });
    expect(within(list).getAllByRole("listitem")[0]?.style.height).toBe("124px");
    phone.view.unmount();

    setup({ allocatedWidth: -1, formFactor: 1 });
    const wide = await screen.findByRole("list", { name: "Nearby warehouses" });
    expect(within(wide).getAllByRole("listitem")[0]?.style.height).toBe("60px");
  });

  it("follows the host when the width changes", async () => {
    const { page } = setup({ allocatedWidth: 1024 });
    const list = await screen.findByRole("list", { name: "Nearby warehouses" });
    expect(within(list).getAllByRole("listitem")[0]?.style.height).toBe("60px");
    page.update({ allocatedWidth: 360 });
    expect(page.calls.updateView.at(-1)).toEqual(["layout"]);
    expect(within(list).getAllByRole("listitem")[0]?.style.height).toBe("124px");
  });

  it("speaks French and measures in kilometres for a French user", async () => {
    setup({ languageId: 1036, strings: controlStrings("NearbyWarehouses", 1036) });
    expect(await screen.findByRole("button", { name: "Union Station Store, 0,1 km" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Itinéraire vers Loop Depot" })).toBeTruthy();
  });

  it("does not change the lookup when the form is read-only", async () => {
    const { page } = setup({ disabled: true });
    fireEvent.click(await screen.findByRole("button", { name: "Loop Depot, 0.4 mi" }));
    await settled();
    expect(page.calls.outputs).toEqual([]);
  });

  it("shows the offline state the client reports", async () => {
    setup({ offline: true });
    expect(await screen.findByText("You're offline: the list comes from the data on this device.")).toBeTruthy();
  });

  it("stops reporting choices once destroyed", async () => {
    const { control, page } = setup();
    const row = await screen.findByRole("button", { name: "Loop Depot, 0.4 mi" });
    // The control's own destroy, its element still shown: a late click reports nothing.
    control.destroy();
    fireEvent.click(row);
    await settled();
    expect(page.calls.outputs).toEqual([]);
    expect(control.getOutputs()).toEqual({});
  });

  it("drops answers that arrive after the view is unmounted", async () => {
    const errors = jest.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const { view, webApi } = setup();
      view.unmount();
      // Let the position and the search settle: without the view's guards React would warn
      // about state updates on an unmounted component.
      for (let i = 0; i < 10; i++) {
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      expect(errors).not.toHaveBeenCalled();
      expect(webApi.requests).toHaveLength(0);
    } finally {
      errors.mockRestore();
    }
  });
});
