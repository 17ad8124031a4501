/** @jest-environment jsdom */
import * as React from "react";
import { act, configure, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { ControlRoot } from "../../shared/components/ControlRoot";
import { readStrings } from "../../shared/strings";
import { InMemoryWebApi } from "../../testing/inMemoryWebApi";
import { onHandEstate, onHandIds, onHandRow } from "../../testing/onHandRows";
import { controlStrings } from "../../testing/resx";
import { guidFor } from "../../testing/warehouseRows";
import { onHandStringKeys } from "../components/strings";
import { WarehouseOnHandView, type WarehouseOnHandProps } from "../components/WarehouseOnHandView";
import {
  createWarehouseOnHandService,
  type OnHandResult,
  type WarehouseOnHandService,
} from "../services/warehouseOnHand";

// Fluent renders slowly in jsdom on a busy two-core machine; allow more than the default second.
configure({ asyncUtilTimeout: 5000 });

/** A quarter of an hour after the estate's newest sync (11:45 UTC). */
const noon = Date.parse("2025-03-10T12:00:00Z");

function strings(lcid: 1033 | 1036) {
  const resx = controlStrings("WarehouseOnHand", lcid);
  return readStrings(onHandStringKeys, (key) => resx[key] ?? `!${key}`);
}

function formatNumberIn(locale: string) {
  return (value: number, decimals: number) =>
    new Intl.NumberFormat(locale, { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(value);
}

interface Setup {
  readonly webApi?: InMemoryWebApi;
  readonly service?: WarehouseOnHandService;
  readonly props?: Partial<WarehouseOnHandProps>;
}

function renderView(setup: Setup = {}) {
  const webApi = setup.webApi ?? new InMemoryWebApi({ msdyn_productinventory: onHandEstate() });
  const props: WarehouseOnHandProps = {
    strings: strings(1033),
    service: setup.service ?? createWarehouseOnHandService(webApi),
    record: { kind: "warehouse", id: onHandIds.warehouse },
    identifier: "CHI-01",
    maxItems: 10,
    layout: "wide",
    offline: false,
    formatNumber: formatNumberIn("en-US"),
    formatDateTime: (value) => new Intl.DateTimeFormat("en-US", { timeZone: "UTC" }).format(value),
    now: () => noon,
    ...setup.props,
  };
  const element = (changes: Partial<WarehouseOnHandProps> = {}) => (
    <ControlRoot theme={undefined}>
      <WarehouseOnHandView {...props} {...changes} />
    </ControlRoot>
  );
  const view = render(element());
  return {
    webApi,
    view,
    rerender: (changes: Partial<WarehouseOnHandProps>) => {
      view.rerender(element(changes));
    },
  };
}

/**
 * Each body row's cells, as text. Read through the DOM's table API: role queries over every cell
 * are slow in jsdom, and the table itself is found by role (and name) first.
 */
function tableRows(table: HTMLElement): string[][] {
  if (!(table instanceof HTMLTableElement)) throw new Error("not a table");
  return [...(table.tBodies.item(0)?.rows ?? [])].map((row) => [...row.cells].map((cell) => cell.textContent));
}

/** A service whose answers the test gives, one call at a time. */
function controlledService() {
  const calls: { warehouseId: string; count: number; answer: (result: OnHandResult) => void }[] = [];
  const service: WarehouseOnHandService = {
    onHand: (warehouseId, count) =>
      new Promise((resolve) => {
        calls.push({ warehouseId, count, answer: resolve });
      }),
  };
  return { service, calls };
}

const oneItem = (product: string, onHand: number): OnHandResult => ({
  items: [{ id: product, product, unit: "Each", onHand, available: onHand, onOrder: 0 }],
  more: false,
  lastSyncedOn: new Date(noon - 5 * 60_000),
});

describe("WarehouseOnHand", () => {
  it("lists the top items in a table, each quantity under its column, with the last sync from SCM", async () => {
    renderView();
    const table = await screen.findByRole("table", { name: "Items on hand at CHI-01" });
    expect(
      within(table)
        .getAllByRole("columnheader")
        .map((header) => header.textContent),
    ).toEqual(["Product", "On hand", "Available", "On order", "Unit"]);
    expect(tableRows(table).slice(0, 4)).toEqual([
      ["Copper pipe 15 mm", "312.50", "300.25", "50", "Meter"],
      ["Filter cartridge 10 in", "140", "120", "0", "Box"],
      ["Gasket set", "88", "88", "0", "Each"],
      ["Drain hose", "75", "60", "0", "Meter"],
    ]);
    expect(tableRows(table)).toHaveLength(10);
    expect(screen.getByRole("status").textContent).toBe("Last synced from SCM: 15 minutes ago");
    const time = screen.getByText("15 minutes ago");
    expect(time.tagName).toBe("TIME");
    expect(time.getAttribute("datetime")).toBe("2025-03-10T11:45:00.000Z");
    expect(time.getAttribute("title")).toBe("3/10/2025");
    expect(screen.getByText("Showing the top 10 items by quantity on hand.")).toBeTruthy();
  });

  it("stacks each item on a phone: its name and unit over the three quantities, each with its term", async () => {
    renderView({ props: { layout: "narrow", maxItems: 3 } });
    const list = await screen.findByRole("list", { name: "Items on hand at CHI-01" });
    expect(screen.queryByRole("table")).toBeNull();
    const items = within(list).getAllByRole("listitem");
    expect(items).toHaveLength(3);
    const first = items[0] as HTMLElement;
    expect(within(first).getByText("Copper pipe 15 mm")).toBeTruthy();
    expect(within(first).getByText("Meter")).toBeTruthy();
    const pairs = within(first)
      .getAllByRole("term")
      .map((term) => [term.textContent, term.nextElementSibling?.textContent]);
    expect(pairs).toEqual([
      ["On hand", "312.50"],
      ["Available", "300.25"],
      ["On order", "50"],
    ]);
    expect(screen.getByText("Showing the top 3 items by quantity on hand.")).toBeTruthy();
  });

  it("names the list without an identifier, and says nothing of more items when all are shown", async () => {
    renderView({ props: { identifier: null, maxItems: 50 } });
    expect(await screen.findByRole("table", { name: "Items on hand" })).toBeTruthy();
    expect(screen.queryByText(/Showing the top/)).toBeNull();
  });

  it.each([
    ["20 s before", noon - 20_000, "just now"],
    ["a minute after (a clock behind the server's)", noon + 60_000, "just now"],
    ["a minute before", noon - 60_000, "1 minute ago"],
    ["an hour before", noon - 3_600_000, "1 hour ago"],
    ["3 hours before", noon - 3 * 3_600_000, "3 hours ago"],
    ["a day before", noon - 24 * 3_600_000, "1 day ago"],
    ["12 days before", noon - 12 * 24 * 3_600_000, "12 days ago"],
    ["two months before", Date.parse("2025-01-02T15:04:00Z"), "1/2/2025"],
  ])("words a sync %s now as %s", async (_when, syncedAt, wording) => {
    const webApi = new InMemoryWebApi({
      msdyn_productinventory: [
        onHandRow({ n: 1, product: "Pump seal kit", onHand: 4, syncedOn: new Date(syncedAt).toISOString() }),
      ],
    });
    renderView({ webApi });
    await screen.findByRole("table");
    expect(screen.getByRole("status").textContent).toBe(`Last synced from SCM: ${wording}`);
  });

  it("words the shown time again as the minutes pass, but announces it once per load", async () => {
    jest.useFakeTimers();
    try {
      let clock = noon;
      renderView({ props: { now: () => clock } });
      await screen.findByRole("table");
      expect(screen.getByText("15 minutes ago").tagName).toBe("TIME");
      clock = noon + 2 * 60_000;
      act(() => {
        jest.advanceTimersByTime(60_000);
      });
      expect(screen.getByText("17 minutes ago").tagName).toBe("TIME");
      expect(screen.getByRole("status").textContent).toBe("Last synced from SCM: 15 minutes ago");
    } finally {
      jest.useRealTimers();
    }
  });

  it("says when SCM has never synced the warehouse's stock", async () => {
    const webApi = new InMemoryWebApi({
      msdyn_productinventory: [onHandRow({ n: 1, product: "Entered in Field Service", onHand: 3, syncedOn: null })],
    });
    renderView({ webApi });
    await screen.findByRole("table");
    expect(screen.getByRole("status").textContent).toBe("Not synced from SCM yet");
  });

  it("shows an empty state for a warehouse without stock", async () => {
    renderView({ props: { record: { kind: "warehouse", id: guidFor(0x3a, 92) } } });
    expect(await screen.findByText("No stock recorded for this warehouse")).toBeTruthy();
    expect(screen.queryByRole("table")).toBeNull();
    expect(screen.getByRole("button", { name: "Refresh" })).toBeTruthy();
  });

  it("shows an error with a retry, and loads when retried", async () => {
    const webApi = new InMemoryWebApi({ msdyn_productinventory: onHandEstate() });
    webApi.failRequestsFor("msdyn_productinventory", new Error("Service unavailable"));
    renderView({ webApi });
    expect(await screen.findByText("Dataverse did not answer the request. Try again in a moment.")).toBeTruthy();
    // The message's title, also announced.
    expect(screen.getAllByText("The stock could not be loaded")).toHaveLength(2);
    expect(screen.getByRole("status").textContent).toBe("The stock could not be loaded");
    webApi.restore("msdyn_productinventory");
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByRole("table")).toBeTruthy();
    expect(screen.queryByText("The stock could not be loaded")).toBeNull();
  });

  it("says offline that the device's data may not hold inventory, and that quantities are as of its last sync", async () => {
    const webApi = new InMemoryWebApi({ msdyn_productinventory: onHandEstate() });
    webApi.failRequestsFor("msdyn_productinventory", new Error("Not in the offline profile"));
    renderView({ webApi, props: { offline: true } });
    expect(
      await screen.findByText(
        "This device's offline data does not include product inventory. Reconnect and try again.",
      ),
    ).toBeTruthy();
    expect(screen.getByRole("status").textContent).toBe("Stock is not available offline");
    expect(screen.getByText("Offline: quantities as of this device's last sync.")).toBeTruthy();
  });

  it("refreshes on demand, keeping the rows on screen and the focus on the button while it reloads", async () => {
    const { service, calls } = controlledService();
    renderView({ service });
    expect(screen.getByRole("status").textContent).toBe("Loading stock…");
    calls[0]?.answer(oneItem("Pump seal kit", 4));
    const table = await screen.findByRole("table");
    expect(tableRows(table)).toEqual([["Pump seal kit", "4", "4", "0", "Each"]]);
    expect(screen.getByRole("status").textContent).toBe("Last synced from SCM: 5 minutes ago");

    const refresh = screen.getByRole("button", { name: "Refresh" });
    refresh.focus();
    fireEvent.click(refresh);
    await waitFor(() => {
      expect(calls).toHaveLength(2);
    });
    expect(screen.getByRole("region", { name: "Warehouse stock" }).getAttribute("aria-busy")).toBe("true");
    expect(tableRows(screen.getByRole("table"))).toEqual([["Pump seal kit", "4", "4", "0", "Each"]]);
    expect(refresh.getAttribute("aria-disabled")).toBe("true");
    expect(document.activeElement).toBe(refresh);

    calls[1]?.answer(oneItem("Pump seal kit", 9));
    await waitFor(() => {
      expect(tableRows(screen.getByRole("table"))).toEqual([["Pump seal kit", "9", "9", "0", "Each"]]);
    });
    expect(screen.getByRole("region", { name: "Warehouse stock" }).getAttribute("aria-busy")).toBe("false");
    expect(calls.map((call) => [call.warehouseId, call.count])).toEqual([
      [onHandIds.warehouse, 10],
      [onHandIds.warehouse, 10],
    ]);
  });

  it("reads the inventory again when the data changed and the user refreshes", async () => {
    const { webApi } = renderView();
    await screen.findByRole("table");
    webApi.setRows("msdyn_productinventory", [onHandRow({ n: 1, product: "Pump seal kit", onHand: 2 })]);
    fireEvent.click(screen.getByRole("button", { name: "Refresh" }));
    await waitFor(() => {
      expect(tableRows(screen.getByRole("table"))).toEqual([["Pump seal kit", "2", "2", "0", "Each"]]);
    });
    expect(webApi.requests).toHaveLength(4);
  });

  it("drops a late answer for an earlier load, and never shows one warehouse's rows for another", async () => {
    const { service, calls } = controlledService();
    const { rerender } = renderView({ service });
    const second = onHandIds.otherWarehouse;
    rerender({ record: { kind: "warehouse", id: second } });
    await waitFor(() => {
      expect(calls.map((call) => call.warehouseId)).toEqual([onHandIds.warehouse, second]);
    });
    calls[1]?.answer(oneItem("Second warehouse's item", 1));
    await screen.findByText("Second warehouse's item");
    // Back to the first: its rows load afresh, the second's do not stay on screen meanwhile.
    rerender({ record: { kind: "warehouse", id: onHandIds.warehouse } });
    await waitFor(() => {
      expect(calls).toHaveLength(3);
    });
    expect(screen.queryByText("Second warehouse's item")).toBeNull();
    calls[2]?.answer(oneItem("First warehouse's item, now", 2));
    await screen.findByText("First warehouse's item, now");
    calls[0]?.answer(oneItem("First warehouse's item", 100));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(screen.queryByText("First warehouse's item")).toBeNull();
    expect(screen.getByText("First warehouse's item, now")).toBeTruthy();
  });

  it("asks nothing for a new warehouse and says to save it first", () => {
    const { service, calls } = controlledService();
    renderView({ service, props: { record: { kind: "unsaved" } } });
    expect(screen.getByText("Save the warehouse first")).toBeTruthy();
    expect(screen.getByText("Its stock shows here once the warehouse is saved.")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Refresh" })).toBeNull();
    expect(calls).toEqual([]);
  });

  it("loads once the new warehouse is saved", async () => {
    const { rerender, webApi } = renderView({ props: { record: { kind: "unsaved" } } });
    expect(webApi.requests).toEqual([]);
    rerender({ record: { kind: "warehouse", id: onHandIds.warehouse } });
    expect(await screen.findByRole("table")).toBeTruthy();
  });

  it("says it belongs on the warehouse form when placed elsewhere", () => {
    const { service, calls } = controlledService();
    renderView({ service, props: { record: { kind: "notWarehouse" } } });
    expect(screen.getByText("This panel shows a warehouse's stock: place it on the warehouse form.")).toBeTruthy();
    expect(calls).toEqual([]);
  });

  it("speaks French, with French numbers", async () => {
    renderView({ props: { strings: strings(1036), formatNumber: formatNumberIn("fr-FR") } });
    const table = await screen.findByRole("table", { name: "Articles en stock à CHI-01" });
    expect(tableRows(table)[0]).toEqual(["Copper pipe 15 mm", "312,50", "300,25", "50", "Meter"]);
    expect(screen.getByRole("status").textContent).toBe("Dernière synchronisation depuis SCM : il y a 15 minutes");
    expect(screen.getByRole("button", { name: "Actualiser" })).toBeTruthy();
  });
});
