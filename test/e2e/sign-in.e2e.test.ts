/**
 * Sign-in end to end, in Debian's Chromium: the form scripts get the validation API's token from the
 * sandbox's Entra ID through MSAL.js, unchanged (the built `fsi_/scripts/sign-in.js` and the
 * redirect page from the solution zip). A browser with no Entra session is asked to sign in: the
 * Sign in button opens MSAL's popup, the user signs in there, and the save goes on to SCM's per-field
 * errors. Another tab of that browser signs in silently, from MSAL's cache.
 * The mobile app, which cannot open the popup, saves and leaves the check to the server.
 */
import type { Page, Request } from "playwright-core";
import { decodeJwt } from "jose";
import { type Browser, describeWithChromium, launchBrowser } from "../support/browser";
import { type E2eSandbox, startE2eSandbox } from "../support/e2e-sandbox";
import {
  chooseLookup,
  fieldMessages,
  fillWarehouseWithForeignSite,
  formNotifications,
  openForm,
  recordUrl,
  rows,
  scm,
} from "./support";

jest.setTimeout(300_000);

let sandbox: E2eSandbox;
let started: { sandbox?: E2eSandbox; browsers: Browser[] } = { browsers: [] };

async function freshBrowser(): Promise<Browser> {
  const browser = await launchBrowser({ trustedSpki: [sandbox.entra.tlsCertificate.spkiSha256] });
  started.browsers.push(browser);
  return browser;
}

/** The bearer tokens the page sent to the validation API. */
function validationTokens(page: Page): string[] {
  const tokens: string[] = [];
  page.on("request", (request: Request) => {
    if (!request.url().endsWith("/plugins/validate") || request.method() !== "POST") return;
    const authorization = request.headers().authorization;
    if (authorization !== undefined) tokens.push(authorization.replace(/^Bearer /, ""));
  });
  return tokens;
}

async function nothingWritten(identifier: string): Promise<void> {
  expect(
    await rows(sandbox.url, `msdyn_warehouses?$select=msdyn_name&$filter=msdyn_warehouseidentifier eq '${identifier}'`),
  ).toEqual([]);
  expect((await scm(sandbox.url, "GET", `data/Warehouses(dataAreaId='usmf',WarehouseId='${identifier}')`)).status).toBe(
    404,
  );
}

describeWithChromium("signing in to Microsoft Entra ID from the form scripts (MSAL.js)", () => {
  beforeAll(async () => {
    sandbox = await startE2eSandbox();
    started = { sandbox, browsers: [] };
  }, 15 * 60_000);

  afterAll(async () => {
    for (const browser of started.browsers) await browser.close();
    await started.sandbox?.close();
  });

  it("asks a user with no Entra session to sign in, opens MSAL's popup from the Sign in button, then shows SCM's errors; a new tab then signs in silently", async () => {
    const browser = await freshBrowser();
    const page = await browser.newPage();
    const tokens = validationTokens(page);
    await openForm(page, recordUrl(sandbox.url, "msdyn_warehouse"));
    await fillWarehouseWithForeignSite(page, "7401");
    await page.getByRole("button", { name: "Save", exact: true }).click();

    // Silent sign-in failed (no session at the tenant): nothing was sent, the user is asked.
    const signIn = page.getByRole("button", { name: "Sign in", exact: true });
    await signIn.waitFor();
    expect(await formNotifications(page).allInnerTexts()).toEqual(
      expect.arrayContaining([expect.stringContaining("sign in so this warehouse can be checked")]),
    );
    await browser.screenshot(page, "sign-in-1-asked", { fullPage: true });
    expect(tokens).toEqual([]);
    await nothingWritten("7401");

    const [popup] = await Promise.all([page.waitForEvent("popup"), signIn.click()]);
    await popup.getByRole("button", { name: /^Sign in as Sandbox Technician/ }).waitFor();
    expect(new URL(popup.url()).origin).toBe(new URL(sandbox.entra.authority).origin);
    await browser.screenshot(popup, "sign-in-2-popup");
    await Promise.all([
      popup.waitForEvent("close"),
      popup.getByRole("button", { name: /^Sign in as Sandbox Technician/ }).click(),
    ]);

    // Signed in: the save goes on by itself and SCM's error lands on the site field.
    await fieldMessages(page, "msdyn_operationalsite").first().waitFor();
    expect(await fieldMessages(page, "msdyn_operationalsite").allInnerTexts()).toEqual([
      expect.stringMatching(/not found in OperationalSites.*'usmf'/),
    ]);
    await browser.screenshot(page, "sign-in-3-errors-after-popup", { fullPage: true });
    await nothingWritten("7401");
    expect(tokens.length).toBeGreaterThan(0);
    const claims = decodeJwt(tokens[tokens.length - 1] ?? "");
    expect(claims).toMatchObject({
      iss: sandbox.entra.issuer,
      aud: sandbox.entra.directory.api.clientId,
      tid: sandbox.entra.directory.tenantId,
      scp: "Validate.Records",
      preferred_username: "technician@sandbox.local",
      ver: "2.0",
    });

    // Another tab: MSAL's cache (encrypted localStorage, its key in a session cookie): silent, no popup.
    const second = await browser.newPage();
    const secondTokens = validationTokens(second);
    let popups = 0;
    second.on("popup", () => {
      popups += 1;
    });
    await openForm(second, recordUrl(sandbox.url, "msdyn_warehouse"));
    await fillWarehouseWithForeignSite(second, "7402");
    await second.getByRole("button", { name: "Save", exact: true }).click();
    await fieldMessages(second, "msdyn_operationalsite").first().waitFor();
    expect(popups).toBe(0);
    expect(await second.getByRole("button", { name: "Sign in", exact: true }).count()).toBe(0);
    expect(secondTokens.length).toBeGreaterThan(0);

    await chooseLookup(second, "Operational Site", "Midwest · ");
    await second.getByRole("button", { name: "Save", exact: true }).click();
    await second.waitForURL(/[?&]id=/);
    const [saved] = await rows(
      sandbox.url,
      "msdyn_warehouses?$select=msdyn_name,msdyn_description&$filter=msdyn_warehouseidentifier eq '7402'",
    );
    expect(saved).toMatchObject({ msdyn_name: "7402", msdyn_description: "E2E sign-in 7402" });
  });

  it("in the mobile app, which cannot open the sign-in window, says so and leaves the check to the server-side step", async () => {
    const browser = await freshBrowser();
    const phone = await browser.newPage({ width: 390, height: 844 });
    await openForm(phone, recordUrl(sandbox.url, "msdyn_warehouse"));
    await fillWarehouseWithForeignSite(phone, "7403");
    await phone.getByRole("button", { name: "Save", exact: true }).click();

    await formNotifications(phone).filter({ hasText: "can't show the sign-in window" }).first().waitFor();
    // The server-side validate step refused the save with SCM's rules: nothing written anywhere.
    await formNotifications(phone).filter({ hasText: "The record was not saved" }).first().waitFor();
    await browser.screenshot(phone, "sign-in-4-mobile-server-check", { fullPage: true });
    expect(await phone.getByRole("button", { name: "Sign in", exact: true }).count()).toBe(0);
    await nothingWritten("7403");
  });
});
