/**
 * What the end-to-end scenarios share: Web API and SCM calls over HTTP (to check both sides), and
 * the form host's page conventions (a form is ready when `data-form-state="ready"`, a cell is
 * `.cell[data-column=<column>]`, a code component's container carries `data-pcf-control`).
 */
import { readFileSync } from "node:fs";
import type { Locator, Page } from "playwright-core";

export interface Reply {
  readonly status: number;
  readonly json: Record<string, unknown>;
  readonly headers: Headers;
}

async function reply(response: Response): Promise<Reply> {
  const text = await response.text();
  return {
    status: response.status,
    json: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>),
    headers: response.headers,
  };
}

export async function webApi(url: string, method: string, path: string, body?: unknown): Promise<Reply> {
  return reply(
    await fetch(`${url}/api/data/v9.2/${path}`, {
      method,
      headers: {
        authorization: "Bearer e2e",
        accept: "application/json",
        prefer: 'odata.include-annotations="*"',
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
}

/** Rows of a Web API query (`msdyn_warehouses?$filter=...`). */
export async function rows(url: string, path: string): Promise<Record<string, unknown>[]> {
  const found = await webApi(url, "GET", path);
  if (found.status !== 200) throw new Error(`GET ${path} answered ${found.status}: ${JSON.stringify(found.json)}`);
  return found.json.value as Record<string, unknown>[];
}

export async function scm(url: string, method: string, path: string, body?: unknown): Promise<Reply> {
  return reply(
    await fetch(`${url}/scm/${path}`, {
      method,
      headers: { accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
}

export async function idOf(url: string, entitySet: string, idColumn: string, filter: string): Promise<string> {
  const found = await rows(url, `${entitySet}?$select=${idColumn}&$filter=${encodeURIComponent(filter)}`);
  const id = found[0]?.[idColumn];
  if (typeof id !== "string") throw new Error(`No ${entitySet} row where ${filter}.`);
  return id;
}

export function recordUrl(url: string, table: string, id?: string): string {
  return `${url}/main.aspx?pagetype=entityrecord&etn=${table}${id === undefined ? "" : `&id=${id}`}`;
}

/** Opens a form and waits for OnLoad to finish. */
export async function openForm(page: Page, address: string): Promise<void> {
  await page.goto(address);
  await page.locator('[data-form-state="ready"]').waitFor();
}

/**
 * Waits until the page has finished its own loading: lookups filled (no `aria-busy`), every code
 * component rendered once (`data-update-view-count`), lists and SCM rows loaded, rules shown.
 */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    if (document.querySelector('[aria-busy="true"]') !== null) return false;
    const controls = [...document.querySelectorAll<HTMLElement>("[data-pcf-control]")];
    if (controls.some((control) => control.dataset.updateViewCount === undefined)) return false;
    const statuses = [...document.querySelectorAll(".list-status, .status-line")].map((status) => status.textContent);
    if (statuses.some((text) => text.startsWith("Loading") || text.startsWith("Chargement"))) return false;
    const rules = document.getElementById("scm-rules");
    return !(rules instanceof HTMLTextAreaElement) || rules.value !== "";
  });
}

export function cell(page: Page, column: string): Locator {
  return page.locator(`.cell[data-column="${column}"]`);
}

export function fieldMessages(page: Page, column: string): Locator {
  return cell(page, column).locator(".field-message");
}

export function formNotifications(page: Page): Locator {
  return page.locator(".form-notifications .notification");
}

/** Picks the first option of a lookup whose label contains `text` (rows load after the form). */
export async function chooseLookup(page: Page, label: string, text: string): Promise<string> {
  const select = page.getByLabel(label, { exact: true });
  const option = select.locator("option", { hasText: text }).first();
  await option.waitFor({ state: "attached" });
  const value = await option.getAttribute("value");
  if (value === null) throw new Error(`The ${label} option '${text}' has no value.`);
  await select.selectOption(value);
  return value;
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly string[] }[];
}

const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => ({ target: node.target })),
    }));
  });
  return violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
}

/** The distance in a Nearby Warehouses row label (`"Chicago DC 01, 3.2 mi"`), in the label's unit. */
export function distanceOf(label: string): number {
  const match = /,\s*([\d.,]+)\s*(mi|km|m|ft)\s*$/.exec(label);
  if (match?.[1] === undefined) throw new Error(`No distance in '${label}'.`);
  return Number(match[1].replace(/,/g, ""));
}

/** A new warehouse whose site belongs to another company (demf): SCM refuses it on the site field. */
export async function fillWarehouseWithForeignSite(page: Page, identifier: string): Promise<void> {
  // Microsoft's naming (the warehouses map's default): Name holds SCM's id, Description the name.
  await page.getByLabel("Name", { exact: true }).fill(identifier);
  await page.getByLabel("Description", { exact: true }).fill(`E2E sign-in ${identifier}`);
  await page.getByLabel("Warehouse Identifier", { exact: true }).fill(identifier);
  await page.getByLabel("Warehouse Type", { exact: true }).selectOption({ label: "Default" });
  await chooseLookup(page, "Operational Site", "(demf)");
  // A lookup shows the primary name, SCM's id under Microsoft's naming: 1990 is Midwest Transit.
  await chooseLookup(page, "Transit Warehouse", "1990 · ");
}

/**
 * Signs the browser in through the form scripts, as a user does the first time: a save that needs
 * SCM's check, the Sign in button, the sandbox tenant's sign-in page in MSAL's popup. The save is
 * one SCM refuses, so nothing is written. Afterwards every tab of the browser signs in silently
 * (MSAL's cache).
 */
export async function signInThroughForm(page: Page, url: string): Promise<void> {
  await openForm(page, recordUrl(url, "msdyn_warehouse"));
  await fillWarehouseWithForeignSite(page, "E2E-SIGN-IN");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  const signIn = page.getByRole("button", { name: "Sign in", exact: true });
  await signIn.waitFor();
  const [popup] = await Promise.all([page.waitForEvent("popup"), signIn.click()]);
  await Promise.all([
    popup.waitForEvent("close"),
    popup
      .getByRole("button", { name: /^Sign in as / })
      .first()
      .click(),
  ]);
  await fieldMessages(page, "msdyn_operationalsite").first().waitFor();
  await page.close();
}
