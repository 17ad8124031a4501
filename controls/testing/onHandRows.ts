/**
 * Product inventory rows in the Web API's JSON shape (lookups as `_x_value` with the product's and
 * unit's names as formatted values), for the WarehouseOnHand tests and screenshots.
 */
import type { WebApiEntity } from "../shared/services/webApi";
import { guidFor } from "./warehouseRows";

const formatted = "@OData.Community.Display.V1.FormattedValue";
const lookupTable = "@Microsoft.Dynamics.CRM.lookuplogicalname";

export const onHandIds = {
  warehouse: guidFor(0x3a, 90),
  otherWarehouse: guidFor(0x3a, 91),
};

export interface OnHandSpec {
  readonly n: number;
  readonly product: string | null;
  readonly unit?: string | null;
  readonly onHand: number;
  readonly available?: number;
  readonly onOrder?: number;
  readonly warehouseId?: string;
  /** ISO 8601, as the Web API sends date-times; null when SCM never synced the row. */
  readonly syncedOn?: string | null;
  readonly active?: boolean;
}

export function onHandRow(spec: OnHandSpec): WebApiEntity {
  const unit = spec.unit === undefined ? "Each" : spec.unit;
  return {
    msdyn_productinventoryid: guidFor(0x1f, spec.n),
    msdyn_name: `Inventory ${spec.n}`,
    _msdyn_warehouse_value: spec.warehouseId ?? onHandIds.warehouse,
    [`_msdyn_warehouse_value${lookupTable}`]: "msdyn_warehouse",
    _msdyn_product_value: guidFor(0xbb, spec.n),
    [`_msdyn_product_value${lookupTable}`]: "product",
    ...(spec.product === null ? {} : { [`_msdyn_product_value${formatted}`]: spec.product }),
    _msdyn_unit_value: unit === null ? null : guidFor(0x0e, unit.length),
    ...(unit === null ? {} : { [`_msdyn_unit_value${formatted}`]: unit, [`_msdyn_unit_value${lookupTable}`]: "uom" }),
    msdyn_qtyonhand: spec.onHand,
    msdyn_qtyavailable: spec.available ?? spec.onHand,
    msdyn_qtyallocated: spec.onHand - (spec.available ?? spec.onHand),
    msdyn_qtyonorder: spec.onOrder ?? 0,
    fsi_scmlastsyncedon: spec.syncedOn === undefined ? "2025-03-10T08:00:00Z" : spec.syncedOn,
    statecode: spec.active === false ? 1 : 0,
  };
}

/**
 * A Chicago warehouse's stock: twelve active items (the most recent SCM sync on a small one), one
 * inactive row with the most on hand, and another warehouse's rows.
 */
export function onHandEstate(): WebApiEntity[] {
  return [
    onHandRow({ n: 1, product: "Pump seal kit", onHand: 24, available: 18, onOrder: 10 }),
    onHandRow({ n: 2, product: "Filter cartridge 10 in", unit: "Box", onHand: 140, available: 120, onOrder: 0 }),
    onHandRow({ n: 3, product: "Copper pipe 15 mm", unit: "Meter", onHand: 312.5, available: 300.25, onOrder: 50 }),
    onHandRow({ n: 4, product: "Pressure gauge", onHand: 7, available: 0, onOrder: 12 }),
    onHandRow({ n: 5, product: "Ball valve 1/2 in", onHand: 56, available: 50 }),
    onHandRow({ n: 6, product: "Thermostat T-200", onHand: 3, available: 1, onOrder: 6 }),
    onHandRow({ n: 7, product: "Gasket set", onHand: 88, available: 88 }),
    onHandRow({
      n: 8,
      product: "Circulation pump 40 W",
      onHand: 5,
      available: 5,
      syncedOn: "2025-03-10T11:45:00Z",
    }),
    onHandRow({ n: 9, product: "Expansion tank 8 l", onHand: 9, available: 9 }),
    onHandRow({ n: 10, product: "Drain hose", unit: "Meter", onHand: 75, available: 60 }),
    onHandRow({ n: 11, product: "Relief valve", onHand: 12, available: 12, syncedOn: null }),
    onHandRow({ n: 12, product: "Fitting assortment", unit: null, onHand: 2, available: 2 }),
    onHandRow({ n: 13, product: "Retired boiler part", onHand: 999, active: false }),
    onHandRow({
      n: 14,
      product: "Other warehouse's pump",
      onHand: 500,
      warehouseId: onHandIds.otherWarehouse,
      syncedOn: "2025-03-11T09:00:00Z",
    }),
  ];
}
