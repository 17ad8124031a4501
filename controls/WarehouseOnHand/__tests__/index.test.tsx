/** @jest-environment jsdom */
import { configure, screen, waitFor, within } from "@testing-library/react";
import { InMemoryWebApi } from "../../testing/inMemoryWebApi";
import { stringProperty, wholeNumberProperty } from "../../testing/pcf/properties";
import { openTestPage, type TestPageOptions } from "../../testing/pcf/testPage";
import { onHandEstate, onHandIds } from "../../testing/onHandRows";
import { controlStrings } from "../../testing/resx";
import type { IInputs } from "../generated/ManifestTypes";
import { WarehouseOnHand } from "../index";

// Fluent renders slowly in jsdom on a busy two-core machine; allow more than the default second.
configure({ asyncUtilTimeout: 5000 });

function parameters(overrides: Partial<IInputs> = {}): IInputs {
  return {
    warehouseIdentifier: stringProperty("CHI-01", "msdyn_warehouseidentifier"),
    maxItems: wholeNumberProperty(null),
    ...overrides,
  };
}

function setup(options: Partial<TestPageOptions<IInputs>> = {}) {
  const webApi = new InMemoryWebApi({ msdyn_productinventory: onHandEstate() });
  const control = new WarehouseOnHand();
  const page = openTestPage<IInputs>(control, {
    parameters: parameters(),
    webApi,
    strings: controlStrings("WarehouseOnHand", 1033),
    record: { entityTypeName: "msdyn_warehouse", entityId: onHandIds.warehouse },
    allocatedWidth: 800,
    ...options,
  });
  return { control, page, view: page.view, webApi };
}

/** The `$top` of the top-items request (the one that is not for the last sync). */
function requestedTop(webApi: InMemoryWebApi): string | undefined {
  const request = webApi.requests.find((candidate) => candidate.options.includes("msdyn_qtyonhand desc"));
  return /\$top=(\d+)/.exec(request?.options ?? "")?.[1];
}

describe("WarehouseOnHand lifecycle", () => {
  it("shows the form's warehouse's top ten items by default, with the last sync", async () => {
    const { page, webApi } = setup({
      record: { entityTypeName: "msdyn_warehouse", entityId: `{${onHandIds.warehouse.toUpperCase()}}` },
    });
    expect(page.calls.trackContainerResize).toEqual([true]);
    const table = await screen.findByRole("table", { name: "Items on hand at CHI-01" });
    expect(within(table).getAllByRole("row")).toHaveLength(11);
    expect(requestedTop(webApi)).toBe("11");
    expect(webApi.requests.every((request) => request.options.includes(onHandIds.warehouse))).toBe(true);
    expect(screen.getByRole("status").textContent).toMatch(/^Last synced from SCM: /);
  });

  it("lists as many items as the form's input says, within bounds", async () => {
    const { webApi } = setup({ parameters: parameters({ maxItems: wholeNumberProperty(3) }) });
    await screen.findByRole("table");
    expect(requestedTop(webApi)).toBe("4");
    expect(screen.getByText("Showing the top 3 items by quantity on hand.")).toBeTruthy();
  });

  it.each([
    [0, "11"],
    [-4, "11"],
    [1000, "101"],
  ])("reads an input of %d items as a $top of %s", async (count, top) => {
    const { webApi } = setup({ parameters: parameters({ maxItems: wholeNumberProperty(count) }) });
    await screen.findByRole("table");
    expect(requestedTop(webApi)).toBe(top);
  });

  it("stacks the items on a phone", async () => {
    setup({ allocatedWidth: -1, formFactor: 3 });
    const list = await screen.findByRole("list", { name: "Items on hand at CHI-01" });
    expect(within(list).getAllByRole("listitem")).toHaveLength(10);
    expect(screen.queryByRole("table")).toBeNull();
  });

  it("asks nothing on a new warehouse, then loads once the form has saved it", async () => {
    const { page, webApi } = setup({ record: { entityTypeName: "msdyn_warehouse", entityId: "" } });
    expect(screen.getByText("Save the warehouse first")).toBeTruthy();
    expect(webApi.requests).toEqual([]);
    page.update({ record: { entityTypeName: "msdyn_warehouse", entityId: onHandIds.warehouse } });
    expect(await screen.findByRole("table")).toBeTruthy();
  });

  it("reads the nil GUID as a new record too", () => {
    const { webApi } = setup({
      record: { entityTypeName: "msdyn_warehouse", entityId: "00000000-0000-0000-0000-000000000000" },
    });
    expect(screen.getByText("Save the warehouse first")).toBeTruthy();
    expect(webApi.requests).toEqual([]);
  });

  it("says where it belongs on another table's form, or where the host gives no record", () => {
    const { page, webApi } = setup({
      record: { entityTypeName: "msdyn_workorder", entityId: onHandIds.warehouse },
    });
    const message = "This panel shows a warehouse's stock: place it on the warehouse form.";
    expect(screen.getByText(message)).toBeTruthy();
    page.update({ record: undefined });
    expect(screen.getByText(message)).toBeTruthy();
    expect(webApi.requests).toEqual([]);
  });

  it("says offline what the quantities are", async () => {
    setup({ offline: true });
    await screen.findByRole("table");
    expect(screen.getByText("Offline: quantities as of this device's last sync.")).toBeTruthy();
  });

  it("speaks French", async () => {
    setup({ languageId: 1036, strings: controlStrings("WarehouseOnHand", 1036) });
    const table = await screen.findByRole("table", { name: "Articles en stock à CHI-01" });
    expect(within(table).getByRole("cell", { name: "312,50" })).toBeTruthy();
    expect(screen.getByRole("status").textContent).toMatch(/^Dernière synchronisation depuis SCM : /);
  });

  it("has no outputs, and drops a late answer once destroyed and unmounted", async () => {
    const { control, view, webApi } = setup();
    expect(control.getOutputs()).toEqual({});
    const errors = jest.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      // The platform unmounts the element and calls destroy; the requests already sent answer later.
      view.unmount();
      control.destroy();
      await waitFor(() => {
        expect(webApi.requests).toHaveLength(2);
      });
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(errors).not.toHaveBeenCalled();
    } finally {
      errors.mockRestore();
    }
  });
});
