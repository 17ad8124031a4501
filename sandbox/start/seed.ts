/**
 * The sandbox's demo data on the Dataverse side, consistent with SCM's seed:
 *
 * 1. the companies (`cdm_company`, one per SCM legal entity; new rows default to `usmf` through
 *    the `fsi_DefaultCompany` environment variable);
 * 2. an **initial sync**: the plug-in host's catch-up pass reads every row of every mapped entity
 *    from SCM's OData and makes Field Service equal to it through the real inbound path (maps,
 *    lookups by natural key, echo marking) — what an administrator runs with `POST /plugins/scm-catch-up`;
 * 3. what Field Service (and dual-write's Asset Management maps) keep: the asset lifecycle models SCM's asset types refer to, the customers (accounts) and products SCM's assets refer to
 *    — before the sync, so every asset finds its lookups — the units and products of SCM's
 *    released products (units named after SCM's unit symbols, product numbers = item numbers, as
 *    the inventory maps resolve them), and work orders with coordinates, several in Chicago, each
 *    on an asset of its customer;
 * 4. the inventory maps' first load, through the inventory engine's batch runs: SCM's projects,
 *    and on-hand for every warehouse × item as inventory journals (so the journal history explains
 *    every quantity from the start).
 *
 * Every step is an upsert or looks before it creates, so an interrupted first run completes on the
 * next start. `setEnvironmentVariables` runs at every start: the URLs follow the port.
 */
import {
  type DataverseRecord,
  type TableDefinition,
  LIFECYCLE_MODEL_KEY_COLUMN,
  WorkOrderSystemStatus,
  account,
  assetLifecycleModel,
  cdmCompany,
  environmentVariableDefinition,
  environmentVariableValue,
  toWebApiBody,
  product,
  unitOfMeasure,
  workOrder,
} from "@fsi/core";
import type { PluginsMount } from "../auth/plugins-mount";
import { type DataverseEmulator, WEB_API_PATH } from "../dataverse";
import type { PackagedEnvironmentVariable } from "../formhost";
import type { ScmEmulator } from "../scm";
import { ADMIN_TOKEN } from "./identities";

/** Company names for SCM's legal entities (the SCM emulator names only their ids). */
const companyNames: Readonly<Record<string, string>> = {
  usmf: "Contoso USA",
  demf: "Contoso Germany",
  gbsi: "Contoso UK",
};

export class SeedError extends Error {
  override readonly name = "SeedError";
  readonly code = "SEED_FAILED";
}

