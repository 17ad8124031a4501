/**
 * What the on-hand panel asks of the outside world, behind one small interface: a warehouse's top
 * items by quantity on hand and when SCM last confirmed its quantities. Two requests, sent together.
 */
import {
  formattedValue,
  lookupValueColumn,
  numberColumn,
  stringColumn,
  type WebApiEntity,
  type WebApiReader,
} from "../../shared/services/webApi";
import { inventoryColumns, lastSyncQuery, topItemsQuery } from "./onHandQuery";

export interface OnHandItem {
  /** The inventory row (`msdyn_productinventoryid`). */
  readonly id: string;
  /** The product's name, as the server formatted the lookup; null when it sent none. */
  readonly product: string | null;
  readonly unit: string | null;
  readonly onHand: number;
  readonly available: number;
  readonly onOrder: number;
}

export interface OnHandResult {
  /** Most on hand first; ties by product name. */
  readonly items: readonly OnHandItem[];
  /** The warehouse holds more items than were listed. */
  readonly more: boolean;
  /** The newest `fsi_scmlastsyncedon` of the warehouse's rows; null when SCM never synced them. */
  readonly lastSyncedOn: Date | null;
}

export interface WarehouseOnHandService {
  onHand(warehouseId: string, count: number): Promise<OnHandResult>;
}

function toItem(row: WebApiEntity): OnHandItem | null {
  const id = stringColumn(row, inventoryColumns.id);
  if (!id) return null;
  return {
    id,
    product: formattedValue(row, lookupValueColumn(inventoryColumns.product)),
    unit: formattedValue(row, lookupValueColumn(inventoryColumns.unit)),
    onHand: numberColumn(row, inventoryColumns.onHand) ?? 0,
    available: numberColumn(row, inventoryColumns.available) ?? 0,
    onOrder: numberColumn(row, inventoryColumns.onOrder) ?? 0,
  };
}

/** The Web API sends date-time columns as ISO 8601 text (UTC). */
function dateColumn(row: WebApiEntity | undefined, column: string): Date | null {
  const text = row === undefined ? null : stringColumn(row, column);
  const time = text === null ? NaN : Date.parse(text);
  return Number.isNaN(time) ? null : new Date(time);
}

function byQuantityThenName(a: OnHandItem, b: OnHandItem): number {
  return b.onHand - a.onHand || (a.product ?? "").localeCompare(b.product ?? "");
}

export async function readOnHand(webApi: WebApiReader, warehouseId: string, count: number): Promise<OnHandResult> {
  const top = topItemsQuery(warehouseId, count);
  const sync = lastSyncQuery(warehouseId);
  const [rows, synced] = await Promise.all([
    webApi.retrieveMultipleRecords(top.entityLogicalName, top.options),
    webApi.retrieveMultipleRecords(sync.entityLogicalName, sync.options),
  ]);
  const items = rows.entities.map(toItem).filter((item) => item !== null);
  return {
    items: items.slice(0, count).sort(byQuantityThenName),
    more: items.length > count,
    lastSyncedOn: dateColumn(synced.entities[0], inventoryColumns.lastSyncedOn),
  };
}

export function createWarehouseOnHandService(webApi: WebApiReader): WarehouseOnHandService {
  return { onHand: (warehouseId, count) => readOnHand(webApi, warehouseId, count) };
}
