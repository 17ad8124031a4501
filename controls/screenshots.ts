/**
 * Component-level screenshots of each control rendered from its BUILT bundle (out/controls), the
 * way a model-driven app loads it: React 16.14 and Fluent 9 as platform globals (`Reactv16`,
 * `FluentUIReactv940`, from pcf-start's copies), the bundle registering
 * `FieldServiceScm.<Name>`, and a PCF context whose Web API answers from the in-memory stand-in
 * in Node. Phone (360 px) and desktop widths, into test-results/screenshots/.
 *
 * Run after `npm run build:controls`: `npx tsx controls/screenshots.ts`
 * (Debian's Chromium at /usr/bin/chromium, or CHROMIUM_PATH).
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { chromium, type Page } from "playwright-core";
import { assetEstate, assetIds } from "./testing/assetRows";
import { InMemoryWebApi } from "./testing/inMemoryWebApi";
import { onHandEstate, onHandIds } from "./testing/onHandRows";
import { panelIds, panelTables, startFakeValidationApi, type FakeValidationApi } from "./testing/panelRows";
import { controlStrings } from "./testing/resx";
import {
  environmentVariableRows,
  guidFor,
  inventoryRow,
  syntheticWarehouses,
  warehouseRow,
} from "./testing/warehouseRows";
import { buildSync } from "esbuild";
import type { WebApiEntity } from "./shared/services/webApi";
import type { ScenarioSpec, PropertySpec } from "./testing/pcf/screenshotPage";

const repoRoot = path.resolve(__dirname, "..");
const outDir = path.join(repoRoot, "test-results", "screenshots");

interface Scenario {
  readonly name: string;
  readonly spec: Omit<ScenarioSpec, "width" | "formFactor">;
  readonly tables: Readonly<Record<string, readonly WebApiEntity[]>>;
  /** What to do once mounted, and what to wait for before the picture. */
  readonly ready: (page: Page) => Promise<void>;
}

const screenshotControls: readonly ScenarioSpec["control"][] = [
  "NearbyWarehouses",
  "ScmIntegrationPanel",
  "CustomerAssetPicker",
  "WarehouseOnHand",
];

const widths = [
  { label: "phone", viewport: 360, host: 360, formFactor: 3 },
  { label: "desktop", viewport: 1280, host: 760, formFactor: 1 },
] as const;

const chicago = { latitude: 41.8781, longitude: -87.6298 };
const company = guidFor(0xc0, 1);
const product = guidFor(0xbb, 1);

function nearbyTables(): Record<string, WebApiEntity[]> {
  const warehouses = [
    warehouseRow({
      id: guidFor(0x3a, 1),
      name: "Loop Depot",
      identifier: "CHI-LOOP",
      latitude: 41.8843,
      longitude: -87.6324,
      companyId: company,
      address: "200 W Madison St, Chicago, IL 60606",
    }),
    warehouseRow({
      id: guidFor(0x3a, 2),
      name: "Union Station Store",
      identifier: "CHI-UNION",
      latitude: 41.8787,
      longitude: -87.6399,
      companyId: company,
      address: "225 S Canal St, Chicago, IL 60606",
    }),
    warehouseRow({
      id: guidFor(0x3a, 3),
      name: "Evanston Yard",
      identifier: "EVN-01",
      latitude: 42.0451,
      longitude: -87.6877,
      companyId: company,
      address: "1600 Sherman Ave, Evanston, IL 60201",
    }),
    warehouseRow({
      id: guidFor(0x3a, 4),
      name: "Cicero Parts Center",
      identifier: "CIC-02",
      latitude: 41.8456,
      longitude: -87.7539,
      companyId: company,
      address: "5400 W Cermak Rd, Cicero, IL 60804",
    }),
    ...syntheticWarehouses(400, company).filter((_row, n) => n % 3 === 0),
  ];
  const radius = environmentVariableRows("fsi_NearbyRadiusKm", guidFor(0xe0, 9), "25", null);
  return {
    msdyn_warehouse: warehouses,
    msdyn_productinventory: [
      inventoryRow(guidFor(0x3a, 1), product, 24, 18, 1),
      inventoryRow(guidFor(0x3a, 2), product, 3, 0, 2),
      inventoryRow(guidFor(0x3a, 4), product, 7, 5, 3),
    ],
    environmentvariabledefinition: radius.definitions,
    environmentvariablevalue: radius.values,
  };
}

/** The estate's stock, synced from SCM a quarter of an hour ago (the panel words the time relatively). */
function onHandTables(): Record<string, WebApiEntity[]> {
  const syncedOn = new Date(Date.now() - 15 * 60_000).toISOString();
  return {
    msdyn_productinventory: onHandEstate().map((row) =>
      row.fsi_scmlastsyncedon === null ? row : { ...row, fsi_scmlastsyncedon: syncedOn },
    ),
  };
}

