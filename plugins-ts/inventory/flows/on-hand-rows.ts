/**
 * The on-hand flow's row shapes and key, shared by the one-row path (`on-hand.ts`) and the batch
 * path (`on-hand-batch.ts`) so that neither imports the other at run time.
 */
import type { DataverseRecord } from "@fsi/core/dataverse/record";
import type { ScmRow } from "@fsi/core/scm/schema";
import type { ProductInfo, WarehouseInfo } from "./references";

/** A Field Service product inventory row as the flow compares it. */
export interface CurrentInventory {
  readonly id: string;
  readonly record: DataverseRecord;
}

/** An SCM row resolved to Field Service: its warehouse, product and mapped columns. */
export interface PreparedOnHand {
  readonly row: Readonly<ScmRow>;
  readonly item: string;
  readonly warehouse: WarehouseInfo;
  readonly product: ProductInfo;
  /** The template's columns, in Field Service terms. */
  readonly mapped: DataverseRecord;
}

/** What one row needs written, given what Field Service holds now. */
export interface OnHandPlan {
  /** A new row with nothing to journal: created without quantities (Field Service's to set). */
  readonly create: DataverseRecord | undefined;
  /** An existing row, after its journals: other mapped columns that changed, and the confirmation stamp. */
  readonly update: { readonly id: string; readonly record: DataverseRecord } | undefined;
  /** One journal per quantity that differs (delta = SCM − Field Service). */
  readonly journals: readonly DataverseRecord[];
  /** A row Field Service created for the journals still needs these (other mapped columns, the stamp). */
  readonly afterJournals: DataverseRecord | undefined;
  readonly outcome: "changed" | "unchanged";
}

/** `<warehouse id>|<product id>`: a product inventory row's key. */
export function inventoryKey(warehouseId: string, productId: string): string {
  return `${warehouseId.toLowerCase()}|${productId.toLowerCase()}`;
}
