/**
 * A French user (Xrm userSettings.languageId 1036), in Debian's Chromium: the site map, the command
 * bar, the form's tabs, sections and field labels come from the solution's 1036 labels, the SCM
 * Integration panel's badge from its 1036 resx, and the form script's banner in French.
 */
import type { Page } from "playwright-core";
import { type Browser, describeWithChromium, launchBrowser } from "../support/browser";
import { type E2eSandbox, startE2eSandbox } from "../support/e2e-sandbox";
import { formNotifications, idOf, openForm, recordUrl, settled } from "./support";

jest.setTimeout(300_000);

let sandbox: E2eSandbox;
let started: { sandbox?: E2eSandbox; browser?: Browser } = {};

/** Switches the app to French the way a user does: the header's language list (the app reloads). */
async function inFrench(page: Page): Promise<void> {
  await page.goto(sandbox.url);
  await Promise.all([page.waitForEvent("load"), page.locator("#setting-language").selectOption("1036")]);
}

describeWithChromium("the app in French", () => {
  beforeAll(async () => {
    sandbox = await startE2eSandbox();
    started = { sandbox };
    const browser = await launchBrowser({ trustedSpki: [sandbox.entra.tlsCertificate.spkiSha256] });
    started = { sandbox, browser };
  }, 15 * 60_000);

  afterAll(async () => {
    await started.browser?.close();
    await started.sandbox?.close();
  });

  it("shows navigation, commands, labels, sections, the panel's badge and the form script's banner in French", async () => {
    const browser = started.browser;
    if (browser === undefined) throw new Error("no browser");
    const page = await browser.newPage({ width: 1280, height: 900 });
    await inFrench(page);
    const siteMap = page.getByRole("navigation", { name: "Plan de site" });
    expect(await siteMap.getByRole("link").allTextContents()).toEqual(
      expect.arrayContaining(["Accueil", "Ordres de travail", "Entrepôts", "Administration SCM"]),
    );

    const id = await idOf(sandbox.url, "msdyn_warehouses", "msdyn_warehouseid", "msdyn_warehouseidentifier eq '1001'");
    await openForm(page, recordUrl(sandbox.url, "msdyn_warehouse", id));
    await settled(page);
    const bar = page.getByRole("toolbar", { name: "Commandes" });
    expect(await bar.getByRole("button", { name: "Enregistrer", exact: true }).isVisible()).toBe(true);
    expect(await bar.getByRole("button", { name: "Enregistrer et fermer" }).count()).toBe(1);
    expect(await page.getByRole("tab").first().textContent()).toBe("Général");
    expect(await page.locator(".section-title").allTextContents()).toEqual(expect.arrayContaining(["En stock"]));
    for (const label of ["Nom", "Description", "Identificateur d'entrepôt", "Type d'entrepôt", "Entrepôt de transit"]) {
      expect(await page.getByLabel(label, { exact: true }).count()).toBeGreaterThan(0);
    }
    const panel = page.locator('[data-pcf-control$="ScmIntegrationPanel"]');
    await panel.getByText("Synchronisé", { exact: true }).waitFor();

    // A change needs SCM's check; with no Entra session yet the form script asks to sign in, in French.
    // The warehouse's name is its Description (Microsoft's naming: Nom holds SCM's warehouse id).
    await page.getByLabel("Description", { exact: true }).fill("Entrepôt principal de Chicago et de toute sa région");
    await bar.getByRole("button", { name: "Enregistrer", exact: true }).click();
    await page.getByRole("button", { name: "Se connecter", exact: true }).waitFor();
    expect(await formNotifications(page).allInnerTexts()).toEqual(
      expect.arrayContaining([expect.stringContaining("Pas encore enregistré : connectez-vous")]),
    );
    await browser.screenshot(page, "french-warehouse", { fullPage: true });

    // The app's own messages too: a rejected number, a blocked save, the unsaved-changes dialog.
    const latitude = page.getByLabel("Latitude", { exact: true });
    await latitude.fill("abc");
    await latitude.press("Tab");
    expect(await page.getByText("Entrez un nombre.", { exact: true }).count()).toBeGreaterThan(0);
    await latitude.fill("41.8");
    await page.getByLabel("Nom", { exact: true }).fill("");
    await bar.getByRole("button", { name: "Enregistrer", exact: true }).click();
    await formNotifications(page).filter({ hasText: "Renseignez les champs obligatoires" }).first().waitFor();
    await page.getByRole("button", { name: "← Précédent" }).click();
    const dialog = page.getByRole("dialog", { name: "Modifications non enregistrées" });
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Ignorer les modifications" }).click();
    await page.waitForURL(/pagetype=entitylist/);
  });
});
