/**
 * Warehouse, inventory and related rows in the Web API's JSON shape (lookups as `_x_value` with
 * their annotations), for the NearbyWarehouses tests and the benchmark.
 */
import type { WebApiEntity } from "../shared/services/webApi";

const formatted = "@OData.Community.Display.V1.FormattedValue";
const lookupTable = "@Microsoft.Dynamics.CRM.lookuplogicalname";

/** A deterministic GUID from a number, so fixtures and benchmark runs are repeatable. */
export function guidFor(prefix: number, n: number): string {
  const hex = (value: number, width: number) => value.toString(16).padStart(width, "0").slice(-width);
  return `${hex(prefix, 8)}-0000-4000-8000-${hex(n, 12)}`;
}

export interface WarehouseSpec {
  readonly id: string;
  readonly name: string;
  readonly identifier?: string;
  readonly latitude: number | null;
  readonly longitude: number | null;
  readonly companyId?: string;
  readonly address?: string;
  readonly active?: boolean;
  /** `msdyn_warehousetype`'s choice value; none when not given. */
  readonly type?: number;
}

export function warehouseRow(spec: WarehouseSpec): WebApiEntity {
  return {
    msdyn_warehouseid: spec.id,
    msdyn_name: spec.name,
    msdyn_warehouseidentifier: spec.identifier ?? spec.name.slice(0, 10).toUpperCase(),
    msdyn_description: `${spec.name}: main stock for the region, open weekdays 7:00 to 17:00, forklift on site.`,
    msdyn_formattedprimaryaddress: spec.address ?? `${spec.name} Street 1, Springfield`,
    msdyn_primaryaddresslatitude: spec.latitude,
    msdyn_primaryaddresslongitude: spec.longitude,
    msdyn_primaryaddressstreet: `${spec.name} Street 1`,
    msdyn_primaryaddresscity: "Springfield",
    msdyn_warehousetype: spec.type ?? null,
    statecode: spec.active === false ? 1 : 0,
    [`statecode${formatted}`]: spec.active === false ? "Inactive" : "Active",
    _msdyn_company_value: spec.companyId ?? null,
    [`_msdyn_company_value${lookupTable}`]: "cdm_company",
    fsi_scmsyncstatus: 716900002,
    modifiedon: "2025-01-01T00:00:00Z",
  };
}

export function inventoryRow(
  warehouseId: string,
  productId: string,
  onHand: number,
  available: number,
  n: number,
): WebApiEntity {
  return {
    msdyn_productinventoryid: guidFor(0x1e, n),
    msdyn_name: `Inventory ${n}`,
    _msdyn_warehouse_value: warehouseId,
    _msdyn_product_value: productId,
    msdyn_qtyonhand: onHand,
    msdyn_qtyavailable: available,
    msdyn_qtyallocated: onHand - available,
    msdyn_qtyonorder: 0,
  };
}

export function workOrderRow(
  id: string,
  latitude: number | null,
  longitude: number | null,
  serviceAccountId: string | null,
): WebApiEntity {
  return {
    msdyn_workorderid: id,
    msdyn_name: "WO-00042",
    msdyn_latitude: latitude,
    msdyn_longitude: longitude,
    _msdyn_serviceaccount_value: serviceAccountId,
    [`_msdyn_serviceaccount_value${lookupTable}`]: "account",
  };
}

export function accountRow(id: string, latitude: number | null, longitude: number | null): WebApiEntity {
  return { accountid: id, name: "Contoso Pharmaceuticals", address1_latitude: latitude, address1_longitude: longitude };
}

export function environmentVariableRows(
  schemaName: string,
  definitionId: string,
  defaultValue: string | null,
  value: string | null,
): { definitions: WebApiEntity[]; values: WebApiEntity[] } {
  return {
    definitions: [
      { environmentvariabledefinitionid: definitionId, schemaname: schemaName, defaultvalue: defaultValue },
    ],
    values:
      value === null
        ? []
        : [
            {
              environmentvariablevalueid: guidFor(0xe7, 1),
              _environmentvariabledefinitionid_value: definitionId,
              value,
            },
          ],
  };
}

/** A small deterministic pseudo-random sequence (mulberry32), so generated data is repeatable. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Metropolitan areas the synthetic warehouses gather around (latitude, longitude). */
const metros: readonly (readonly [number, number])[] = [
  [41.8781, -87.6298], // Chicago
  [40.7128, -74.006], // New York
  [34.0522, -118.2437], // Los Angeles
  [29.7604, -95.3698], // Houston
  [33.4484, -112.074], // Phoenix
  [39.9526, -75.1652], // Philadelphia
  [32.7767, -96.797], // Dallas
  [37.7749, -122.4194], // San Francisco
  [47.6062, -122.3321], // Seattle
  [39.7392, -104.9903], // Denver
  [33.749, -84.388], // Atlanta
  [42.3601, -71.0589], // Boston
  [44.9778, -93.265], // Minneapolis
  [38.627, -90.1994], // St. Louis
  [25.7617, -80.1918], // Miami
  [42.3314, -83.0458], // Detroit
  [39.0997, -94.5786], // Kansas City
  [35.2271, -80.8431], // Charlotte
  [36.1627, -86.7816], // Nashville
  [45.5152, -122.6784], // Portland
];

/**
 * `count` warehouses of one company, from a fixed seed: nine in ten around the metropolitan areas
 * above (normally spread, about 60 km across), one in ten anywhere in the contiguous United
 * States — so a technician in Chicago sees some warehouses at 1k and many at 100k.
 */
export function syntheticWarehouses(count: number, companyId: string, seed = 42): WebApiEntity[] {
  const random = seededRandom(seed);
  // Box–Muller: a normally distributed offset in degrees.
  const normal = (sigma: number) => sigma * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const rows: WebApiEntity[] = [];
  for (let n = 0; n < count; n++) {
    const metro = random() < 0.9 ? metros[Math.floor(random() * metros.length)] : undefined;
    const latitude = metro ? metro[0] + normal(0.3) : 25 + random() * 24;
    const longitude = metro ? metro[1] + normal(0.4) : -124 + random() * 57;
    rows.push(
      warehouseRow({
        id: guidFor(0x3a, n),
        name: `Warehouse ${String(n).padStart(6, "0")}`,
        identifier: `W${String(n).padStart(6, "0")}`,
        latitude: Number(latitude.toFixed(5)),
        longitude: Number(longitude.toFixed(5)),
        companyId,
      }),
    );
  }
  return rows;
}
