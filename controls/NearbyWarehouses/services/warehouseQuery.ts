/**
 * The Web API request NearbyWarehouses makes for warehouses: a latitude/longitude box around the
 * position (correct across the antimeridian and at the poles, from `core/geo`), the company and
 * active rows, only the columns a row shows, and at most `top` rows (`rings.ts` chooses the box and
 * `top`). Distances are measured exactly afterwards.
 */
import { boundingBox, boundingBoxFilter, type GeoPoint } from "@fsi/core/geo";
import type { RowOf } from "@fsi/core/dataverse/schema";
import type { productInventory, warehouse } from "@fsi/core/dataverse/tables";
import { WarehouseType } from "@fsi/core/dataverse/tables/warehouse-type";
import { allOf, anyOf, compare, guidLiteral, queryString } from "../../shared/services/odata";
import { lookupValueColumn } from "../../shared/services/webApi";

type WarehouseColumn = keyof RowOf<typeof warehouse>;
type InventoryColumn = keyof RowOf<typeof productInventory>;

/** The warehouse columns a row shows (and needs for its distance and directions link). */
export const warehouseColumns = {
  id: "msdyn_warehouseid",
  name: "msdyn_name",
  description: "msdyn_description",
  identifier: "msdyn_warehouseidentifier",
  address: "msdyn_formattedprimaryaddress",
  latitude: "msdyn_primaryaddresslatitude",
  longitude: "msdyn_primaryaddresslongitude",
} as const satisfies Record<string, WarehouseColumn>;

const companyColumn = "msdyn_company" satisfies WarehouseColumn;
const stateColumn = "statecode" satisfies WarehouseColumn;
const typeColumn = "msdyn_warehousetype" satisfies WarehouseColumn;

/** The types listed when the form says nothing: a technician cannot take stock from quarantine or transit. */
export const defaultWarehouseTypes: readonly number[] = [WarehouseType.Default];

/**
 * The control's `warehouseTypes` setting (`"Default, Transit"`, `"All"`) as choice values; null for
 * every type. Names are matched without case; unknown names are left out, and a setting naming no
 * known type falls back to the default rather than hiding every warehouse.
 */
export function warehouseTypesSetting(setting: string | null | undefined): readonly number[] | null {
  const names = (setting ?? "")
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== "");
  if (names.includes("all")) return null;
  const known = Object.entries(WarehouseType)
    .filter(([name]) => names.includes(name.toLowerCase()))
    .map(([, value]) => value);
  return known.length === 0 ? defaultWarehouseTypes : known;
}

export const inventoryColumns = {
  warehouse: "msdyn_warehouse",
  product: "msdyn_product",
  onHand: "msdyn_qtyonhand",
  available: "msdyn_qtyavailable",
} as const satisfies Record<string, InventoryColumn>;

export const warehouseTable = "msdyn_warehouse";
export const inventoryTable = "msdyn_productinventory";

/** Dataverse's largest page: a box request asks for one page only, its `$top` never above it. */
export const maxPageSize = 5000;

export interface WarehouseQueryInput {
  readonly center: GeoPoint;
  readonly radiusKm: number;
  /** Only this company's warehouses; null for every company. */
  readonly companyId: string | null;
  /** Only these `msdyn_warehousetype` values (and rows with no type); null or absent for every type. */
  readonly warehouseTypes?: readonly number[] | null;
  /** At most this many rows (`$top`); one page when absent. */
  readonly top?: number;
}

export interface WebApiQuery {
  readonly entityLogicalName: string;
  readonly options: string;
  readonly maxPageSize: number;
}

export function warehouseQuery(input: WarehouseQueryInput): WebApiQuery {
  const box = boundingBox(input.center, input.radiusKm);
  const filter = allOf(
    compare(stateColumn, "eq", "0"),
    input.companyId === null ? null : compare(lookupValueColumn(companyColumn), "eq", guidLiteral(input.companyId)),
    // A row with no type yet (a warehouse just made in Field Service) is not a quarantine one: keep it.
    input.warehouseTypes === null || input.warehouseTypes === undefined
      ? null
      : anyOf([
          ...input.warehouseTypes.map((value) => compare(typeColumn, "eq", String(value))),
          compare(typeColumn, "eq", "null"),
        ]),
    boundingBoxFilter(box, warehouseColumns.latitude, warehouseColumns.longitude),
  );
  return {
    entityLogicalName: warehouseTable,
    options: queryString({
      select: Object.values(warehouseColumns),
      filter,
      ...(input.top === undefined ? {} : { top: Math.min(input.top, maxPageSize) }),
    }),
    maxPageSize,
  };
}

/**
 * Stock of one product in the given warehouses, in one request: `eq` comparisons joined by `or`
 * (offline-safe; `in` and `contains` are not).
 */
export function stockQuery(productId: string, warehouseIds: readonly string[]): WebApiQuery {
  const warehouseColumn = lookupValueColumn(inventoryColumns.warehouse);
  const filter = allOf(
    compare(lookupValueColumn(inventoryColumns.product), "eq", guidLiteral(productId)),
    warehouseIds.map((id) => compare(warehouseColumn, "eq", guidLiteral(id))).join(" or "),
  );
  return {
    entityLogicalName: inventoryTable,
    options: queryString({ select: [warehouseColumn, inventoryColumns.onHand, inventoryColumns.available], filter }),
    maxPageSize,
  };
}
