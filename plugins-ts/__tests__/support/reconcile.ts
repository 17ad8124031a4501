/**
 * Reconciliation for the fault tests: every warehouse of both systems, read over HTTP and put in
 * one comparable shape (natural key, name, type, site), sorted by key. Equal lists mean equal row
 * counts and equal contents; a row in one system only, or twice, shows as a difference.
 */
import { type Environment, dataverseRequest, scmRequest } from "./environment";

/** What reconciling reads: both systems' URLs (a test environment, or emulators behind several hosts). */
type Systems = Pick<Environment, "dataverse" | "scmUrl">;

export interface WarehouseView {
  /** `usmf/1001`: company and warehouse id. */
  readonly key: string;
  readonly name: string;
  readonly type: string;
  readonly site: string;
}

/** Dataverse's warehouse type choice values as SCM names them (the built-in warehouses map's value map). */
const WAREHOUSE_TYPES: Readonly<Record<number, string>> = {
  192350000: "Default",
  192350001: "Quarantine",
  192350002: "Transit",
};

interface ValueList {
  readonly value: Record<string, unknown>[];
}

async function dataverseRows(env: Systems, query: string): Promise<Record<string, unknown>[]> {
  const reply = await dataverseRequest(env.dataverse.url, "GET", query);
  if (reply.status !== 200) throw new Error(`Dataverse ${query}: ${reply.status} ${JSON.stringify(reply.json)}`);
  return (reply.json as ValueList).value;
}

const byKey = (a: WarehouseView, b: WarehouseView): number => a.key.localeCompare(b.key);

export async function warehousesInDataverse(env: Systems): Promise<WarehouseView[]> {
  const companies = new Map(
    (await dataverseRows(env, "cdm_companies?$select=cdm_companycode")).map((row) => [
      String(row.cdm_companyid),
      String(row.cdm_companycode).toLowerCase(),
    ]),
  );
  const sites = new Map(
    (await dataverseRows(env, "msdyn_operationalsites?$select=msdyn_siteid")).map((row) => [
      String(row.msdyn_operationalsiteid),
      String(row.msdyn_siteid),
    ]),
  );
  const rows = await dataverseRows(
    env,
    "msdyn_warehouses?$select=msdyn_warehouseidentifier,msdyn_description,msdyn_warehousetype,_msdyn_operationalsite_value,_msdyn_company_value",
  );
  return rows
    .map((row) => ({
      key: `${companies.get(String(row._msdyn_company_value)) ?? "?"}/${String(row.msdyn_warehouseidentifier)}`,
      // Microsoft's naming: SCM's WarehouseName lives in msdyn_description.
      name: String(row.msdyn_description),
      type: WAREHOUSE_TYPES[Number(row.msdyn_warehousetype)] ?? String(row.msdyn_warehousetype),
      site:
        typeof row._msdyn_operationalsite_value === "string"
          ? (sites.get(row._msdyn_operationalsite_value) ?? "?")
          : "",
    }))
    .sort(byKey);
}

export async function warehousesInScm(env: Systems): Promise<WarehouseView[]> {
  const reply = await scmRequest(env.scmUrl, "GET", "Warehouses?cross-company=true");
  if (reply.status !== 200) throw new Error(`SCM Warehouses: ${reply.status} ${JSON.stringify(reply.json)}`);
  return (reply.json as ValueList).value
    .map((row) => ({
      key: `${String(row.dataAreaId).toLowerCase()}/${String(row.WarehouseId)}`,
      name: String(row.WarehouseName),
      type: String(row.WarehouseType),
      site: String(row.OperationalSiteId),
    }))
    .sort(byKey);
}

/** Both systems' warehouses, for `expect(sides.dataverse).toEqual(sides.scm)`. */
export async function warehousesOnBothSides(
  env: Systems,
): Promise<{ dataverse: WarehouseView[]; scm: WarehouseView[] }> {
  return { dataverse: await warehousesInDataverse(env), scm: await warehousesInScm(env) };
}

