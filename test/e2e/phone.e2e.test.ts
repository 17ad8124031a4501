/**
 * A technician's phone and a newcomer's first hour, at 320 and 390 px in Debian's Chromium: the
 * nearby list first on the work order with no stray label, the "…" overflow menu, 44 px tap
 * targets, names not cut, a rejected number kept with its error, the unsaved-changes prompt, the
 * blocked-save banner naming fields, the Offline switch saying what it does (after a reload
 * too), the phone preview inside the window, and axe with no serious or critical violation.
 */
import type { Page } from "playwright-core";
import { type Browser, describeWithChromium, launchBrowser } from "../support/browser";
import { type E2eSandbox, startE2eSandbox } from "../support/e2e-sandbox";
import { cell, formNotifications, idOf, openForm, recordUrl, seriousAxeViolations, settled } from "./support";

jest.setTimeout(300_000);

const CHICAGO = { latitude: 41.8781, longitude: -87.6298 };
const phones = [
  [320, 640],
  [390, 844],
] as const;

let sandbox: E2eSandbox;
let browser: Browser;
let started: { sandbox?: E2eSandbox; browser?: Browser } = {};

async function workOrderUrl(name: string): Promise<string> {
  return recordUrl(
    sandbox.url,
    "msdyn_workorder",
    await idOf(sandbox.url, "msdyn_workorders", "msdyn_workorderid", `msdyn_name eq '${name}'`),
  );
}

async function warehouseUrl(identifier: string): Promise<string> {
  return recordUrl(
    sandbox.url,
    "msdyn_warehouse",
    await idOf(sandbox.url, "msdyn_warehouses", "msdyn_warehouseid", `msdyn_warehouseidentifier eq '${identifier}'`),
  );
}

/** Heights of the visible elements matching `selector`, with their text, for a readable failure. */
async function heightsOf(page: Page, selector: string): Promise<{ text: string; height: number; width: number }[]> {
  return page.locator(selector).evaluateAll((elements) =>
    elements
      .filter((element) => element instanceof HTMLElement && element.offsetParent !== null)
      .map((element) => {
        const box = element.getBoundingClientRect();
        return {
          text: (element.getAttribute("aria-label") ?? element.textContent).trim(),
          height: Math.round(box.height),
          width: Math.round(box.width),
        };
      }),
  );
}

