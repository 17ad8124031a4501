/**
 * The sandbox end to end, in Debian's Chromium: the solution zip's forms, form scripts and code
 * components running in the form host against the Dataverse and SCM emulators and the plug-in
 * host — six scenarios. One sandbox for the suite (built if stale, state in memory);
 * every scenario saves screenshots to test-results/screenshots/.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page, Request } from "playwright-core";
import { type Browser, describeWithChromium, launchBrowser, screenshotFolder } from "../support/browser";
import { type E2eSandbox, startE2eSandbox } from "../support/e2e-sandbox";
import { BROWSER_TOKEN, SANDBOX_TECHNICIAN_USER } from "@fsi/sandbox/start/identities";
import {
  chooseLookup,
  signInThroughForm,
  settled,
  distanceOf,
  fieldMessages,
  formNotifications,
  idOf,
  openForm,
  recordUrl,
  rows,
  scm,
  seriousAxeViolations,
  webApi,
} from "./support";

jest.setTimeout(300_000);

/** Downtown Chicago (the Loop), where the phone is. */
const CHICAGO = { latitude: 41.8781, longitude: -87.6298 };

let sandbox: E2eSandbox;
let browser: Browser;
/** A blank tab open for the whole suite: closing every window would end the browser session. */
let keeper: Page | undefined;
/** Set once started, so a failed start still closes what it opened. */
let started: { sandbox?: E2eSandbox; browser?: Browser } = {};

