/** @jest-environment jsdom */
import * as React from "react";
import { configure, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { ControlRoot } from "../../shared/components/ControlRoot";
import { readStrings } from "../../shared/strings";
import { assetEstate, assetIds } from "../../testing/assetRows";
import { InMemoryWebApi } from "../../testing/inMemoryWebApi";
import { controlStrings } from "../../testing/resx";
import { guidFor, workOrderRow } from "../../testing/warehouseRows";
import { CustomerAssetPickerView, type CustomerAssetPickerProps } from "../components/CustomerAssetPickerView";
import { pickerStringKeys } from "../components/strings";
import { createCustomerAssetService, type CustomerAssetOption } from "../services/customerAssets";

// Fluent renders slowly in jsdom on a busy two-core machine; allow more than the default second.
configure({ asyncUtilTimeout: 5000 });

function strings(lcid: 1033 | 1036) {
  const resx = controlStrings("CustomerAssetPicker", lcid);
  return readStrings(pickerStringKeys, (key) => resx[key] ?? `!${key}`);
}

function renderPicker(
  props: Partial<CustomerAssetPickerProps> = {},
  webApi = new InMemoryWebApi({ msdyn_customerasset: assetEstate() }),
) {
  const chosen: CustomerAssetOption[] = [];
  const onClear = jest.fn();
  const view = render(
    <ControlRoot theme={undefined}>
      <CustomerAssetPickerView
        strings={strings(1033)}
        service={createCustomerAssetService(webApi)}
        layout="wide"
        selected={null}
        serviceAccountId={assetIds.contoso}
        workOrderId={null}
        companyId={assetIds.usmf}
        pageSize={25}
        readOnly={false}
        offline={false}
        debounceMs={0}
        onChoose={(asset) => chosen.push(asset)}
        onClear={onClear}
        {...props}
      />
    </ControlRoot>,
  );
  return { chosen, onClear, view, webApi };
}

async function listed(): Promise<string[]> {
  const list = await screen.findByRole("list", { name: "Customer assets" });
  return within(list)
    .getAllByRole("button")
    .map((button) => button.getAttribute("aria-label") ?? "");
}

function type(text: string) {
  fireEvent.change(screen.getByRole("searchbox", { name: "Search customer assets" }), { target: { value: text } });
}

describe("CustomerAssetPicker", () => {
  it("lists the service account's assets with their category and where they came from", async () => {
    renderPicker();
    expect(await listed()).toEqual(["Air handler", "Boiler A", "Compressor", "Pump 3000", "pump housing"]);
    const pump = screen.getByRole("button", { name: "Pump 3000" });
    expect(pump.textContent).toContain("Tag PMP-0042 · SCM ID MA-1001 · Pumps");
    expect(pump.textContent).toContain("Synced from Supply Chain");
    expect(screen.getByRole("button", { name: "Boiler A" }).textContent).toContain("Created in Field Service");
  });

  it("searches by name, asset tag or SCM asset id", async () => {
    renderPicker();
    await listed();
    type("pump");
    await waitFor(async () => {
      expect(await listed()).toEqual(["Pump 3000", "pump housing"]);
    });
    type("BLR-7");
    await waitFor(async () => {
      expect(await listed()).toEqual(["Boiler A"]);
    });
    type("ma-1002");
    await waitFor(async () => {
      expect(await listed()).toEqual(["pump housing"]);
    });
  });

  it("widens to all accounts of the company, showing each asset's account", async () => {
    renderPicker();
    await listed();
    type("pump");
    await waitFor(async () => {
      expect(await listed()).toEqual(["Pump 3000", "pump housing"]);
    });
    fireEvent.click(screen.getByRole("switch", { name: "All accounts of the company" }));
    await waitFor(async () => {
      expect(await listed()).toEqual(["Pump 3000", "pump housing", "Pump station"]);
    });
    expect(screen.getByRole("button", { name: "Pump station" }).textContent).toContain("Account: Fabrikam");
  });

  it("finds the service account through the work order on a work order incident", async () => {
    const workOrderId = guidFor(0x40, 1);
    const webApi = new InMemoryWebApi({
      msdyn_customerasset: assetEstate(),
      msdyn_workorder: [workOrderRow(workOrderId, null, null, assetIds.fabrikam)],
    });
    renderPicker({ serviceAccountId: null, workOrderId }, webApi);
    expect(await listed()).toEqual(["Pump station"]);
  });

  it("lists every account of the company when the work order has no service account", async () => {
    renderPicker({ serviceAccountId: null });
    expect(await screen.findByText(/The work order has no service account/)).toBeTruthy();
    const toggle = screen.getByRole("switch", { name: "All accounts of the company" });
    expect(toggle.hasAttribute("disabled")).toBe(true);
    expect(await listed()).toContain("Pump station");
  });

  it("says when nothing matches", async () => {
    renderPicker();
    await listed();
    type("xyz");
    expect(await screen.findByText("No asset starts with “xyz”")).toBeTruthy();
  });

  it("chooses an asset from the keyboard", async () => {
    const { chosen } = renderPicker();
    const [first, second] = within(await screen.findByRole("list", { name: "Customer assets" })).getAllByRole("button");
    first?.focus();
    fireEvent.keyDown(first!, { key: "ArrowDown" });
    await waitFor(() => {
      expect(document.activeElement).toBe(second);
    });
    fireEvent.click(document.activeElement!);
    expect(chosen.map((asset) => asset.name)).toEqual(["Boiler A"]);
  });

  it("shows the selected asset and clears it", async () => {
    const { onClear } = renderPicker({ selected: { id: guidFor(0xa5, 2), name: "Boiler A" } });
    expect(screen.getByText("Selected asset")).toBeTruthy();
    expect(
      within(await screen.findByRole("list", { name: "Customer assets" }))
        .getByRole("button", { name: "Boiler A" })
        .getAttribute("aria-current"),
    ).toBe("true");
    fireEvent.click(screen.getByRole("button", { name: "Clear the selected asset" }));
    expect(onClear).toHaveBeenCalledTimes(1);
  });

  it("only shows the value when read-only", () => {
    const { webApi } = renderPicker({ readOnly: true, selected: { id: guidFor(0xa5, 2), name: "Boiler A" } });
    expect(screen.getByText("Boiler A")).toBeTruthy();
    expect(screen.getByText("This field is read-only.")).toBeTruthy();
    expect(screen.queryByRole("searchbox")).toBeNull();
    expect(screen.queryByRole("button", { name: "Clear the selected asset" })).toBeNull();
    expect(webApi.requests).toEqual([]);
  });

  it("explains when assets are not available offline, and retries", async () => {
    const webApi = new InMemoryWebApi({ msdyn_customerasset: assetEstate() });
    webApi.failRequestsFor("msdyn_customerasset", new Error("not in the offline profile"));
    renderPicker({ offline: true }, webApi);
    expect(screen.getByText("You're offline: assets come from the data on this device.")).toBeTruthy();
    expect(await screen.findByText("Customer assets aren't available offline")).toBeTruthy();
    webApi.restore("msdyn_customerasset");
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(await listed()).toHaveLength(5);
  });

  it("says there are more than it lists", async () => {
    renderPicker({ pageSize: 2 });
    expect(await listed()).toEqual(["Air handler", "Boiler A"]);
    expect(screen.getByText("Showing the first 2. Type more of the name, tag or ID to narrow the list.")).toBeTruthy();
  });

  it("speaks French", async () => {
    renderPicker({ strings: strings(1036) });
    const list = await screen.findByRole("list", { name: "Actifs client" });
    expect(within(list).getByRole("button", { name: "Pump 3000" }).textContent).toContain(
      "Synchronisé depuis Supply Chain",
    );
    expect(screen.getByRole("searchbox", { name: "Rechercher des actifs client" })).toBeTruthy();
    expect(screen.getByRole("switch", { name: "Tous les comptes de la société" })).toBeTruthy();
  });
});