describeWithChromium("a technician's phone", () => {
  beforeAll(async () => {
    sandbox = await startE2eSandbox();
    started = { sandbox };
    browser = await launchBrowser({ geolocation: CHICAGO });
    started = { sandbox, browser };
  }, 15 * 60_000);

  afterEach(async () => {
    for (const page of started.browser?.context.pages() ?? []) await page.close();
  });

  afterAll(async () => {
    await started.browser?.close();
    await started.sandbox?.close();
  });

  describe.each(phones)("at %i px", (width, height) => {
    it("puts the nearby list first on the work order, with no stray label, names not cut and 44 px tap targets", async () => {
      const page = await browser.newPage({ width, height });
      await openForm(page, await workOrderUrl("WO-1001"));
      await settled(page);
      const sections = await page
        .locator(".form-section")
        .evaluateAll((elements) =>
          elements
            .filter((element) => !(element as HTMLElement).hidden)
            .map((element) => element.getAttribute("data-section")),
        );
      // The nearby list, then the job's details; the raw location columns are not on the phone.
      expect(sections).toEqual(["nearbywarehouses", "details"]);
      const nearby = page.locator('[data-section="nearbywarehouses"]');
      expect(await nearby.locator(".field-label").evaluate((label) => getComputedStyle(label).position)).toBe(
        "absolute",
      );
      // The label stays as the list's accessible name, visually hidden (a 1 px clip), never shown.
      const label = await nearby.locator(".field-label", { hasText: "Latitude" }).boundingBox();
      expect(label === null || (label.width <= 1 && label.height <= 1)).toBe(true);
      const rowsList = nearby.getByRole("listitem");
      await rowsList.first().waitFor();
      // Every visible warehouse name is shown whole (wrapped, not clipped).
      const clipped = await nearby
        .locator("button span span")
        .evaluateAll((spans) =>
          spans
            .filter((span) => span.scrollHeight > span.clientHeight + 1 || span.scrollWidth > span.clientWidth + 1)
            .map((span) => span.textContent),
        );
      expect(clipped).toEqual([]);
      // Tap targets: the command bar and every Directions link at least 44 px high.
      const small = [
        ...(await heightsOf(page, ".command-bar button")),
        ...(await heightsOf(page, '[data-section="nearbywarehouses"] a')),
      ].filter((target) => target.height < 44);
      expect(small).toEqual([]);
      // No quarantine or transit warehouse in the list by default.
      const names = await rowsList.locator("button").allTextContents();
      expect(names.filter((name) => /quarantine|transit/i.test(name))).toEqual([]);
      await browser.screenshot(page, `phone-${width}-work-order`);
    });

    it("shows the work order list with no clipped column and nothing scrolled sideways", async () => {
      const page = await browser.newPage({ width, height });
      await page.goto(`${sandbox.url}/main.aspx?pagetype=entitylist&etn=msdyn_workorder`);
      await page.locator(".grid tbody tr").first().waitFor();
      await settled(page);
      const scroller = page.locator(".grid-scroll");
      expect(await scroller.evaluate((element) => element.scrollWidth <= element.clientWidth + 1)).toBe(true);
      const clipped = await page.locator(".grid tbody th, .grid tbody td").evaluateAll((cells) =>
        cells
          .filter((cell) => cell instanceof HTMLElement && cell.offsetParent !== null)
          .filter(
            (cell) => cell.scrollWidth > cell.clientWidth + 1 || cell.getBoundingClientRect().right > window.innerWidth,
          )
          .map((cell) => cell.textContent),
      );
      expect(clipped).toEqual([]);
      // Each value says which column it is.
      const first = page.locator(".grid tbody tr").first().locator("td:not([data-empty])").first();
      expect(await first.evaluate((cell) => getComputedStyle(cell, "::before").content)).not.toBe("none");
      await browser.screenshot(page, `phone-${width}-work-order-list`);
    });

    it("folds the last commands into a '…' menu that fits the bar", async () => {
      const page = await browser.newPage({ width, height });
      await openForm(page, await warehouseUrl("1001"));
      const bar = page.getByRole("toolbar", { name: "Commands" });
      expect(await bar.evaluate((element) => element.scrollWidth <= element.clientWidth + 1)).toBe(true);
      expect(await bar.getByRole("button", { name: "Save & Close" }).isVisible()).toBe(false);
      const more = bar.getByRole("button", { name: "More commands" });
      await more.click();
      expect(await more.getAttribute("aria-expanded")).toBe("true");
      const items = page.getByRole("menu", { name: "More commands" }).getByRole("menuitem");
      expect(await items.allTextContents()).toEqual(["Save & Close", "Save & New", "Refresh"]);
      expect((await heightsOf(page, '[role="menuitem"]')).every((item) => item.height >= 44)).toBe(true);
      await page.keyboard.press("Escape");
      expect(await more.getAttribute("aria-expanded")).toBe("false");
    });

    it("keeps a rejected number with its error, and asks before Refresh or Back drops unsaved changes", async () => {
      const page = await browser.newPage({ width, height });
      const address = await warehouseUrl("1002");
      await openForm(page, address);
      const latitude = page.getByLabel("Latitude", { exact: true });
      await latitude.fill("abc");
      await latitude.press("Tab");
      expect(await latitude.inputValue()).toBe("abc");
      expect(await cell(page, "msdyn_primaryaddresslatitude").getByText("Enter a number.").isVisible()).toBe(true);

      const name = page.getByLabel("Name", { exact: true });
      const before = await name.inputValue();
      await name.fill(`${before} (edited)`);
      await name.press("Tab");
      await page.getByRole("button", { name: "More commands" }).click();
      await page.getByRole("menuitem", { name: "Refresh" }).click();
      const dialog = page.getByRole("dialog", { name: "Unsaved changes" });
      await dialog.waitFor();
      await dialog.getByRole("button", { name: "Cancel" }).click();
      expect(await name.inputValue()).toBe(`${before} (edited)`);

      await page.getByRole("button", { name: "← Back" }).click();
      await dialog.waitFor();
      await dialog.getByRole("button", { name: "Discard changes" }).click();
      await page.waitForURL(/pagetype=entitylist/);
      await openForm(page, address);
      expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe(before);
    });

    it("names the fields to fill in when a save is blocked, not the on-hand panel", async () => {
      const page = await browser.newPage({ width, height });
      await openForm(page, recordUrl(sandbox.url, "msdyn_warehouse"));
      await page.getByRole("button", { name: "Save", exact: true }).click();
      const banner = formNotifications(page).filter({ hasText: "Fill in the required fields" });
      await banner.waitFor();
      const text = (await banner.textContent()) ?? "";
      expect(text).toContain("Warehouse Identifier");
      expect(text).not.toContain("Items on hand");
      await browser.screenshot(page, `phone-${width}-blocked-save`);
    });

    it("says what the Offline switch does, also after a reload", async () => {
      const page = await browser.newPage({ width, height });
      await page.goto(`${sandbox.url}/`);
      await page.getByLabel("Offline").check();
      const banner = page.getByRole("note");
      expect(await banner.textContent()).toContain("Saves are kept on this device");
      await page.reload();
      expect(await page.getByRole("note").isVisible()).toBe(true);
      expect(await page.getByLabel("Offline").isChecked()).toBe(true);
    });

    it("SCM admin: the list follows its filter at once, Edit looks like a button, values wrap, bad rules JSON is an error", async () => {
      const page = await browser.newPage({ width, height });
      await page.goto(`${sandbox.url}/scm-admin`);
      await settled(page);
      const keys = page.locator(".grid tbody tr td:first-of-type"); // WarehouseId (dataAreaId is the row header)
      await page.getByLabel("Entity").selectOption("Warehouses");
      await page.getByLabel("Company").selectOption("usmf");
      await settled(page);
      await keys.first().waitFor();
      expect((await keys.allTextContents()).length).toBeGreaterThan(1);
      await page.getByLabel("Key starts with").fill("1002");
      // Straight after typing, before any answer: no row the filter leaves out is left to click.
      expect((await keys.allTextContents()).filter((key) => !key.startsWith("1002"))).toEqual([]);
      await settled(page);
      await keys.first().waitFor();
      expect(await keys.allTextContents()).toEqual(["1002"]);
      const edit = page.getByRole("button", { name: "Edit Warehouses(dataAreaId='usmf',WarehouseId='1002')" });
      expect(await edit.evaluate((button) => getComputedStyle(button).borderTopWidth)).toBe("1px");
      expect(
        await page
          .locator(".grid td")
          .first()
          .evaluate((td) => getComputedStyle(td).whiteSpace),
      ).toBe("normal");
      const rules = page.getByLabel("Rules (JSON)");
      await rules.fill("{ not json");
      await page.getByRole("button", { name: "Save rules" }).click();
      const alert = page.getByRole("alert").filter({ hasText: "The rules are not valid JSON" });
      await alert.waitFor();
      expect(await alert.evaluate((element) => getComputedStyle(element).color)).toBe("rgb(177, 14, 28)");
      expect(await rules.getAttribute("aria-invalid")).toBe("true");
    });

    it.each([
      ["work order", () => workOrderUrl("WO-1001")],
      ["warehouse", () => warehouseUrl("1001")],
      ["work order list", () => Promise.resolve(`${sandbox.url}/main.aspx?pagetype=entitylist&etn=msdyn_workorder`)],
      ["home", () => Promise.resolve(`${sandbox.url}/`)],
      ["SCM admin", () => Promise.resolve(`${sandbox.url}/scm-admin`)],
    ] as const)("axe: no serious or critical violation on the %s page", async (name, address) => {
      const page = await browser.newPage({ width, height });
      const target = await address();
      await page.goto(target);
      if (target.includes("pagetype=entityrecord")) await page.locator('[data-form-state="ready"]').waitFor();
      await settled(page);
      const violations = await seriousAxeViolations(page);
      await browser.screenshot(page, `phone-${width}-axe-${name.replace(/\W+/g, "-")}`);
      expect(
        violations.map(
          (violation) =>
            `${violation.impact ?? ""} ${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(" ")).join(", ")})`,
        ),
      ).toEqual([]);
    });
  });

  it("fits the phone preview's frame inside the window", async () => {
    const page = await browser.newPage({ width: 1280, height: 720 });
    const src = new URL(await workOrderUrl("WO-1001")).search.replace(/^/, "/main.aspx");
    await page.goto(`${sandbox.url}/phone-preview?src=${encodeURIComponent(src)}`);
    const frame = await page.locator(".phone-frame").boundingBox();
    expect(frame).not.toBeNull();
    expect((frame?.y ?? 0) + (frame?.height ?? 0)).toBeLessThanOrEqual(720);
  });
});