describeWithChromium("the sandbox in Chromium", () => {
  beforeAll(async () => {
    sandbox = await startE2eSandbox();
    started = { sandbox };
    browser = await launchBrowser({ geolocation: CHICAGO, trustedSpki: [sandbox.entra.tlsCertificate.spkiSha256] });
    started = { sandbox, browser };
    // Signed in once through MSAL's popup; every scenario's tab then signs in silently from MSAL's
    // cache, whose key is a session cookie: one tab stays open so the browser session goes on.
    keeper = await browser.newPage();
    await signInThroughForm(await browser.newPage(), sandbox.url);
  }, 15 * 60_000);

  afterEach(async () => {
    // Each scenario's tabs go away with it, so the next one has the machine to itself.
    for (const page of started.browser?.context.pages() ?? []) if (page !== keeper) await page.close();
  });

  afterAll(async () => {
    await started.browser?.close();
    await started.sandbox?.close();
  });

  it("1. shows SCM's error on the site field for a site of another company and writes nothing; fixed, saves in Dataverse and SCM", async () => {
    const { url } = sandbox;
    const page = await browser.newPage();
    await openForm(page, recordUrl(url, "msdyn_warehouse"));
    await expectFieldValue(page, "Company", "Contoso USA (usmf)");
    // Microsoft's naming (the warehouses map's default): Name holds SCM's warehouse id, Description the name.
    await page.getByLabel("Name", { exact: true }).fill("7301");
    await page.getByLabel("Description", { exact: true }).fill("E2E Chicago South");
    await page.getByLabel("Warehouse Identifier", { exact: true }).fill("7301");
    await page.getByLabel("Warehouse Type", { exact: true }).selectOption({ label: "Default" });
    await chooseLookup(page, "Operational Site", "(demf)");
    // A lookup shows the primary name, SCM's id under Microsoft's naming: 1990 is Midwest Transit.
    await chooseLookup(page, "Transit Warehouse", "1990 · ");
    await page.getByRole("button", { name: "Save", exact: true }).click();

    await fieldMessages(page, "msdyn_operationalsite").first().waitFor();
    expect(await fieldMessages(page, "msdyn_operationalsite").allInnerTexts()).toEqual([
      expect.stringMatching(/not found in OperationalSites.*'usmf'/),
    ]);
    expect(await formNotifications(page).first().innerText()).toContain("Operational Site");
    await browser.screenshot(page, "1-blocked-save", { fullPage: true });
    expect(page.url()).not.toContain("id=");
    expect(await rows(url, "msdyn_warehouses?$select=msdyn_name&$filter=msdyn_warehouseidentifier eq '7301'")).toEqual(
      [],
    );
    expect((await scm(url, "GET", "data/Warehouses(dataAreaId='usmf',WarehouseId='7301')")).status).toBe(404);

    const usmfSite = await chooseLookup(page, "Operational Site", "Midwest · ");
    expect(await fieldMessages(page, "msdyn_operationalsite").count()).toBe(0);
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.waitForURL(/[?&]id=/);
    await browser.screenshot(page, "1-saved", { fullPage: true });

    const [saved] = await rows(
      url,
      "msdyn_warehouses?$select=msdyn_name,msdyn_description,_msdyn_operationalsite_value&$filter=msdyn_warehouseidentifier eq '7301'",
    );
    expect(saved).toMatchObject({
      msdyn_name: "7301",
      msdyn_description: "E2E Chicago South",
      _msdyn_operationalsite_value: usmfSite,
    });
    const inScm = await scm(url, "GET", "data/Warehouses(dataAreaId='usmf',WarehouseId='7301')");
    expect(inScm.json).toMatchObject({
      WarehouseName: "E2E Chicago South",
      OperationalSiteId: "1",
      WarehouseType: "Default",
    });
  });

  it("2. enforces an SCM rule changed at run time on the admin page, with no code change (async save handlers off)", async () => {
    const { url } = sandbox;
    const original = (await scm(url, "GET", "admin/rules")).json;
    const id = await idOf(url, "msdyn_warehouses", "msdyn_warehouseid", "msdyn_warehouseidentifier eq '1003'");
    const form = await browser.newPage();
    try {
      await openForm(form, recordUrl(url, "msdyn_warehouse", id));
      await form.getByRole("switch", { name: "Async save handlers" }).uncheck();
      await renameAndSave(form, "Chicago DC 03 North");
      await eventually(() => nameInBothSystems(url, "1003"), ["Chicago DC 03 North", "Chicago DC 03 North"]);

      const admin = await browser.newPage();
      await admin.goto(`${url}/scm-admin`);
      const editor = admin.getByLabel("Rules (JSON)");
      await admin.waitForFunction(
        () => (document.getElementById("scm-rules") as HTMLTextAreaElement | null)?.value.includes("usmf") === true,
      );
      const rules = JSON.parse(await editor.inputValue()) as { companies: Record<string, Record<string, unknown[]>> };
      rules.companies.usmf = {
        ...rules.companies.usmf,
        Warehouses: [
          ...(rules.companies.usmf?.Warehouses ?? []),
          { rule: "maxLength", field: "WarehouseName", max: 15 },
        ],
      };
      await editor.fill(JSON.stringify(rules, null, 2));
      await admin.getByRole("button", { name: "Save rules" }).click();
      await admin.getByText("Rules saved.").waitFor();
      await browser.screenshot(admin, "2-rule-changed");

      await renameAndSave(form, "Chicago DC 03 South");
      await fieldMessages(form, "msdyn_description").first().waitFor();
      expect(await fieldMessages(form, "msdyn_description").allInnerTexts()).toEqual([expect.stringContaining("15")]);
      await browser.screenshot(form, "2-rule-enforced", { fullPage: true });
      expect(await nameInBothSystems(url, "1003")).toEqual(["Chicago DC 03 North", "Chicago DC 03 North"]);
    } finally {
      await scm(url, "PUT", "admin/rules", original);
    }
  });

  it("3. shows an SCM-side edit of a warehouse on the Field Service form after a refresh, and records the sync latency", async () => {
    const { url } = sandbox;
    const id = await idOf(url, "msdyn_warehouses", "msdyn_warehouseid", "msdyn_warehouseidentifier eq '1002'");
    const form = await browser.newPage();
    await openForm(form, recordUrl(url, "msdyn_warehouse", id));
    expect(await form.getByLabel("Name", { exact: true }).inputValue()).toBe("1002");
    expect(await form.getByLabel("Description", { exact: true }).inputValue()).toBe("Chicago DC 02");

    const admin = await browser.newPage();
    await admin.goto(`${url}/scm-admin`);
    await admin.getByLabel("Entity").selectOption("Warehouses");
    await admin.getByLabel("Company").selectOption("usmf");
    await admin.getByLabel("Key starts with").fill("1002");
    await admin.getByLabel("Key starts with").press("Enter");
    await admin.getByRole("button", { name: "Edit Warehouses(dataAreaId='usmf',WarehouseId='1002')" }).click();
    await admin.getByLabel("WarehouseName", { exact: true }).fill("Chicago DC 02 Annex");
    await admin.getByRole("button", { name: "Save in SCM" }).click();
    const arrived = admin.getByRole("link", { name: "Open it in Field Service" });
    await arrived.waitFor();
    const latencyMs = Number(await arrived.getAttribute("data-sync-latency-ms"));
    await browser.screenshot(admin, "3-scm-edit");
    // Only the edited field went to SCM: the multi-line address kept its line breaks.
    const inScm = await scm(url, "GET", "data/Warehouses(dataAreaId='usmf',WarehouseId='1002')");
    expect(inScm.json.WarehouseName).toBe("Chicago DC 02 Annex");
    expect(inScm.json.FormattedPrimaryAddress).toContain("\n");

    await form.getByRole("toolbar", { name: "Commands" }).getByRole("button", { name: "Refresh" }).click();
    await form.waitForFunction(
      () =>
        document.querySelector<HTMLTextAreaElement>('.cell[data-column="msdyn_description"] textarea')?.value ===
        "Chicago DC 02 Annex",
    );
    await browser.screenshot(form, "3-field-service-after-refresh", { fullPage: true });
    expect(latencyMs).toBeGreaterThan(0);
    mkdirSync(screenshotFolder, { recursive: true });
    writeFileSync(
      join(screenshotFolder, "..", "sync-latency.json"),
      `${JSON.stringify({ scenario: "SCM edit → Field Service", latencyMs }, null, 2)}\n`,
    );
    console.log(`SCM → Field Service sync latency: ${latencyMs} ms`);
  });

  it("4. on a phone in Chicago lists the nearest warehouses first, sets the lookup when one is chosen, and keeps working offline", async () => {
    const { url } = sandbox;
    const workOrderId = await idOf(url, "msdyn_workorders", "msdyn_workorderid", "msdyn_name eq 'WO-1001'");
    const phone = await browser.newPage({ width: 390, height: 844 });
    await openForm(phone, recordUrl(url, "msdyn_workorder", workOrderId));
    const nearby = phone.locator('[data-pcf-control="fsi_FieldServiceScm.NearbyWarehouses"]');
    const rowsOf = (control: typeof nearby) => control.locator("button[aria-label*=', ']");
    await rowsOf(nearby).nth(2).waitFor();
    const labels = await rowsOf(nearby).evaluateAll((buttons) =>
      buttons.map((button) => button.getAttribute("aria-label") ?? ""),
    );
    const distances = labels.map(distanceOf);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    // Each row's title is the warehouse's name: its description, msdyn_name holding SCM's id.
    const nearestName = labels[0]?.split(",")[0] ?? "";
    const [nearest] = await rows(
      url,
      `msdyn_warehouses?$select=msdyn_primaryaddresscity&$filter=msdyn_description eq '${nearestName.replace(/'/g, "''")}'`,
    );
    expect(nearest?.msdyn_primaryaddresscity).toBe("Chicago");
    // The section's top under the command bar: the heading, the summary and the nearest rows.
    await nearby.locator("xpath=ancestor::section[1]").evaluate((section) => {
      window.scrollTo(0, section.getBoundingClientRect().top + window.scrollY - 56);
    });
    await browser.screenshot(phone, "4-phone-nearby-warehouses");

    await openForm(phone, recordUrl(url, "msdyn_workorderproduct"));
    await chooseLookup(phone, "Work Order", "WO-1001");
    await chooseLookup(phone, "Product", "model");
    const picker = phone.locator('[data-pcf-control="fsi_FieldServiceScm.NearbyWarehouses"]');
    await rowsOf(picker).first().waitFor();
    const chosenLabel = (await rowsOf(picker).first().getAttribute("aria-label")) ?? "";
    await rowsOf(picker).first().click();
    await picker.getByText("Selected").waitFor();
    expect(Number(await picker.getAttribute("data-get-outputs-count"))).toBeGreaterThan(0);
    await browser.screenshot(phone, "4-phone-warehouse-chosen");

    await phone.getByRole("button", { name: "Save", exact: true }).click();
    await phone.waitForURL(/[?&]id=/);
    const productId = new URL(phone.url()).searchParams.get("id") ?? "";
    const chosenId = await idOf(
      url,
      "msdyn_warehouses",
      "msdyn_warehouseid",
      `msdyn_description eq '${(chosenLabel.split(",")[0] ?? "").replace(/'/g, "''")}'`,
    );
    const saved = await webApi(url, "GET", `msdyn_workorderproducts(${productId})?$select=_msdyn_warehouse_value`);
    expect(saved.json._msdyn_warehouse_value).toBe(chosenId);

    // Offline: the control says so and keeps its list; a fresh load answers from the offline-safe query.
    await phone.getByRole("switch", { name: "Offline" }).check();
    await picker.getByText("You're offline").waitFor();
    expect(await rowsOf(picker).count()).toBeGreaterThan(0);
    const offlineRequests: Request[] = [];
    phone.on("request", (request) => {
      if (request.url().includes("/api/data/") && request.headers()["x-fsi-client-state"] === "offline")
        offlineRequests.push(request);
    });
    await openForm(phone, recordUrl(url, "msdyn_workorderproduct", productId));
    await rowsOf(picker).first().waitFor();
    await picker.getByText("Selected").waitFor();
    expect(offlineRequests.map((request) => new URL(request.url()).pathname)).toContain(
      "/api/data/v9.2/msdyn_warehouses",
    );
    await browser.screenshot(phone, "4-phone-offline");
  });

  it("5. refuses a Web API create of an invalid warehouse in the validate step, with no form involved", async () => {
    const { url } = sandbox;
    const company = await idOf(url, "cdm_companies", "cdm_companyid", "cdm_companycode eq 'usmf'");
    const site = await idOf(
      url,
      "msdyn_operationalsites",
      "msdyn_operationalsiteid",
      `msdyn_siteid eq '1' and _msdyn_company_value eq ${company}`,
    );
    const created = await webApi(url, "POST", "msdyn_warehouses", {
      msdyn_name: "API-1",
      msdyn_description: "API Warehouse",
      msdyn_warehouseidentifier: "API-1",
      msdyn_warehousetype: 192350000,
      "msdyn_company@odata.bind": `/cdm_companies(${company})`,
      "msdyn_operationalsite@odata.bind": `/msdyn_operationalsites(${site})`,
    });
    // Dataverse reads only the webhook's status: the caller gets the platform's webhook error...
    expect(created.status).toBe(400);
    expect(created.json).toMatchObject({ error: { code: "0x80050201" } });
    // ...and the validate step (PreValidation) is the one that refused, with SCM's field errors.
    const refusal = sandbox.log.find((line) => line.includes('"validate: refused with 422"'));
    expect(refusal).toContain("VALIDATION_FAILED");
    expect(refusal).toContain("msdyn_warehouseidentifier: 'WarehouseId' value 'API-1' does not match");
    expect(await rows(url, "msdyn_warehouses?$select=msdyn_name&$filter=msdyn_warehouseidentifier eq 'API-1'")).toEqual(
      [],
    );
    expect((await scm(url, "GET", "data/Warehouses(dataAreaId='usmf',WarehouseId='API-1')")).status).toBe(404);
  });

  it("7. runs the forms as a technician holding Field Service's roles (stand-in) and FSI Technician only: an admin's call is refused", async () => {
    const asBrowser = (path: string, init: RequestInit = {}) =>
      fetch(`${sandbox.url}/api/data/v9.2/${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${BROWSER_TOKEN}`,
          accept: "application/json",
          "content-type": "application/json",
        },
      });
    const who = (await (await asBrowser("WhoAmI")).json()) as { UserId: string };
    expect(who.UserId).toBe(SANDBOX_TECHNICIAN_USER.id);
    const refused = await asBrowser("environmentvariablevalues", {
      method: "POST",
      body: JSON.stringify({ schemaname: "fsi_NearbyRadiusKm", value: "5" }),
    });
    expect(refused.status).toBe(403);
    const { error } = (await refused.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe("0x80040220");
    expect(error.message).toContain("prvCreateEnvironmentVariableValue");
  });

  describe("6. accessibility (axe-core): no serious or critical violations", () => {
    // Every row has three entries: jest passes a shorter row's missing argument as `done`.
    const desktop = { width: 1280, height: 900 };
    const pages: readonly [string, (url: string) => Promise<string>, { width: number; height: number }][] = [
      ["home", (url) => Promise.resolve(`${url}/`), desktop],
      ["warehouse list", (url) => Promise.resolve(`${url}/main.aspx?pagetype=entitylist&etn=msdyn_warehouse`), desktop],
      ["new warehouse form", (url) => Promise.resolve(recordUrl(url, "msdyn_warehouse")), desktop],
      [
        "warehouse form",
        async (url) =>
          recordUrl(
            url,
            "msdyn_warehouse",
            await idOf(url, "msdyn_warehouses", "msdyn_warehouseid", "msdyn_warehouseidentifier eq '1001'"),
          ),
        desktop,
      ],
      [
        "customer asset form",
        async (url) =>
          recordUrl(
            url,
            "msdyn_customerasset",
            await idOf(
              url,
              "msdyn_customerassets",
              "msdyn_customerassetid",
              "msdyn_maintenanceassetid eq 'US-MA-00001'",
            ),
          ),
        desktop,
      ],
      [
        "asset category form",
        async (url) =>
          recordUrl(
            url,
            "msdyn_customerassetcategory",
            await idOf(url, "msdyn_customerassetcategories", "msdyn_customerassetcategoryid", "msdyn_name ne null"),
          ),
        desktop,
      ],
      [
        "payment term form",
        async (url) =>
          recordUrl(
            url,
            "msdyn_paymentterm",
            await idOf(url, "msdyn_paymentterms", "msdyn_paymenttermid", "msdyn_name ne null"),
          ),
        desktop,
      ],
      [
        "ship via form",
        async (url) =>
          recordUrl(url, "msdyn_shipvia", await idOf(url, "msdyn_shipvias", "msdyn_shipviaid", "msdyn_name ne null")),
        desktop,
      ],
      [
        "work order form",
        async (url) =>
          recordUrl(
            url,
            "msdyn_workorder",
            await idOf(url, "msdyn_workorders", "msdyn_workorderid", "msdyn_name eq 'WO-1002'"),
          ),
        desktop,
      ],
      [
        "work order on a phone",
        async (url) =>
          recordUrl(
            url,
            "msdyn_workorder",
            await idOf(url, "msdyn_workorders", "msdyn_workorderid", "msdyn_name eq 'WO-1002'"),
          ),
        { width: 390, height: 844 },
      ],
      ["SCM admin", (url) => Promise.resolve(`${url}/scm-admin`), desktop],
      [
        "phone preview",
        async (url) =>
          `${url}/phone-preview?src=${encodeURIComponent(new URL(recordUrl(url, "msdyn_workorder", await idOf(url, "msdyn_workorders", "msdyn_workorderid", "msdyn_name eq 'WO-1001'"))).search.replace(/^/, "/main.aspx"))}`,
        desktop,
      ],
    ];
    it.each(pages)("%s", async (name, address, viewport) => {
      const page = await browser.newPage(viewport);
      const target = await address(sandbox.url);
      await page.goto(target);
      if (target.includes("pagetype=entityrecord")) await page.locator('[data-form-state="ready"]').waitFor();
      await settled(page);
      const violations = await seriousAxeViolations(page);
      await browser.screenshot(page, `6-axe-${name.replace(/\W+/g, "-")}`);
      expect(
        violations.map(
          (violation) =>
            `${violation.impact ?? ""} ${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(" ")).join(", ")})`,
        ),
      ).toEqual([]);
      await page.close();
    });
  });

  it("8. the start page says how to trust the sign-in certificate while the browser cannot reach sign-in, and nothing once it can", async () => {
    const metadata = (page: Page) =>
      page.waitForEvent("requestfinished", { predicate: (request) => request.url().endsWith("/openid-configuration") });
    const notice = (page: Page) => page.getByRole("status").filter({ hasText: "self-signed certificate" });

    // This suite's browser trusts the stand-in's certificate, as a user's does after accepting it once.
    const trusted = await browser.newPage();
    const checked = metadata(trusted);
    await trusted.goto(`${sandbox.url}/`);
    await checked;
    await expect(notice(trusted).isVisible()).resolves.toBe(false);

    // A new browser does not: the notice names where to accept the certificate.
    const newcomer = await launchBrowser();
    try {
      const page = await newcomer.newPage();
      await page.goto(`${sandbox.url}/`);
      await notice(page).waitFor({ state: "visible" });
      const origin = `${new URL(sandbox.entra.authority).origin}/`;
      await expect(notice(page).getByRole("link").getAttribute("href")).resolves.toBe(origin);
    } finally {
      await newcomer.close();
    }
  });
});

