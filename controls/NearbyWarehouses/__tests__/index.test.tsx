/** @jest-environment jsdom */
import { configure, fireEvent, render, screen, within } from "@testing-library/react";
import { InMemoryWebApi } from "../../testing/inMemoryWebApi";
import {
  lookupProperty,
  mockContext,
  numberProperty,
  stringProperty,
  wholeNumberProperty,
  type MockContextOptions,
} from "../../testing/mockContext";
import { controlStrings } from "../../testing/resx";
import { guidFor, warehouseRow } from "../../testing/warehouseRows";
import { WarehouseType } from "../../../core/dataverse/tables/warehouse-type";
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

function setup(options: Partial<MockContextOptions<IInputs>> = {}) {
  const webApi = new InMemoryWebApi({ msdyn_warehouse: [loop, union, quarantine, transit] });
  const mock = mockContext<IInputs>({
    parameters: parameters(),
    webApi,
    strings: controlStrings("NearbyWarehouses", 1033),
    devicePosition: chicago,
    allocatedWidth: 1024,
    ...options,
  });
  const control = new NearbyWarehouses();
  const notify = jest.fn();
  control.init(mock.context, notify);
  const view = render(control.updateView(mock.context));
  const rerender = () => {
    view.rerender(control.updateView(mock.context));
  };
  return { control, mock, notify, view, rerender, webApi };
}

describe("NearbyWarehouses lifecycle", () => {
  it("asks the host for its width, then renders the nearest warehouses", async () => {
    const { mock } = setup();
    expect(mock.calls.trackContainerResize).toEqual([true]);
    expect(await screen.findByRole("button", { name: "Union Station Store, < 0.1 mi" })).toBeTruthy();
    expect(mock.calls.getCurrentPosition).toHaveLength(1);
  });

  it("lists only the warehouse types the form names: Default unless configured, All for every type", async () => {
    const { mock, rerender } = setup();
    expect(await screen.findByRole("button", { name: "Union Station Store, < 0.1 mi" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: /Loop Quarantine/ })).toBeNull();
    expect(screen.queryByRole("button", { name: /Loop Transit/ })).toBeNull();
    mock.update({ parameters: parameters({ warehouseTypes: stringProperty("Default, transit") }) });
    rerender();
    expect(await screen.findByRole("button", { name: /Loop Transit/ })).toBeTruthy();
    expect(screen.queryByRole("button", { name: /Loop Quarantine/ })).toBeNull();
    mock.update({ parameters: parameters({ warehouseTypes: stringProperty("All") }) });
    rerender();
    expect(await screen.findByRole("button", { name: /Loop Quarantine/ })).toBeTruthy();
  });

  it("sets the warehouse lookup when a row is chosen in select mode", async () => {
    const { control, notify, mock, rerender } = setup();
    fireEvent.click(await screen.findByRole("button", { name: "Loop Depot, 0.4 mi" }));
    expect(notify).toHaveBeenCalledTimes(1);
    expect(control.getOutputs()).toEqual({
      boundField: [{ id: guidFor(0x3a, 1), name: "Loop Depot", entityType: "msdyn_warehouse" }],
    });
    // The platform writes the output back into the bound parameter and calls updateView.
    mock.update({
      parameters: parameters({
        boundField: lookupProperty(
          { id: guidFor(0x3a, 1), name: "Loop Depot", entityType: "msdyn_warehouse" },
          "msdyn_warehouse",
        ),
      }),
    });
    rerender();
    expect(screen.getByRole("button", { name: "Loop Depot, 0.4 mi" }).getAttribute("aria-current")).toBe("true");
    expect(mock.calls.openForm).toEqual([]);
  });

  it("opens the warehouse in browse mode, measuring from the record's coordinates on the web", async () => {
    const { control, notify, mock } = setup({
      parameters: parameters({ boundField: numberProperty(41.8843), longitude: numberProperty(-87.6324) }),
      devicePosition: undefined,
    });
    fireEvent.click(await screen.findByRole("button", { name: "Loop Depot, < 0.1 mi" }));
    expect(screen.getByRole("status").textContent).toContain("Distances from this record's location");
    expect(mock.calls.openForm).toEqual([{ entityName: "msdyn_warehouse", entityId: guidFor(0x3a, 1) }]);
    expect(notify).not.toHaveBeenCalled();
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
    const { mock, rerender } = setup({ allocatedWidth: 1024 });
    const list = await screen.findByRole("list", { name: "Nearby warehouses" });
    expect(within(list).getAllByRole("listitem")[0]?.style.height).toBe("60px");
    mock.update({ allocatedWidth: 360 });
    rerender();
    expect(within(list).getAllByRole("listitem")[0]?.style.height).toBe("124px");
  });

  it("speaks French and measures in kilometres for a French user", async () => {
    setup({ languageId: 1036, strings: controlStrings("NearbyWarehouses", 1036) });
    expect(await screen.findByRole("button", { name: "Union Station Store, 0,1 km" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Itinéraire vers Loop Depot" })).toBeTruthy();
  });

  it("does not change the lookup when the form is read-only", async () => {
    const { notify } = setup({ disabled: true });
    fireEvent.click(await screen.findByRole("button", { name: "Loop Depot, 0.4 mi" }));
    expect(notify).not.toHaveBeenCalled();
  });

  it("shows the offline state the client reports", async () => {
    setup({ offline: true });
    expect(await screen.findByText("You're offline: the list comes from the data on this device.")).toBeTruthy();
  });

  it("stops reporting choices once destroyed", async () => {
    const { control, notify } = setup();
    const row = await screen.findByRole("button", { name: "Loop Depot, 0.4 mi" });
    control.destroy();
    fireEvent.click(row);
    expect(notify).not.toHaveBeenCalled();
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