/** Polls `probe` until it returns true, or fails after `deadlineMs` (a bound, never a measurement). */
export async function eventually(
  probe: () => boolean | Promise<boolean>,
  what: string,
  deadlineMs = 5_000,
): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > end) throw new Error(`Still not true after ${deadlineMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A warehouse with every column the warehouses map carries, lookups by the natural key of the row
 * they point to, as both systems should agree on it: text trimmed ("" for empty, since SCM has no
 * null), coordinates at the 5 decimals Dataverse keeps, and SCM's 0 read as "no coordinate"
 * (null) — the rule of docs/design.md §3.b.
 */
export interface WarehouseRecord extends WarehouseView {
  readonly transit: string;
  readonly quarantine: string;
  readonly mainRefilling: string;
  readonly street: string;
  readonly city: string;
  readonly state: string;
  readonly zip: string;
  readonly country: string;
  readonly latitude: number | null;
  readonly longitude: number | null;
}

const text = (value: unknown): string => (typeof value === "string" ? value.trim() : "");
const coordinate = (value: unknown): number | null =>
  typeof value === "number" ? Math.round(value * 100_000) / 100_000 : null;

/** SCM stores "no coordinate" as 0 (a Real field has no null; the map's `zeroIsEmpty`). */
function scmCoordinates(row: Record<string, unknown>): [number | null, number | null] {
  const orNull = (value: number | null) => (value === 0 ? null : value);
  return [orNull(coordinate(row.PrimaryAddressLatitude)), orNull(coordinate(row.PrimaryAddressLongitude))];
}

export async function warehouseRecordsInDataverse(env: Systems): Promise<WarehouseRecord[]> {
  const views = new Map((await warehousesInDataverse(env)).map((row) => [row.key, row]));
  const companies = new Map(
    (await dataverseRows(env, "cdm_companies?$select=cdm_companycode")).map((row) => [
      String(row.cdm_companyid),
      String(row.cdm_companycode).toLowerCase(),
    ]),
  );
  const rows = await dataverseRows(
    env,
    "msdyn_warehouses?$select=msdyn_warehouseidentifier,_msdyn_company_value,_msdyn_transitwarehouse_value,_msdyn_quarantinewarehouse_value,_msdyn_mainrefillingwarehouse_value,msdyn_primaryaddressstreet,msdyn_primaryaddresscity,msdyn_primaryaddressstateid,msdyn_primaryaddresszipcode,msdyn_primaryaddresscountryregionid,msdyn_primaryaddresslatitude,msdyn_primaryaddresslongitude",
  );
  const identifiers = new Map(
    rows.map((row) => [String(row.msdyn_warehouseid), String(row.msdyn_warehouseidentifier)]),
  );
  const lookup = (value: unknown): string =>
    typeof value === "string" ? (identifiers.get(value) ?? `missing ${value}`) : "";
  return rows
    .map((row): WarehouseRecord => {
      const key = `${companies.get(String(row._msdyn_company_value)) ?? "?"}/${String(row.msdyn_warehouseidentifier)}`;
      const view = views.get(key);
      if (view === undefined) throw new Error(`no view of ${key}`);
      return {
        ...view,
        name: view.name.trim(),
        transit: lookup(row._msdyn_transitwarehouse_value),
        quarantine: lookup(row._msdyn_quarantinewarehouse_value),
        mainRefilling: lookup(row._msdyn_mainrefillingwarehouse_value),
        street: text(row.msdyn_primaryaddressstreet),
        city: text(row.msdyn_primaryaddresscity),
        state: text(row.msdyn_primaryaddressstateid),
        zip: text(row.msdyn_primaryaddresszipcode),
        country: text(row.msdyn_primaryaddresscountryregionid),
        latitude: coordinate(row.msdyn_primaryaddresslatitude),
        longitude: coordinate(row.msdyn_primaryaddresslongitude),
      };
    })
    .sort(byKey);
}

export async function warehouseRecordsInScm(env: Systems): Promise<WarehouseRecord[]> {
  const reply = await scmRequest(env.scmUrl, "GET", "Warehouses?cross-company=true");
  if (reply.status !== 200) throw new Error(`SCM Warehouses: ${reply.status} ${JSON.stringify(reply.json)}`);
  return (reply.json as ValueList).value
    .map((row): WarehouseRecord => {
      const [latitude, longitude] = scmCoordinates(row);
      return {
        key: `${String(row.dataAreaId).toLowerCase()}/${String(row.WarehouseId)}`,
        name: text(row.WarehouseName),
        type: String(row.WarehouseType),
        site: String(row.OperationalSiteId),
        transit: text(row.TransitWarehouseId),
        quarantine: text(row.QuarantineWarehouseId),
        mainRefilling: text(row.MainRefillingWarehouseId),
        street: text(row.PrimaryAddressStreet),
        city: text(row.PrimaryAddressCity),
        state: text(row.PrimaryAddressStateId),
        zip: text(row.PrimaryAddressZipCode),
        country: text(row.PrimaryAddressCountryRegionId),
        latitude,
        longitude,
      };
    })
    .sort(byKey);
}

/** Both systems' warehouses, every mapped column, for `expect(sides.dataverse).toEqual(sides.scm)`. */
export async function warehouseRecordsOnBothSides(
  env: Systems,
): Promise<{ dataverse: WarehouseRecord[]; scm: WarehouseRecord[] }> {
  return { dataverse: await warehouseRecordsInDataverse(env), scm: await warehouseRecordsInScm(env) };
}