async function expectFieldValue(page: Page, label: string, text: string): Promise<void> {
  await page.waitForFunction(
    ({ label: wanted, text: expected }) => {
      const labelElement = [...document.querySelectorAll("label")].find(
        (candidate) => candidate.textContent === wanted,
      );
      const field = labelElement === undefined ? null : document.getElementById(labelElement.htmlFor);
      return field instanceof HTMLSelectElement && field.selectedOptions[0]?.textContent === expected;
    },
    { label, text },
  );
}

/** Polls `read` until it returns `expected` (deep equality), for at most 10 s. */
async function eventually<T>(read: () => Promise<T>, expected: T): Promise<void> {
  const deadline = Date.now() + 10_000;
  let last = await read();
  while (JSON.stringify(last) !== JSON.stringify(expected) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await read();
  }
  expect(last).toEqual(expected);
}

/** Renames a warehouse as a user does: its name is the Description (Name holds SCM's id). */
async function renameAndSave(page: Page, name: string): Promise<void> {
  const field = page.getByLabel("Description", { exact: true });
  await field.fill(name);
  await field.press("Tab");
  await page.getByRole("button", { name: "Save", exact: true }).click();
}

/** The warehouse's name in Dataverse and in SCM. */
async function nameInBothSystems(url: string, identifier: string): Promise<[unknown, unknown]> {
  const [row] = await rows(
    url,
    `msdyn_warehouses?$select=msdyn_description&$filter=msdyn_warehouseidentifier eq '${identifier}'`,
  );
  const inScm = await scm(url, "GET", `data/Warehouses(dataAreaId='usmf',WarehouseId='${identifier}')`);
  return [row?.msdyn_description, inScm.json.WarehouseName];
}
