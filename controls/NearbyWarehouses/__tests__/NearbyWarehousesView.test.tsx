/** @jest-environment jsdom */
import * as React from "react";
import { configure, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { InMemoryWebApi } from "../../testing/inMemoryWebApi";
import { controlStrings } from "../../testing/resx";
import {
  accountRow,
  environmentVariableRows,
  guidFor,
  inventoryRow,
  warehouseRow,
  workOrderRow,
} from "../../testing/warehouseRows";
import { readStrings } from "../../shared/strings";
import { ControlRoot } from "../../shared/components/ControlRoot";
import { NearbyWarehousesView, type NearbyWarehousesProps } from "../components/NearbyWarehousesView";
import { nearbyStringKeys } from "../components/strings";
import { createNearbyWarehousesService, type NearbyWarehouse } from "../services/nearbyWarehouses";
import type { DevicePosition } from "../services/position";

// Fluent renders slowly in jsdom on a busy two-core machine; allow more than the default second.
configure({ asyncUtilTimeout: 5000 });

const usmf = guidFor(0xc0, 1);
const product = guidFor(0xbb, 1);
const chicago = { latitude: 41.8781, longitude: -87.6298 };

const loop = warehouseRow({
  id: guidFor(0x3a, 1),
  name: "Loop Depot",
  identifier: "LOOP",
  latitude: 41.8843,
  longitude: -87.6324,
  companyId: usmf,
});
const union = warehouseRow({
  id: guidFor(0x3a, 2),
  name: "Union Station Store",
  identifier: "UNION",
  latitude: 41.8787,
  longitude: -87.6299,
  companyId: usmf,
});
const evanston = warehouseRow({
  id: guidFor(0x3a, 3),
  name: "Evanston Yard",
  identifier: "EVAN",
  latitude: 42.0451,
  longitude: -87.6877,
  companyId: usmf,
});
const milwaukee = warehouseRow({
  id: guidFor(0x3a, 4),
  name: "Milwaukee Hub",
  identifier: "MKE",
  latitude: 43.0389,
  longitude: -87.9065,
  companyId: usmf,
});

function strings(lcid: 1033 | 1036) {
  const resx = controlStrings("NearbyWarehouses", lcid);
  return readStrings(nearbyStringKeys, (key) => resx[key] ?? `!${key}`);
}

function formatNumberIn(locale: string) {
  return (value: number, decimals: number) =>
    new Intl.NumberFormat(locale, { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(value);
}

interface Setup {
  readonly webApi?: InMemoryWebApi;
  readonly device?: DevicePosition | null;
  readonly props?: Partial<NearbyWarehousesProps>;
}

function renderView(setup: Setup = {}) {
  const webApi = setup.webApi ?? new InMemoryWebApi({ msdyn_warehouse: [loop, union, evanston, milwaukee] });
  const chosen: NearbyWarehouse[] = [];
  const props: NearbyWarehousesProps = {
    strings: strings(1033),
    service: createNearbyWarehousesService(
      webApi,
      setup.device === undefined ? () => Promise.resolve(chicago) : setup.device,
    ),
    positionInputs: { useDevice: true, record: null, workOrderId: null, serviceAccountId: null },
    radiusKm: 25,
    maxResults: 50,
    companyId: usmf,
    productId: null,
    mode: "select",
    selectedId: null,
    readOnly: false,
    offline: false,
    layout: "wide",
    unit: "km",
    formatNumber: formatNumberIn("en-US"),
    onChoose: (warehouse) => chosen.push(warehouse),
    ...setup.props,
  };
  const view = render(
    <ControlRoot theme={undefined}>
      <NearbyWarehousesView {...props} />
    </ControlRoot>,
  );
  return { webApi, chosen, view };
}

async function rowNames(): Promise<string[]> {
  const list = await screen.findByRole("list", { name: "Nearby warehouses" });
  return within(list)
    .getAllByRole("listitem")
    .map((item) => within(item).getAllByRole("button")[0]?.getAttribute("aria-label") ?? "");
}

describe("NearbyWarehouses", () => {
  it("lists the warehouses within the radius, nearest first, with their distances", async () => {
    renderView();
    expect(await rowNames()).toEqual(["Union Station Store, 0.1 km", "Loop Depot, 0.7 km", "Evanston Yard, 19 km"]);
    expect(screen.getByRole("status").textContent).toContain(
      "Distances from your current location · within 25 km · 3 of 3 warehouses",
    );
  });

  it("shows distances in miles for a US user", async () => {
    renderView({ props: { unit: "mi" } });
    expect(await rowNames()).toEqual(["Union Station Store, < 0.1 mi", "Loop Depot, 0.4 mi", "Evanston Yard, 12 mi"]);
  });

  it("offers to widen the radius when nothing is near, and finds more when widened", async () => {
    const webApi = new InMemoryWebApi({ msdyn_warehouse: [milwaukee] });
    renderView({ webApi });
    expect(await screen.findByText("No warehouse within 25 km")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Widen to 50 km" }));
    expect(await screen.findByText("No warehouse within 50 km")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Widen to 100 km" }));
    expect(await screen.findByText("No warehouse within 100 km")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Widen to 200 km" }));
    expect(await rowNames()).toEqual(["Milwaukee Hub, 131 km"]);
    expect(screen.getByRole("status").textContent).toContain("within 200 km · 1 of 1 warehouses");
    // Two per search: the first ring (a quarter of the radius) is empty, so the second covers it all.
    expect(webApi.requests).toHaveLength(8);
  });

  it("shows stock of the product and filters to warehouses that have it", async () => {
    const webApi = new InMemoryWebApi({
      msdyn_warehouse: [loop, union, evanston],
      msdyn_productinventory: [
        inventoryRow(guidFor(0x3a, 1), product, 20, 12, 1),
        inventoryRow(guidFor(0x3a, 3), product, 4, 0, 2),
      ],
    });
    renderView({ webApi, props: { productId: product } });
    const list = await screen.findByRole("list", { name: "Nearby warehouses" });
    expect(within(list).getByText("12 available · 20 on hand")).toBeTruthy();
    expect(within(list).getAllByText("Out of stock")).toHaveLength(2);
    fireEvent.click(screen.getByRole("switch", { name: "Only warehouses with stock" }));
    expect(await rowNames()).toEqual(["Loop Depot, 0.7 km"]);
    // Two rings (Evanston lies beyond the first) and one stock request.
    expect(webApi.requests.map((request) => request.table)).toEqual([
      "msdyn_warehouse",
      "msdyn_warehouse",
      "msdyn_productinventory",
    ]);
  });

  it("says none of the nearest has stock, and offers to widen", async () => {
    const webApi = new InMemoryWebApi({
      msdyn_warehouse: [loop],
      msdyn_productinventory: [inventoryRow(guidFor(0x3a, 1), product, 0, 0, 1)],
    });
    renderView({ webApi, props: { productId: product } });
    fireEvent.click(await screen.findByRole("switch", { name: "Only warehouses with stock" }));
    expect(screen.getByText("None of the nearest warehouses has this product in stock.")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Widen to 50 km" })).toBeTruthy();
  });

  it("falls back from the device to the work order and says so", async () => {
    const workOrderId = guidFor(0x40, 1);
    const webApi = new InMemoryWebApi({
      msdyn_warehouse: [loop, union, evanston],
      msdyn_workorder: [workOrderRow(workOrderId, 42.04, -87.69, null)],
    });
    renderView({
      webApi,
      device: () => Promise.reject(new Error("no GPS")),
      props: { positionInputs: { useDevice: true, record: null, workOrderId, serviceAccountId: null } },
    });
    expect(await rowNames()).toEqual(["Evanston Yard, 0.6 km", "Loop Depot, 18 km", "Union Station Store, 19 km"]);
    expect(screen.getByRole("status").textContent).toContain("Distances from the work order's location");
  });

  it("falls back to the service account's address", async () => {
    const accountId = guidFor(0xac, 1);
    const webApi = new InMemoryWebApi({
      msdyn_warehouse: [loop, union],
      account: [accountRow(accountId, 41.8843, -87.6324)],
    });
    renderView({
      webApi,
      device: null,
      props: { positionInputs: { useDevice: true, record: null, workOrderId: null, serviceAccountId: accountId } },
    });
    expect(await rowNames()).toEqual(["Loop Depot, < 0.1 km", "Union Station Store, 0.7 km"]);
    expect(screen.getByRole("status").textContent).toContain("Distances from the service account's address");
  });

  it("explains what to do when no position is known", async () => {
    renderView({ device: () => Promise.reject(new Error("denied")) });
    expect(await screen.findByText("No position known")).toBeTruthy();
    expect(screen.getByText(/Turn on location on this device/)).toBeTruthy();
    expect(screen.queryByRole("list")).toBeNull();
  });

  it("reads the default radius from fsi_NearbyRadiusKm", async () => {
    const variable = environmentVariableRows("fsi_NearbyRadiusKm", guidFor(0xe0, 1), "25", "150");
    const webApi = new InMemoryWebApi({
      msdyn_warehouse: [loop, milwaukee],
      environmentvariabledefinition: variable.definitions,
      environmentvariablevalue: variable.values,
    });
    renderView({ webApi, props: { radiusKm: null } });
    expect(await rowNames()).toEqual(["Loop Depot, 0.7 km", "Milwaukee Hub, 131 km"]);
    expect(screen.getByRole("status").textContent).toContain("within 150 km");
  });

  it("tells an offline user where the list comes from, and what to do when it cannot load", async () => {
    const webApi = new InMemoryWebApi({ msdyn_warehouse: [loop] });
    const first = renderView({ webApi, props: { offline: true } });
    expect(await screen.findByText("You're offline: the list comes from the data on this device.")).toBeTruthy();
    expect(await rowNames()).toEqual(["Loop Depot, 0.7 km"]);
    first.view.unmount();

    webApi.failRequestsFor("msdyn_warehouse", new Error("The table msdyn_warehouse is not available offline"));
    renderView({ webApi, props: { offline: true } });
    expect(await screen.findByText("Warehouses aren't available offline")).toBeTruthy();
    webApi.restore("msdyn_warehouse");
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(await rowNames()).toEqual(["Loop Depot, 0.7 km"]);
  });

  it("shows an error with a retry when the query fails online", async () => {
    const webApi = new InMemoryWebApi({ msdyn_warehouse: [loop] });
    webApi.failRequestsFor("msdyn_warehouse", new Error("500"));
    renderView({ webApi });
    expect(await screen.findByText("Warehouses could not be loaded")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Try again" })).toBeTruthy();
  });

  it("speaks French to a French user, with French number formatting", async () => {
    renderView({ props: { strings: strings(1036), formatNumber: formatNumberIn("fr-FR") } });
    const list = await screen.findByRole("list", { name: "Entrepôts à proximité" });
    expect(within(list).getByRole("button", { name: "Loop Depot, 0,7 km" })).toBeTruthy();
    expect(within(list).getByRole("link", { name: "Itinéraire vers Loop Depot" })).toBeTruthy();
    expect(screen.getByRole("status").textContent).toContain(
      "Distances depuis votre position actuelle · dans un rayon de 25 km · 3 sur 3 entrepôts",
    );
  });

  it("chooses a row from the keyboard: arrows move, Enter chooses", async () => {
    const { chosen } = renderView();
    const list = await screen.findByRole("list", { name: "Nearby warehouses" });
    const [first, second] = within(list).getAllByRole("button");
    expect(first?.tabIndex).toBe(0);
    expect(second?.tabIndex).toBe(-1);
    first?.focus();
    fireEvent.keyDown(first!, { key: "ArrowDown" });
    await waitFor(() => {
      expect(document.activeElement).toBe(second);
    });
    expect(second?.tabIndex).toBe(0);
    // A native button turns Enter into a click; jsdom does not, so the click stands for it.
    fireEvent.keyDown(second!, { key: "Enter" });
    fireEvent.click(second!);
    expect(chosen.map((w) => w.name)).toEqual(["Loop Depot"]);
    fireEvent.keyDown(second!, { key: "End" });
    await waitFor(() => {
      expect(document.activeElement?.getAttribute("aria-label")).toBe("Evanston Yard, 19 km");
    });
    fireEvent.keyDown(document.activeElement!, { key: "Home" });
    await waitFor(() => {
      expect(document.activeElement).toBe(first);
    });
  });

  it("marks the selected warehouse and ignores choices when read-only", async () => {
    const { chosen } = renderView({ props: { selectedId: `{${guidFor(0x3a, 1).toUpperCase()}}`, readOnly: true } });
    const list = await screen.findByRole("list", { name: "Nearby warehouses" });
    const selected = within(list).getByRole("button", { name: "Loop Depot, 0.7 km" });
    expect(selected.getAttribute("aria-current")).toBe("true");
    expect(selected.getAttribute("aria-disabled")).toBe("true");
    fireEvent.click(selected);
    expect(chosen).toEqual([]);
    expect(screen.getByText("This field is read-only: the warehouse can't be changed here.")).toBeTruthy();
  });

  it("links each row to directions from the position used", async () => {
    renderView();
    const link = await screen.findByRole("link", { name: "Directions to Loop Depot" });
    expect(link.getAttribute("href")).toBe(
      "https://www.google.com/maps/dir/?api=1&origin=41.878100,-87.629800&destination=41.884300,-87.632400",
    );
    expect(link.getAttribute("target")).toBe("_blank");
  });

  it("renders only the rows in view when the list is long, and scrolls to the one the keyboard reaches", async () => {
    const many = Array.from({ length: 200 }, (_, n) =>
      warehouseRow({
        id: guidFor(0x3c, n),
        name: `Depot ${String(n).padStart(3, "0")}`,
        latitude: 41.8781 + n * 0.0005,
        longitude: -87.6298,
        companyId: usmf,
      }),
    );
    renderView({ webApi: new InMemoryWebApi({ msdyn_warehouse: many }), props: { maxResults: 200 } });
    const list = await screen.findByRole("list", { name: "Nearby warehouses" });
    const items = within(list).getAllByRole("listitem");
    expect(items.length).toBeLessThan(20);
    expect(items[0]?.getAttribute("aria-setsize")).toBe("200");
    const firstButton = within(list).getAllByRole("button")[0]!;
    firstButton.focus();
    fireEvent.keyDown(firstButton, { key: "End" });
    await waitFor(() => {
      expect(document.activeElement?.getAttribute("aria-label")).toMatch(/^Depot 199,/);
    });
    expect(within(list).getAllByRole("listitem").at(-1)?.getAttribute("aria-posinset")).toBe("200");
  });
});
