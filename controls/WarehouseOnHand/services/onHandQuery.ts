/**
 * The two Web API requests of the on-hand panel, both on `msdyn_productinventory` and both
 * offline-safe (eq/ne and `and` only, docs/design.md §4):
 *
 * - the warehouse's active inventory rows, most on hand first, one more than shown (to know
 *   whether there are more), with only the columns a row shows. Product and unit names come from
 *   the lookups' formatted-value annotations, which `context.webAPI` returns with every row
 *   (online and offline), so no `$expand` and no request per product;
 * - the newest `fsi_scmlastsyncedon` of the warehouse's rows: the top items by quantity need not
 *   be the ones SCM's on-hand sync touched last.
 */
import type { RowOf } from "@fsi/core/dataverse/schema";
import type { productInventory } from "@fsi/core/dataverse/tables";
import { allOf, compare, guidLiteral, numberLiteral, queryString } from "../../shared/services/odata";
import { lookupValueColumn } from "../../shared/services/webApi";

type InventoryColumn = keyof RowOf<typeof productInventory>;

export const inventoryColumns = {
  id: "msdyn_productinventoryid",
  warehouse: "msdyn_warehouse",
  product: "msdyn_product",
  unit: "msdyn_unit",
  onHand: "msdyn_qtyonhand",
  available: "msdyn_qtyavailable",
  onOrder: "msdyn_qtyonorder",
  lastSyncedOn: "fsi_scmlastsyncedon",
} as const satisfies Record<string, InventoryColumn>;

const stateColumn = "statecode" satisfies InventoryColumn;

export const inventoryTable = "msdyn_productinventory";

/** The most items the panel lists, whatever the form's input says: it is a summary, not a grid. */
export const largestItemCount = 100;

export interface WebApiQuery {
  readonly entityLogicalName: string;
  readonly options: string;
}

function ofWarehouse(warehouseId: string): string {
  return allOf(
    compare(lookupValueColumn(inventoryColumns.warehouse), "eq", guidLiteral(warehouseId)),
    compare(stateColumn, "eq", numberLiteral(0)),
  );
}

/** The top `count` rows by quantity on hand; the id breaks ties, so a refresh keeps the same cut. */
export function topItemsQuery(warehouseId: string, count: number): WebApiQuery {
  return {
    entityLogicalName: inventoryTable,
    options: queryString({
      select: [
        inventoryColumns.id,
        lookupValueColumn(inventoryColumns.product),
        lookupValueColumn(inventoryColumns.unit),
        inventoryColumns.onHand,
        inventoryColumns.available,
        inventoryColumns.onOrder,
      ],
      filter: ofWarehouse(warehouseId),
      orderBy: [`${inventoryColumns.onHand} desc`, inventoryColumns.id],
      top: count + 1,
    }),
  };
}

/** The warehouse's most recent on-hand sync: one row, one column. */
export function lastSyncQuery(warehouseId: string): WebApiQuery {
  return {
    entityLogicalName: inventoryTable,
    options: queryString({
      select: [inventoryColumns.id, inventoryColumns.lastSyncedOn],
      filter: allOf(ofWarehouse(warehouseId), compare(inventoryColumns.lastSyncedOn, "ne", "null")),
      orderBy: [`${inventoryColumns.lastSyncedOn} desc`],
      top: 1,
    }),
  };
}