function scenarios(validationApi: FakeValidationApi): Scenario[] {
  const nearbyParameters: Record<string, PropertySpec> = {
    boundField: { kind: "lookup", value: { id: guidFor(0x3a, 1), name: "Loop Depot", entityType: "msdyn_warehouse" } },
    latitude: { kind: "number", value: 41.8781 },
    longitude: { kind: "number", value: -87.6298 },
    workOrder: { kind: "lookup", value: null },
    serviceAccount: { kind: "lookup", value: null },
    company: { kind: "lookup", value: { id: company, name: "USMF", entityType: "cdm_company" } },
    product: { kind: "lookup", value: { id: product, name: "Pump seal kit", entityType: "product" } },
    radiusKm: { kind: "number", value: null },
    maxResults: { kind: "number", value: 50 },
    warehouseTypes: { kind: "text", value: "Default" },
  };
  return [
    {
      name: "NearbyWarehouses",
      spec: {
        control: "NearbyWarehouses",
        parameters: nearbyParameters,
        strings: controlStrings("NearbyWarehouses", 1033),
        languageId: 1033,
        devicePosition: chicago,
        record: { entityTypeName: "msdyn_workorderproduct", entityId: guidFor(0x77, 1) },
        displayNames: {},
      },
      tables: nearbyTables(),
      ready: async (page) => {
        await page.getByRole("list", { name: "Nearby warehouses" }).waitFor();
      },
    },
    {
      name: "NearbyWarehouses-fr",
      spec: {
        control: "NearbyWarehouses",
        parameters: nearbyParameters,
        strings: controlStrings("NearbyWarehouses", 1036),
        languageId: 1036,
        devicePosition: null,
        record: { entityTypeName: "msdyn_workorderproduct", entityId: guidFor(0x77, 1) },
        displayNames: {},
      },
      tables: nearbyTables(),
      ready: async (page) => {
        await page.getByRole("list", { name: "Entrepôts à proximité" }).waitFor();
      },
    },
    {
      name: "ScmIntegrationPanel",
      spec: {
        control: "ScmIntegrationPanel",
        parameters: {
          syncStatus: { kind: "option", value: 716900003, label: "Failed" },
          lastSyncedOn: { kind: "date", value: "2025-01-02T15:04:00Z" },
          lastError: { kind: "text", value: "SCM: Site 9 does not exist in company usmf.", column: "fsi_scmlasterror" },
          company: {
            kind: "lookup",
            value: { id: panelIds.company, name: "Contoso USA (usmf)", entityType: "cdm_company" },
          },
          scmIdentifier: { kind: "text", value: "CHI-01", column: "msdyn_warehouseidentifier" },
          site: { kind: "lookup", value: null, column: "msdyn_operationalsite" },
        },
        strings: controlStrings("ScmIntegrationPanel", 1033),
        languageId: 1033,
        devicePosition: null,
        record: { entityTypeName: "msdyn_warehouse", entityId: panelIds.warehouse },
        displayNames: { msdyn_operationalsite: "Operational Site", msdyn_name: "Name" },
      },
      // Without a tenant to sign in to, the check stops at sign-in: the panel shows it says so.
      tables: panelTables(validationApi.url),
      ready: async (page) => {
        await page.getByRole("button", { name: "Check against SCM" }).click();
        await page.locator('[aria-live="polite"]').getByText(/./).first().waitFor();
      },
    },
    {
      name: "CustomerAssetPicker",
      spec: {
        control: "CustomerAssetPicker",
        parameters: {
          boundAsset: {
            kind: "lookup",
            value: { id: guidFor(0xa5, 1), name: "Pump 3000", entityType: "msdyn_customerasset" },
          },
          serviceAccount: { kind: "lookup", value: { id: assetIds.contoso, name: "Contoso", entityType: "account" } },
          workOrder: { kind: "lookup", value: null },
          company: { kind: "lookup", value: { id: assetIds.usmf, name: "USMF", entityType: "cdm_company" } },
          pageSize: { kind: "number", value: 25 },
        },
        strings: controlStrings("CustomerAssetPicker", 1033),
        languageId: 1033,
        devicePosition: null,
        record: { entityTypeName: "msdyn_workorder", entityId: guidFor(0x40, 1) },
        displayNames: {},
      },
      tables: { msdyn_customerasset: assetEstate() },
      ready: async (page) => {
        await page.getByRole("switch", { name: "All accounts of the company" }).click();
        await page.getByRole("searchbox", { name: "Search customer assets" }).fill("pump");
        await page.getByRole("button", { name: "Pump station" }).waitFor();
      },
    },
    {
      name: "WarehouseOnHand",
      spec: {
        control: "WarehouseOnHand",
        parameters: {
          warehouseIdentifier: { kind: "text", value: "CHI-01", column: "msdyn_warehouseidentifier" },
          maxItems: { kind: "number", value: 10 },
        },
        strings: controlStrings("WarehouseOnHand", 1033),
        languageId: 1033,
        devicePosition: null,
        record: { entityTypeName: "msdyn_warehouse", entityId: onHandIds.warehouse },
        displayNames: {},
      },
      tables: onHandTables(),
      ready: async (page) => {
        await page.getByRole("status").filter({ hasText: "Last synced from SCM:" }).waitFor();
      },
    },
  ];
}

