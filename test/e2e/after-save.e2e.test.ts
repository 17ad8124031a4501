/**
 * What a save leaves on a phone, in Debian's Chromium:
 * - at 390 px, a new warehouse's SCM side arrives after the save (the sync status from an
 *   asynchronous step, the type SCM fills in with SCM's data event, held here until the test lets
 *   it go): the SCM panel never says Unknown / Never meanwhile, and the status and the type show
 *   without a reload (the form scripts re-read the row and refresh the form's data);
 * - at 320 px, saves made offline stay on the device (a badge counts them, the banner says so after
 *   a reload) and upload when the Offline switch goes off; one SCM refuses stays listed with SCM's
 *   reason until discarded.
 * axe finds no serious or critical issue on either page.
 */
import type { Page } from "playwright-core";
import { type Browser, describeWithChromium, launchBrowser } from "../support/browser";
import { type E2eSandbox, startE2eSandbox } from "../support/e2e-sandbox";
import {
  chooseLookup,
  formNotifications,
  openForm,
  recordUrl,
  rows,
  scm,
  seriousAxeViolations,
  settled,
  signInThroughForm,
} from "./support";

jest.setTimeout(300_000);

let sandbox: E2eSandbox;
let browser: Browser;
/** A tab open for the whole suite: MSAL's cache key is a session cookie. */
let keeper: Page | undefined;
let started: { sandbox?: E2eSandbox; browser?: Browser } = {};

/** A new warehouse of company usmf at the Midwest site, its type left to SCM. */
async function fillNewWarehouse(
  page: Page,
  identifier: string,
  description: string,
  site = "Midwest · ",
): Promise<void> {
  // Microsoft's naming (the warehouses map's default): Name holds SCM's id, Description the name.
  await page.getByLabel("Name", { exact: true }).fill(identifier);
  await page.getByLabel("Description", { exact: true }).fill(description);
  await page.getByLabel("Warehouse Identifier", { exact: true }).fill(identifier);
  await chooseLookup(page, "Operational Site", site);
  // A lookup shows the primary name, SCM's id under Microsoft's naming: 1990 is Midwest Transit.
  await chooseLookup(page, "Transit Warehouse", "1990 · ");
}

function panel(page: Page) {
  return page.locator('[data-pcf-control$="ScmIntegrationPanel"]');
}

/** The text of the panel's value for a term ("Sync status", "Last synced"). */
async function panelValue(page: Page, term: string): Promise<string> {
  return (
    (await panel(page).locator("dt", { hasText: term }).locator("xpath=following-sibling::dd[1]").textContent()) ?? ""
  );
}

/** Every text the panel's sync status and last-sync values take from now on. */
async function recordPanelStates(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    const record = (): void => {
      const values = [...document.querySelectorAll('[data-pcf-control$="ScmIntegrationPanel"] dd')].map(
        (dd) => dd.textContent,
      );
      const state = values.join(" | ");
      if (seen.at(-1) !== state) seen.push(state);
    };
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
    record();
    Object.assign(window, { panelStates: seen, loadedOnce: true });
  });
}

async function setEventHold(hold: boolean): Promise<void> {
  const reply = await scm(sandbox.url, "PUT", "admin/event-delivery", { hold });
  expect(reply.status).toBe(200);
}

