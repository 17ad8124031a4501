/**
 * A mixed load of warehouse saves over both systems, in two companies, as people in Field Service
 * and in SCM make them: each client creates warehouses in Dataverse and in SCM, then changes each
 * one in the other system (a Dataverse-created row in SCM; an SCM-created row in Dataverse once
 * SCM's data event has brought it there). Clients own their rows, so clients running at the same
 * time never write the same row: what they share is the emulators, the host and its SCM client.
 * Used by the concurrency test (4 clients at once) and `npm run bench` (the same saves one at a
 * time as the baseline).
 */
import { type Environment, type Reply, dataverseRequest, dataverseRowByKey, scmRequest, settle } from "./environment";
import { eventually } from "./reconcile";

export interface LoadCompany {
  readonly code: string;
  readonly companyId: string;
  /** The Dataverse id of the company's operational site, and SCM's SiteId of it. */
  readonly siteId: string;
  readonly siteCode: string;
}

export interface SaveResult {
  readonly what: string;
  readonly status: number;
  readonly expected: number;
  readonly ms: number;
}

const CREATES_IN_DATAVERSE = 4;
const CREATES_IN_SCM = 3;
/** Saves per client: every warehouse created once and changed once in the other system. */
export const SAVES_PER_CLIENT = 2 * (CREATES_IN_DATAVERSE + CREATES_IN_SCM);

/**
 * The second company (`demf`) next to the environment's `usmf`, and a site in each, created in SCM
 * and brought to Dataverse by the sync.
 */
export async function prepareCompanies(env: Environment): Promise<readonly LoadCompany[]> {
  const dat = await dataverseRequest(env.dataverse.url, "POST", "cdm_companies", {
    cdm_name: "Contoso Germany",
    cdm_companycode: "demf",
  });
  if (dat.status !== 204) throw new Error(`company demf: ${dat.status}`);
  const datId = /\(([0-9a-f-]{36})\)/.exec(dat.headers.get("odata-entityid") ?? "")?.[1] ?? "";
  const companies: LoadCompany[] = [];
  for (const [code, companyId, siteCode] of [
    ["usmf", env.companyId, "LS1"],
    ["demf", datId, "LS2"],
  ] as const) {
    const site = await scmRequest(env.scmUrl, "POST", "OperationalSites", {
      dataAreaId: code,
      SiteId: siteCode,
      SiteName: `Site ${siteCode}`,
    });
    if (site.status !== 201) throw new Error(`site ${siteCode}: ${site.status} ${JSON.stringify(site.json)}`);
    await settle(env);
    const row = await dataverseRowByKey(env, "msdyn_operationalsites", `msdyn_siteid eq '${siteCode}'`);
    if (row === undefined) throw new Error(`site ${siteCode} did not reach Dataverse`);
    companies.push({ code, companyId, siteId: String(row.msdyn_operationalsiteid), siteCode });
  }
  return companies;
}

async function timed(what: string, expected: number, request: () => Promise<Reply>): Promise<SaveResult> {
  const started = process.hrtime.bigint();
  const reply = await request();
  return { what, status: reply.status, expected, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

/** One client's saves, one after another. `run` (0-3) numbers the warehouses so repeated runs do not collide. */
export async function runClient(
  env: Environment,
  company: LoadCompany,
  client: number,
  run = 0,
): Promise<SaveResult[]> {
  const results: SaveResult[] = [];
  // Each company's warehouse id format (SCM's rules): usmf four digits, demf DE-<3 letters>-<2 digits>.
  const letter = (n: number) => String.fromCharCode(65 + n);
  const id = (index: number) =>
    company.code === "demf"
      ? `DE-L${letter(run)}${letter(client)}-0${index}`
      : String(5_000 + run * 1_000 + client * 100 + index);
  const scmKey = (warehouse: string) => `Warehouses(dataAreaId='${company.code}',WarehouseId='${warehouse}')`;
  for (let index = 0; index < CREATES_IN_DATAVERSE; index += 1) {
    results.push(
      await timed(`FS create ${id(index)}`, 204, () =>
        dataverseRequest(env.dataverse.url, "POST", "msdyn_warehouses", {
          msdyn_name: id(index),
          msdyn_description: `FS ${id(index)}`,
          msdyn_warehouseidentifier: id(index),
          msdyn_warehousetype: 192350002,
          msdyn_primaryaddresscity: "Seattle",
          msdyn_primaryaddresszipcode: "98101",
          "msdyn_company@odata.bind": `/cdm_companies(${company.companyId})`,
          "msdyn_operationalsite@odata.bind": `/msdyn_operationalsites(${company.siteId})`,
        }),
      ),
    );
  }
  for (let index = CREATES_IN_DATAVERSE; index < CREATES_IN_DATAVERSE + CREATES_IN_SCM; index += 1) {
    results.push(
      await timed(`SCM create ${id(index)}`, 201, () =>
        scmRequest(env.scmUrl, "POST", "Warehouses", {
          dataAreaId: company.code,
          WarehouseId: id(index),
          WarehouseName: `SCM ${id(index)}`,
          WarehouseType: "Transit",
          OperationalSiteId: company.siteCode,
          PrimaryAddressCity: "Berlin",
          PrimaryAddressZipCode: "10115",
        }),
      ),
    );
  }
  for (let index = 0; index < CREATES_IN_DATAVERSE; index += 1) {
    results.push(
      await timed(`SCM update ${id(index)}`, 204, () =>
        scmRequest(env.scmUrl, "PATCH", scmKey(id(index)), {
          WarehouseName: `Changed in SCM ${id(index)}`,
          PrimaryAddressZipCode: "98102",
        }),
      ),
    );
  }
  for (let index = CREATES_IN_DATAVERSE; index < CREATES_IN_DATAVERSE + CREATES_IN_SCM; index += 1) {
    // The row reaches Field Service by SCM's data event, after SCM's write returned.
    let rowId = "";
    await eventually(
      async () => {
        const row = await dataverseRowByKey(env, "msdyn_warehouses", `msdyn_warehouseidentifier eq '${id(index)}'`);
        rowId = typeof row?.msdyn_warehouseid === "string" ? row.msdyn_warehouseid : "";
        return rowId !== "";
      },
      `warehouse ${id(index)} in Dataverse`,
      30_000,
    );
    results.push(
      await timed(`FS update ${id(index)}`, 204, () =>
        dataverseRequest(env.dataverse.url, "PATCH", `msdyn_warehouses(${rowId})`, {
          msdyn_description: `Changed in FS ${id(index)}`,
          msdyn_primaryaddressstreet: "1 Main St",
        }),
      ),
    );
  }
  return results;
}

/** `clients` clients, alternating between the companies, all at once. */
export async function runConcurrentClients(
  env: Environment,
  companies: readonly LoadCompany[],
  clients: number,
  run = 0,
): Promise<SaveResult[]> {
  const perClient = await Promise.all(
    Array.from({ length: clients }, (_, client) => {
      const company = companies[client % companies.length];
      if (company === undefined) throw new Error("no company");
      return runClient(env, company, client, run);
    }),
  );
  return perClient.flat();
}