/** The page-side host, as one script (esbuild: no helpers a serialized function would lose). */
function hostScript(): string {
  const result = buildSync({
    entryPoints: [path.join(__dirname, "testing", "pcf", "screenshotPage.ts")],
    bundle: true,
    format: "iife",
    write: false,
    target: "es2020",
  });
  return result.outputFiles[0]?.text ?? "";
}

function platformScripts(): string[] {
  const file = (relative: string) => readFileSync(path.join(repoRoot, "node_modules", relative), "utf8");
  return [
    file("pcf-start/lib/react_16_14_0.js"),
    // react-dom's UMD build and pcf-start's Fluent build read the global `React` and `ReactDOM`.
    "window.React = window.Reactv16;",
    file("react-dom/umd/react-dom.production.min.js"),
    file("pcf-start/lib/fluent_9_4_0.js"),
  ];
}

export async function takeScreenshots(): Promise<string[]> {
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  const bundles = screenshotControls.map((name) => path.join(repoRoot, "out", "controls", name, "bundle.js"));
  const missing = bundles.filter((bundle) => !existsSync(bundle));
  if (missing.length > 0) {
    throw new Error(`Build the controls first (npm run build:controls): missing ${missing.join(", ")}`);
  }
  mkdirSync(outDir, { recursive: true });
  const validationApi = await startFakeValidationApi((request) =>
    request.attributes.msdyn_operationalsite
      ? { valid: true, errors: [], warnings: [] }
      : {
          valid: false,
          errors: [
            {
              attribute: "msdyn_operationalsite",
              code: "required",
              message: "SCM requires a site for warehouses in company usmf.",
            },
            { attribute: "msdyn_name", code: "maxLength", message: "SCM keeps warehouse names to 60 characters." },
          ],
          warnings: [{ code: "crossField", message: "The transit warehouse is in another site." }],
        },
  );
  const host = hostScript();
  const browser = await chromium.launch({ executablePath });
  const saved: string[] = [];
  try {
    for (const scenario of scenarios(validationApi)) {
      for (const width of widths) {
        const webApi = new InMemoryWebApi(scenario.tables);
        const page = await browser.newPage({ viewport: { width: width.viewport, height: 900 }, deviceScaleFactor: 1 });
        await page.exposeFunction(
          "fsiWebApi",
          async (
            operation: string,
            table: string,
            idOrOptions: string,
            options: string | null,
            maxPageSize: number | null,
          ) =>
            JSON.stringify(
              operation === "retrieveRecord"
                ? await webApi.retrieveRecord(table, idOrOptions, options ?? undefined)
                : await webApi.retrieveMultipleRecords(table, idOrOptions, maxPageSize ?? undefined),
            ),
        );
        await page.exposeFunction("fsiFetch", async (url: string, init: RequestInit) => {
          const response = await fetch(url, init);
          return { status: response.status, body: await response.text() };
        });
        await page.setContent(
          `<!doctype html><html lang="${scenario.spec.languageId === 1036 ? "fr" : "en"}"><head><meta charset="utf-8"><style>
            body { margin: 0; background: #f5f5f5; font-family: "Segoe UI", sans-serif; }
            #host { box-sizing: border-box; width: ${width.host}px; padding: 12px; background: #fff; }
          </style></head><body><div id="host"></div></body></html>`,
        );
        for (const script of [
          ...platformScripts(),
          readFileSync(bundles[screenshotControls.indexOf(scenario.spec.control)] ?? "", "utf8"),
        ]) {
          await page.addScriptTag({ content: script });
        }
        await page.addScriptTag({ content: host });
        const spec: ScenarioSpec = { ...scenario.spec, width: width.host - 24, formFactor: width.formFactor };
        await page.evaluate((mountSpec) => {
          (window as unknown as { fsiMount(spec: ScenarioSpec): void }).fsiMount(mountSpec);
        }, spec);
        await scenario.ready(page);
        // Let Fluent's transitions settle before the picture.
        await page.waitForTimeout(300);
        const file = path.join(outDir, `${scenario.name}-${width.label}.png`);
        await page.locator("#host").screenshot({ path: file });
        saved.push(file);
        await page.close();
      }
    }
  } finally {
    await browser.close();
    await validationApi.close();
  }
  return saved;
}

if (require.main === module) {
  takeScreenshots().then(
    (files) => {
      for (const file of files) console.log(path.relative(repoRoot, file));
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