/** A small Web API client for seeding: JSON in, JSON out, errors with Dataverse's message. */
class WebApi {
  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  async call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown>; entityId: string | undefined }> {
    const response = await fetch(`${this.url}${WEB_API_PATH}/${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        accept: "application/json",
        prefer: 'odata.include-annotations="*"',
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const json = text === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
    if (!response.ok) {
      const error = json.error as { message?: unknown } | undefined;
      throw new SeedError(
        `${method} ${path} failed with ${response.status}: ${typeof error?.message === "string" ? error.message : text}`,
      );
    }
    const entityId = /\(([0-9a-f-]{36})\)\s*$/i.exec(response.headers.get("odata-entityid") ?? "")?.[1];
    return { status: response.status, json, entityId };
  }

  async rows(path: string): Promise<Record<string, unknown>[]> {
    const { json } = await this.call("GET", path);
    return Array.isArray(json.value) ? (json.value as Record<string, unknown>[]) : [];
  }

  /** Creates a row; its id. */
  async create(table: TableDefinition, record: DataverseRecord): Promise<string> {
    const { entityId } = await this.call("POST", table.entitySetName, toWebApiBody(table, record, "create"));
    if (entityId === undefined) throw new SeedError(`Creating a ${table.logicalName} returned no OData-EntityId.`);
    return entityId;
  }

  async update(table: TableDefinition, id: string, record: DataverseRecord): Promise<void> {
    await this.call("PATCH", `${table.entitySetName}(${id})`, toWebApiBody(table, record, "update"));
  }
}

function odataString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The sandbox tenant the form scripts sign in to (the values an administrator gives the sign-in variables). */
export interface SandboxSignIn {
  readonly authority: string;
  readonly clientId: string;
  readonly scope: string;
}

/** What the sandbox sets the solution's environment variables to (the others keep their default). */
export function sandboxVariableValues(url: string, signIn?: SandboxSignIn): Readonly<Record<string, string>> {
  return {
    fsi_ValidationApiUrl: `${url}/plugins/validate`,
    ...(signIn === undefined
      ? {}
      : {
          fsi_EntraAuthority: signIn.authority,
          fsi_ValidationApiClientId: signIn.clientId,
          fsi_ValidationApiScope: signIn.scope,
        }),
    fsi_ScmUnavailablePolicy: "block",
    fsi_DefaultCompany: "usmf",
  };
}

/** Definitions from the solution zip (as an import creates them), values pointing at this origin and its tenant. */
export async function setEnvironmentVariables(
  url: string,
  definitions: readonly PackagedEnvironmentVariable[],
  signIn?: SandboxSignIn,
  token = ADMIN_TOKEN,
  what: "with-values" | "definitions-only" = "with-values",
): Promise<void> {
  const api = new WebApi(url, token);
  const values: Readonly<Record<string, string>> = what === "with-values" ? sandboxVariableValues(url, signIn) : {};
  for (const definition of definitions) {
    const found = await api.rows(
      `${environmentVariableDefinition.entitySetName}?$select=environmentvariabledefinitionid&$filter=schemaname eq ${odataString(definition.schemaName)}`,
    );
    const foundId = found[0]?.environmentvariabledefinitionid;
    const definitionId =
      typeof foundId === "string"
        ? foundId
        : await api.create(environmentVariableDefinition, {
            schemaname: definition.schemaName,
            displayname: definition.displayName,
            type: definition.type,
            defaultvalue: definition.defaultValue ?? null,
          });
    const value = values[definition.schemaName];
    if (value === undefined) continue;
    const existing = await api.rows(
      `${environmentVariableValue.entitySetName}?$select=environmentvariablevalueid&$filter=_environmentvariabledefinitionid_value eq ${definitionId}`,
    );
    const valueId = existing[0]?.environmentvariablevalueid;
    if (typeof valueId === "string") await api.update(environmentVariableValue, valueId, { value });
    else {
      await api.create(environmentVariableValue, {
        schemaname: definition.schemaName,
        value,
        environmentvariabledefinitionid: { id: definitionId, logicalName: environmentVariableDefinition.logicalName },
      });
    }
  }
}

async function scmJson(url: string): Promise<Record<string, unknown>> {
  const response = await fetch(url);
  if (!response.ok) throw new SeedError(`GET ${url} failed with ${response.status}: ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/**
 * What an org holds before the toolkit syncs anything: the companies (dual-write's company sync),
 * the accounts, products, units and asset lifecycle models (Field Service and dual-write keep them).
 * None of these tables has a toolkit step, so they load while the endpoints have no key.
 */
export async function seedReferenceData(url: string): Promise<void> {
  const api = new WebApi(url, ADMIN_TOKEN);
  const companies = await companiesFromScm(url, api);
  await seedCustomersAndProducts(url, api, companies);
  await seedCatalogue(url, api);
}

/** One cdm_company per SCM legal entity; ids by code. */
async function companiesFromScm(url: string, api: WebApi): Promise<Map<string, string>> {
  const rules = await scmJson(`${url}/scm/admin/rules`);
  const codes = Object.keys((rules.companies ?? {}) as Record<string, unknown>);
  const ids = new Map<string, string>();
  for (const code of codes) {
    const existing = await api.rows(
      `${cdmCompany.entitySetName}?$select=cdm_companyid&$filter=cdm_companycode eq ${odataString(code)}`,
    );
    const existingId = existing[0]?.cdm_companyid;
    const id =
      typeof existingId === "string"
        ? existingId
        : await api.create(cdmCompany, {
            cdm_name: `${companyNames[code] ?? code.toUpperCase()} (${code})`,
            cdm_companycode: code,
          });
    ids.set(code, id);
  }
  return ids;
}

/** The initial sync (see the file comment): the host's catch-up pass. Returns how many SCM rows it read. */
async function initialSync(plugins: PluginsMount, progress: (line: string) => void): Promise<number> {
  const host = plugins.host();
  if (host === undefined) return 0;
  const summaries = await host.catchUp();
  for (const summary of summaries) progress(`  ${summary.map}: ${summary.read} rows`);
  await host.whenIdle();
  const held = await host.queue.held();
  if (held.length > 0) {
    throw new SeedError(
      `The initial sync left ${held.length} rows on the catch-up list:\n  ${held
        .slice(0, 10)
        .map((change) => `${change.map} ${change.rowKey}: ${change.lastError ?? ""}`)
        .join("\n  ")}`,
    );
  }
  return summaries.reduce((sum, summary) => sum + summary.read, 0);
}

interface Place {
  readonly city: string;
  readonly street: string;
  readonly state: string;
  readonly postalCode: string;
  readonly country: string;
  readonly latitude: number;
  readonly longitude: number;
}

/** Where the first customers of each company are: real places, several in Chicago (the nearby-warehouses demo). */
const servicePlaces: Readonly<Record<string, readonly Place[]>> = {
  usmf: [
    {
      city: "Chicago",
      street: "251 E Huron St",
      state: "IL",
      postalCode: "60611",
      country: "USA",
      latitude: 41.8947,
      longitude: -87.6212,
    },
    {
      city: "Chicago",
      street: "1800 S Halsted St",
      state: "IL",
      postalCode: "60608",
      country: "USA",
      latitude: 41.8571,
      longitude: -87.6466,
    },
    {
      city: "Chicago",
      street: "11000 W O'Hare Ave",
      state: "IL",
      postalCode: "60666",
      country: "USA",
      latitude: 41.9803,
      longitude: -87.909,
    },
    {
      city: "Chicago",
      street: "2400 N Lincoln Ave",
      state: "IL",
      postalCode: "60614",
      country: "USA",
      latitude: 41.9255,
      longitude: -87.649,
    },
    {
      city: "Milwaukee",
      street: "333 N Broadway",
      state: "WI",
      postalCode: "53202",
      country: "USA",
      latitude: 43.0352,
      longitude: -87.9086,
    },
    {
      city: "Detroit",
      street: "400 Renaissance Dr",
      state: "MI",
      postalCode: "48243",
      country: "USA",
      latitude: 42.3293,
      longitude: -83.0398,
    },
  ],
  demf: [
    {
      city: "Berlin",
      street: "Friedrichstraße 68",
      state: "BE",
      postalCode: "10117",
      country: "DEU",
      latitude: 52.5096,
      longitude: 13.3889,
    },
  ],
  gbsi: [
    {
      city: "London",
      street: "1 Canada Square",
      state: "LND",
      postalCode: "E14 5AB",
      country: "GBR",
      latitude: 51.5049,
      longitude: -0.0195,
    },
  ],
};

/** Customer names (Microsoft's fictitious companies), used in turn. */
const customerNames = [
  "Adatum Corporation",
  "Alpine Ski House",
  "Coho Winery",
  "Fabrikam Inc.",
  "Fourth Coffee",
  "Litware Inc.",
  "Lucerne Publishing",
  "Margie's Travel",
  "Northwind Traders",
  "Proseware Inc.",
  "Relecloud",
  "Southridge Video",
  "Tailspin Toys",
  "Trey Research",
  "Wide World Importers",
  "Wingtip Toys",
  "Woodgrove Bank",
  "Blue Yonder Airlines",
  "City Power & Light",
  "Consolidated Messenger",
  "Contoso Pharmaceuticals",
  "Graphic Design Institute",
  "Humongous Insurance",
  "Lamna Healthcare",
  "Nod Publishers",
  "Olympia Fitness",
  "Tasmanian Traders",
  "VanArsdel Ltd.",
  "Bellows College",
  "First Up Consultants",
];

/**
 * The accounts SCM's assets and projects refer to (`CustomerAccount`) and the products its assets
 * refer to (`ItemNumber`): Field Service keeps customers and products itself, and an asset or a
 * project arrives only once what it points at exists.
 */
async function seedCustomersAndProducts(
  url: string,
  api: WebApi,
  companies: ReadonlyMap<string, string>,
): Promise<{ accounts: number; products: number }> {
  const assets = ((await scmJson(`${url}/scm/data/MaintenanceAssets?cross-company=true`)).value ?? []) as Record<
    string,
    string
  >[];
  const types = ((await scmJson(`${url}/scm/data/MaintenanceAssetTypes?cross-company=true`)).value ?? []) as Record<
    string,
    string
  >[];
  const projects = ((await scmJson(`${url}/scm/data/Projects?cross-company=true`)).value ?? []) as Record<
    string,
    string
  >[];
  const customers = [
    ...new Map(
      [...assets, ...projects]
        .filter((row) => (row.CustomerAccount ?? "") !== "")
        .map((row) => [row.CustomerAccount ?? "", row.dataAreaId ?? ""]),
    ).entries(),
  ].sort(([a], [b]) => a.localeCompare(b));
  const placeOf = placesOfCustomers(assets, customers);
  for (const [index, [accountNumber, companyCode]] of customers.entries()) {
    const existing = await api.rows(
      `${account.entitySetName}?$select=accountid&$filter=accountnumber eq ${odataString(accountNumber)}`,
    );
    if (existing.length > 0) continue;
    const companyId = companies.get(companyCode);
    const place = placeOf.get(accountNumber);
    await api.create(account, {
      // The same customer names recur in each company; the company's code tells them apart in lookups and lists.
      name: `${customerNames[index % customerNames.length] ?? accountNumber} (${companyCode.toUpperCase()})`,
      accountnumber: accountNumber,
      ...(place === undefined
        ? {}
        : {
            address1_line1: place.street,
            address1_city: place.city,
            address1_postalcode: place.postalCode,
            address1_country: place.country,
            address1_latitude: place.latitude,
            address1_longitude: place.longitude,
          }),
      ...(companyId === undefined ? {} : { msdyn_company: { id: companyId, logicalName: cdmCompany.logicalName } }),
    });
  }
  // Asset lifecycle models: in an org, the dual-write Asset Management maps bring them (the
  // categories' lifecycle model is a lookup to them); here they are seeded as Field Service holds them.
  const models = [
    ...new Set(
      types
        .filter((type) => (type.LifecycleModelId ?? "") !== "")
        .map((type) => `${type.dataAreaId ?? ""}|${type.LifecycleModelId ?? ""}`),
    ),
  ];
  for (const model of models) {
    const [companyCode = "", name = ""] = model.split("|");
    const companyId = companies.get(companyCode);
    if (companyId === undefined) continue;
    const existing = await api.rows(
      `${assetLifecycleModel.entitySetName}?$select=msdyn_assetlifecyclemodelid&$filter=${LIFECYCLE_MODEL_KEY_COLUMN} eq ${odataString(name)} and _msdyn_company_value eq ${companyId}`,
    );
    if (existing.length === 0)
      await api.create(assetLifecycleModel, {
        [LIFECYCLE_MODEL_KEY_COLUMN]: name,
        msdyn_company: { id: companyId, logicalName: cdmCompany.logicalName },
      });
  }
  const typeNames = new Map(types.map((type) => [type.MaintenanceAssetTypeId ?? "", type.Name ?? ""]));
  const items = [
    ...new Map(
      assets
        .filter((asset) => (asset.ItemNumber ?? "") !== "")
        .map((asset) => [asset.ItemNumber ?? "", typeNames.get(asset.MaintenanceAssetTypeId ?? "") ?? "Equipment"]),
    ).entries(),
  ];
  for (const [productNumber, typeName] of items) {
    const existing = await api.rows(
      `${product.entitySetName}?$select=productid&$filter=productnumber eq ${odataString(productNumber)}`,
    );
    if (existing.length === 0)
      await api.create(product, { name: `${typeName} model ${productNumber}`, productnumber: productNumber });
  }
  return { accounts: customers.length, products: items.length };
}

/**
 * SCM's released products as Field Service products, with their units: Field Service keeps its own
 * catalogue, and the inventory maps find a product by number and a unit by SCM's symbol.
 */
async function seedCatalogue(url: string, api: WebApi): Promise<{ units: number; products: number }> {
  const released = ((await scmJson(`${url}/scm/data/ReleasedProducts?cross-company=true`)).value ?? []) as Record<
    string,
    string
  >[];
  const symbols = [
    ...new Set(released.map((row) => row.InventoryUnitSymbol ?? "").filter((symbol) => symbol !== "")),
  ].sort();
  const units = new Map<string, string>();
  for (const symbol of symbols) {
    const existing = await api.rows(
      `${unitOfMeasure.entitySetName}?$select=uomid&$filter=name eq ${odataString(symbol)}`,
    );
    const existingId = existing[0]?.uomid;
    units.set(
      symbol,
      typeof existingId === "string" ? existingId : await api.create(unitOfMeasure, { name: symbol, quantity: 1 }),
    );
  }
  const items = [...new Map(released.map((row) => [row.ItemNumber ?? "", row])).values()].filter(
    (row) => (row.ItemNumber ?? "") !== "",
  );
  let created = 0;
  for (const item of items) {
    const number = item.ItemNumber ?? "";
    if (
      (await api.rows(`${product.entitySetName}?$select=productid&$filter=productnumber eq ${odataString(number)}`))
        .length > 0
    )
      continue;
    const unitId = units.get(item.InventoryUnitSymbol ?? "");
    await api.create(product, {
      name: item.ProductName ?? number,
      productnumber: number,
      ...(unitId === undefined ? {} : { defaultuomid: { id: unitId, logicalName: unitOfMeasure.logicalName } }),
    });
    created += 1;
  }
  return { units: units.size, products: created };
}

/** The inventory maps' first load: projects, then on-hand (journals), through the engine's batch runs. */
async function firstInventoryLoad(plugins: PluginsMount, progress: (line: string) => void): Promise<string> {
  const engine = plugins.inventory();
  if (engine === undefined)
    throw new SeedError("The inventory engine is not running; the plug-ins mount must listen before seeding.");
  const summary: string[] = [];
  for (const map of ["projects", "on-hand"]) {
    const run = await engine.runBatch(map);
    if (run.status !== "succeeded") {
      const errors = [
        run.error ?? "",
        ...run.errors.slice(0, 5).map((error) => `${error.rowKey}: ${error.message}`),
      ].filter((line) => line !== "");
      throw new SeedError(`The ${map} first load ended ${run.status}:\n  ${errors.join("\n  ")}`);
    }
    progress(`  ${map}: ${run.read} rows read, ${run.changed} written`);
    summary.push(`${run.changed} ${map} rows`);
  }
  return summary.join(" and ");
}

/** The city an SCM asset stands in: its name ends with it (`Pump 002 - Detroit`, generate.ts). */
const assetInCity = (asset: Readonly<Record<string, string>>, city: string): boolean =>
  (asset.Name ?? "").endsWith(` - ${city}`);

/**
 * Which customer is at each service place: one owning an asset in that city when there is one (so
 * the work order there carries an asset named for where it is), else the company's next customer.
 */
function placesOfCustomers(
  assets: readonly Readonly<Record<string, string>>[],
  customers: readonly (readonly [string, string])[],
): Map<string, Place> {
  const placeOf = new Map<string, Place>();
  for (const [code, places] of Object.entries(servicePlaces)) {
    for (const place of places) {
      const owner =
        assets.find(
          (asset) =>
            asset.dataAreaId === code && assetInCity(asset, place.city) && !placeOf.has(asset.CustomerAccount ?? ""),
        )?.CustomerAccount ?? customers.find(([number, company]) => company === code && !placeOf.has(number))?.[0];
      if (owner !== undefined) placeOf.set(owner, place);
    }
  }
  return placeOf;
}

/** A work order at each customer with a place, on one of its assets in that place's city (none when it has none there). */
async function seedWorkOrders(api: WebApi, companies: ReadonlyMap<string, string>): Promise<number> {
  let created = 0;
  let sequence = 1000;
  for (const [code, places] of Object.entries(servicePlaces)) {
    const companyId = companies.get(code);
    if (companyId === undefined) continue;
    const company = { id: companyId, logicalName: cdmCompany.logicalName };
    for (const [index, place] of places.entries()) {
      sequence += 1;
      const name = `WO-${String(sequence)}`;
      const customers = await api.rows(
        `${account.entitySetName}?$select=accountid&$filter=_msdyn_company_value eq ${companyId} and address1_line1 eq ${odataString(place.street)}`,
      );
      const accountId = customers[0]?.accountid;
      if (typeof accountId !== "string") continue;
      if (
        (
          await api.rows(
            `${workOrder.entitySetName}?$select=msdyn_workorderid&$filter=msdyn_name eq ${odataString(name)}`,
          )
        ).length > 0
      )
        continue;
      const assets = await api.rows(
        `msdyn_customerassets?$select=msdyn_customerassetid,msdyn_name&$filter=_msdyn_account_value eq ${accountId}&$orderby=msdyn_name`,
      );
      const assetId = assets.find((asset) =>
        assetInCity({ Name: typeof asset.msdyn_name === "string" ? asset.msdyn_name : "" }, place.city),
      )?.msdyn_customerassetid;
      await api.create(workOrder, {
        msdyn_name: name,
        msdyn_serviceaccount: { id: accountId, logicalName: account.logicalName },
        ...(typeof assetId === "string"
          ? { msdyn_customerasset: { id: assetId, logicalName: "msdyn_customerasset" } }
          : {}),
        msdyn_systemstatus: index % 2 === 0 ? WorkOrderSystemStatus.Scheduled : WorkOrderSystemStatus.Unscheduled,
        msdyn_address1: place.street,
        msdyn_city: place.city,
        msdyn_stateorprovince: place.state,
        msdyn_postalcode: place.postalCode,
        msdyn_country: place.country,
        msdyn_latitude: place.latitude,
        msdyn_longitude: place.longitude,
        msdyn_company: company,
      });
      created += 1;
    }
  }
  return created;
}

export interface SeedOptions {
  readonly url: string;
  readonly scm: ScmEmulator;
  readonly plugins: PluginsMount;
  readonly dataverse: DataverseEmulator;
  readonly progress: (line: string) => void;
}

/** Seeds when Dataverse has no work orders yet (a first run, or one interrupted while seeding). */
export async function seedSandbox(options: SeedOptions): Promise<void> {
  const api = new WebApi(options.url, ADMIN_TOKEN);
  if ((await api.rows(`${workOrder.entitySetName}?$select=msdyn_workorderid&$top=1`)).length > 0) return;
  options.progress("First run: filling Field Service (Dataverse) to match SCM...");
  const companies = await companiesFromScm(options.url, api);
  const referenced = await seedCustomersAndProducts(options.url, api, companies);
  const catalogue = await seedCatalogue(options.url, api);
  const synced = await initialSync(options.plugins, options.progress);
  await options.dataverse.idle();
  const inventory = await firstInventoryLoad(options.plugins, options.progress);
  await options.dataverse.idle();
  const workOrders = await seedWorkOrders(api, companies);
  options.progress(
    `Seeded ${companies.size} companies, ${referenced.accounts} accounts, ${referenced.products + catalogue.products} products in ${catalogue.units} units, ${synced} rows from SCM, ${inventory} and ${workOrders} work orders.`,
  );
}
