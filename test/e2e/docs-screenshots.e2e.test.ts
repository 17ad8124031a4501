/**
 * The pictures in docs/ (README, controls/README), taken from the running sandbox in Debian's
 * Chromium, each scene checked before it is taken (no stray "Latitude" label over the nearby list,
 * the French form in French) and axe-clean (no serious or critical issue).
 *
 * Every run writes them to test-results/screenshots/docs/; `npm run docs:screenshots` writes them
 * over docs/ (FSI_WRITE_DOCS=1).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { type Browser, describeWithChromium, launchBrowser, screenshotFolder } from "../support/browser";
import { type E2eSandbox, startE2eSandbox } from "../support/e2e-sandbox";
import {
  fieldMessages,
  fillWarehouseWithForeignSite,
  idOf,
  openForm,
  recordUrl,
  seriousAxeViolations,
  settled,
  signInThroughForm,
} from "./support";

jest.setTimeout(300_000);

const CHICAGO = { latitude: 41.8781, longitude: -87.6298 };
const folder =
  process.env.FSI_WRITE_DOCS === "1" ? join(__dirname, "..", "..", "docs") : join(screenshotFolder, "docs");

let sandbox: E2eSandbox;
let browser: Browser;
let keeper: Page | undefined;
let started: { sandbox?: E2eSandbox; browser?: Browser } = {};

/**
 * Writes `docs/<name>.png` (or its test-results copy) of the window, the whole page or one element,
 * once axe is clean.
 */
async function picture(page: Page, name: string, target?: Locator | "full page"): Promise<void> {
  expect(await seriousAxeViolations(page)).toEqual([]);
  mkdirSync(folder, { recursive: true });
  const path = join(folder, `${name}.png`);
  if (target === undefined || target === "full page") await page.screenshot({ path, fullPage: target !== undefined });
  else await target.screenshot({ path });
}

async function warehouseUrl(identifier: string): Promise<string> {
  return recordUrl(
    sandbox.url,
    "msdyn_warehouse",
    await idOf(sandbox.url, "msdyn_warehouses", "msdyn_warehouseid", `msdyn_warehouseidentifier eq '${identifier}'`),
  );
}

describeWithChromium("the pictures in docs/", () => {
  beforeAll(async () => {
    sandbox = await startE2eSandbox();
    started = { sandbox };
    browser = await launchBrowser({ geolocation: CHICAGO, trustedSpki: [sandbox.entra.tlsCertificate.spkiSha256] });
    started = { sandbox, browser };
    keeper = await browser.newPage();
    await signInThroughForm(await browser.newPage(), sandbox.url);
  }, 15 * 60_000);

  afterEach(async () => {
    for (const page of started.browser?.context.pages() ?? []) if (page !== keeper) await page.close();
  });

  afterAll(async () => {
    await started.browser?.close();
    await started.sandbox?.close();
  });

  it("a technician's phone at 390 px: the nearby list first, with no stray label", async () => {
    const page = await browser.newPage({ width: 390, height: 844 });
    const workOrder = await idOf(sandbox.url, "msdyn_workorders", "msdyn_workorderid", "msdyn_name eq 'WO-1001'");
    await openForm(page, recordUrl(sandbox.url, "msdyn_workorder", workOrder));
    await settled(page);
    const nearby = page.locator('[data-section="nearbywarehouses"]');
    await nearby.getByRole("listitem").first().waitFor();
    // The cell's label stays only as the list's accessible name: clipped to 1 px, never seen.
    const label = await nearby.locator(".field-label", { hasText: "Latitude" }).boundingBox();
    expect(label === null || (label.width <= 1 && label.height <= 1)).toBe(true);
    await picture(page, "sandbox-phone-nearby-warehouses");
  });

  it("the phone's work order list at 390 px", async () => {
    const page = await browser.newPage({ width: 390, height: 844 });
    await page.goto(`${sandbox.url}/main.aspx?pagetype=entitylist&etn=msdyn_workorder`);
    await page.locator(".grid tbody tr").first().waitFor();
    await settled(page);
    // The nearby list's bound column is no column of the view.
    expect(await page.locator('.grid td[data-label="Latitude"]').count()).toBe(0);
    await picture(page, "sandbox-phone-work-order-list");
  });

  it("a save SCM refuses, on the desktop form", async () => {
    const page = await browser.newPage({ width: 1280, height: 900 });
    await openForm(page, recordUrl(sandbox.url, "msdyn_warehouse"));
    await settled(page);
    await fillWarehouseWithForeignSite(page, "7901");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await fieldMessages(page, "msdyn_operationalsite").first().waitFor();
    await picture(page, "sandbox-blocked-save");
  });

  it("the warehouse form in French", async () => {
    const page = await browser.newPage({ width: 1280, height: 900 });
    await page.goto(sandbox.url);
    await Promise.all([page.waitForEvent("load"), page.locator("#setting-language").selectOption("1036")]);
    await openForm(page, await warehouseUrl("1001"));
    await settled(page);
    await page.locator('[data-pcf-control$="ScmIntegrationPanel"]').getByText("Synchronisé", { exact: true }).waitFor();
    expect(await page.getByRole("tab").first().textContent()).toBe("Général");
    await picture(page, "sandbox-french-warehouse", "full page");
  });

  it("the on-hand panel, on the desktop and at 390 px", async () => {
    for (const [width, height, name] of [
      [1280, 900, "sandbox-warehouse-on-hand"],
      // Tall enough that the panel needs no scrolling, so the sticky command bar stays off it.
      [390, 3200, "sandbox-phone-warehouse-on-hand"],
    ] as const) {
      const page = await browser.newPage({ width, height });
      await openForm(page, await warehouseUrl("1001"));
      await settled(page);
      const onHand = page.locator('[data-section="onhand"]');
      // A table on the desktop, a list of cards on a phone.
      await onHand.locator("tbody tr, li").first().waitFor();
      await picture(page, name, onHand);
      await page.close();
    }
  });
});