describeWithChromium("after a save, on a phone", () => {
  beforeAll(async () => {
    sandbox = await startE2eSandbox();
    started = { sandbox };
    browser = await launchBrowser({ trustedSpki: [sandbox.entra.tlsCertificate.spkiSha256] });
    started = { sandbox, browser };
    keeper = await browser.newPage();
    await signInThroughForm(await browser.newPage(), sandbox.url);
  }, 15 * 60_000);

  afterEach(async () => {
    await setEventHold(false);
    for (const page of started.browser?.context.pages() ?? []) if (page !== keeper) await page.close();
  });

  afterAll(async () => {
    await started.browser?.close();
    await started.sandbox?.close();
  });

  it("at 390 px shows a new warehouse's SCM status and type once they arrive, with no reload and never Unknown", async () => {
    const page = await browser.newPage({ width: 390, height: 844 });
    await openForm(page, recordUrl(sandbox.url, "msdyn_warehouse"));
    await settled(page);
    await fillNewWarehouse(page, "7801", "E2E after-save 7801");
    expect(await page.getByLabel("Warehouse Type", { exact: true }).inputValue()).toBe("");
    // SCM's data events wait until the test lets them go: the type SCM fills in comes with them.
    await setEventHold(true);
    await recordPanelStates(page);
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.waitForURL(/[?&]id=/);

    // The status lands by itself (the sync-status step runs after the save); the type is still SCM's to send.
    await panel(page).getByText("Synced", { exact: true }).waitFor();
    expect(await page.getByLabel("Warehouse Type", { exact: true }).inputValue()).toBe("");
    const inScm = await scm(sandbox.url, "GET", "data/Warehouses(dataAreaId='usmf',WarehouseId='7801')");
    expect(inScm.json).toMatchObject({ WarehouseType: "Default" });

    await setEventHold(false);
    const type = page.getByLabel("Warehouse Type", { exact: true });
    await page.waitForFunction(() => {
      const select = [...document.querySelectorAll("label")].find(
        (label) => label.textContent === "Warehouse Type",
      )?.control;
      return select instanceof HTMLSelectElement && select.selectedOptions[0]?.textContent === "Default";
    });
    expect(await type.locator("option:checked").textContent()).toBe("Default");
    expect(await panelValue(page, "Sync status")).toBe("Synced");
    expect(await panelValue(page, "Last synced")).not.toBe("Never");
    // Never reloaded, never "Unknown" or "Never": Pending at most, until SCM's side was there.
    const { states, loadedOnce } = await page.evaluate(() => ({
      states: (window as unknown as { panelStates: string[] }).panelStates,
      loadedOnce: (window as unknown as { loadedOnce?: boolean }).loadedOnce,
    }));
    expect(loadedOnce).toBe(true);
    const afterSave = states.slice(states.findIndex((state) => state.includes("Pending") || state.includes("Synced")));
    expect(afterSave.length).toBeGreaterThan(0);
    expect(afterSave.filter((state) => /Unknown|Never/.test(state))).toEqual([]);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await browser.screenshot(page, "phone-390-after-save-synced");
  });

  it("at 320 px keeps saves made offline on the device, says so after a reload, uploads them back online and lists SCM's refusal", async () => {
    const page = await browser.newPage({ width: 320, height: 640 });
    await openForm(page, recordUrl(sandbox.url, "msdyn_warehouse"));
    await settled(page);
    await page.getByLabel("Offline").check();
    await fillNewWarehouse(page, "7802", "E2E offline 7802");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await formNotifications(page).filter({ hasText: "saved on this device" }).first().waitFor();
    const status = page.locator(".uploads-status");
    expect(await status.locator("summary").textContent()).toBe("1 change to upload");
    expect(
      await rows(sandbox.url, "msdyn_warehouses?$select=msdyn_name&$filter=msdyn_warehouseidentifier eq '7802'"),
    ).toEqual([]);

    // A second one SCM will refuse: a site of another company (offline nobody can ask SCM).
    await openForm(page, recordUrl(sandbox.url, "msdyn_warehouse"));
    await settled(page);
    // Opened offline, the form scripts cannot read the default company: the user picks it.
    await chooseLookup(page, "Company", "(usmf)");
    await fillNewWarehouse(page, "7803", "E2E offline 7803", "(demf)");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await formNotifications(page).filter({ hasText: "saved on this device" }).first().waitFor();
    expect(await status.locator("summary").textContent()).toBe("2 changes to upload");

    // After a reload the app still says it is offline and what that means.
    await page.goto(`${sandbox.url}/`);
    await page.reload();
    expect(await page.getByLabel("Offline").isChecked()).toBe(true);
    expect(await page.getByRole("note").textContent()).toContain("Saves are kept on this device");
    expect(await status.locator("summary").textContent()).toBe("2 changes to upload");
    expect(await seriousAxeViolations(page)).toEqual([]);
    await browser.screenshot(page, "phone-320-offline-waiting");

    // Back online: both upload in order; the second is refused, and the list says which and why.
    await page.getByLabel("Offline").uncheck();
    const refusal = status.getByRole("alert");
    await refusal.waitFor();
    // The server-side validate step refuses it; Dataverse reports a failed webhook with its own
    // generic message, the one the mobile app's sync gets too.
    expect(await refusal.textContent()).toMatch(/^7803 \(new\) was not uploaded: The webhook call failed/);
    expect(await status.locator("summary").textContent()).toBe("1 change to upload · 1 not uploaded");
    expect(await status.getByText(/^The server refused it; .* field by field\.$/).isVisible()).toBe(true);
    expect(
      await rows(sandbox.url, "msdyn_warehouses?$select=msdyn_warehouseid&$filter=msdyn_warehouseidentifier eq '7802'"),
    ).toHaveLength(1);
    expect((await scm(sandbox.url, "GET", "data/Warehouses(dataAreaId='usmf',WarehouseId='7802')")).status).toBe(200);
    expect(
      await rows(sandbox.url, "msdyn_warehouses?$select=msdyn_name&$filter=msdyn_warehouseidentifier eq '7803'"),
    ).toEqual([]);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await browser.screenshot(page, "phone-320-offline-refused");

    await status.getByRole("button", { name: "Discard: 7803" }).click();
    expect(await status.isHidden()).toBe(true);
  });
});
