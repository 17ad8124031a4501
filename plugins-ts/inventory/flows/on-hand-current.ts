/**
 * Field Service's product inventory rows for many on-hand rows at once, in as few and as simple
 * queries as the rows allow. A batch run's chunk holds SCM's rows in row-version order, which for
 * a first load or a full re-read means many products of the same few warehouses:
 * - a warehouse with many products in the chunk is read whole (`_msdyn_warehouse_value eq W`,
 *   one query served by the lookup's index) with `$top` at a few times those products — when
 *   fewer rows come back, they are all the warehouse has, and a warehouse Field Service holds
 *   nothing for yet (a first load) costs one empty answer;
 * - a warehouse that holds more than that (the answer is cut at `$top`) is remembered as large
 *   and read by key pairs from then on, as are warehouses with few products in the chunk
 *   (`DataverseClient.findByLookupPairs`: `$batch`ed queries of up to 20 keys).
 */
import { isEntityReference } from "@fsi/core/dataverse/record";
import { productInventory } from "@fsi/core/dataverse/tables";
import type { DataverseClient } from "../../services/dataverse-client";
import { type CurrentInventory, type PreparedOnHand, inventoryKey } from "./on-hand-rows";

/** Products of one warehouse in a chunk from which the whole warehouse is read instead of keys. */
export const WHOLE_WAREHOUSE_FROM = 10;
/** A whole-warehouse read asks for at most this many times the chunk's products of it. */
const WHOLE_WAREHOUSE_FACTOR = 4;
/** Dataverse's largest page: a whole-warehouse read never needs a second one. */
const MAX_PAGE = 5000;

export class CurrentInventoryReader {
  /** Warehouses found to hold more rows than a whole read takes (kept for the engine's life: a hint only). */
  private readonly large = new Set<string>();

  constructor(private readonly dataverse: DataverseClient) {}

  /** The product inventory rows of `rows` that Field Service has, by `<warehouse>|<product>`. */
  async read(rows: readonly PreparedOnHand[], columns: readonly string[]): Promise<Map<string, CurrentInventory>> {
    const found = new Map<string, CurrentInventory>();
    const byWarehouse = new Map<string, Set<string>>();
    for (const row of rows) {
      const warehouse = row.warehouse.reference.id.toLowerCase();
      const products = byWarehouse.get(warehouse) ?? new Set<string>();
      products.add(row.product.reference.id.toLowerCase());
      byWarehouse.set(warehouse, products);
    }
    const pairs: (readonly [string, string])[] = [];
    await Promise.all(
      [...byWarehouse].map(async ([warehouse, products]) => {
        const whole =
          products.size >= WHOLE_WAREHOUSE_FROM && !this.large.has(warehouse)
            ? await this.wholeWarehouse(warehouse, products.size, columns)
            : undefined;
        if (whole === undefined) {
          for (const product of products) pairs.push([warehouse, product]);
          return;
        }
        for (const row of whole) {
          const product = row.record.msdyn_product;
          if (isEntityReference(product) && products.has(product.id.toLowerCase()))
            found.set(inventoryKey(warehouse, product.id), row);
        }
      }),
    );
    if (pairs.length > 0) {
      for (const row of await this.dataverse.findByLookupPairs(
        productInventory,
        ["msdyn_warehouse", "msdyn_product"],
        pairs,
        columns,
      )) {
        const { msdyn_warehouse: warehouse, msdyn_product: product } = row.record;
        if (isEntityReference(warehouse) && isEntityReference(product))
          found.set(inventoryKey(warehouse.id, product.id), row);
      }
    }
    return found;
  }

  /** Every row of the warehouse, or undefined when it holds more than a whole read takes. */
  private async wholeWarehouse(
    warehouse: string,
    products: number,
    columns: readonly string[],
  ): Promise<CurrentInventory[] | undefined> {
    const top = Math.min(MAX_PAGE, products * WHOLE_WAREHOUSE_FACTOR);
    const rows = await this.dataverse.all(productInventory, columns, {
      filter: `_msdyn_warehouse_value eq ${warehouse}`,
      top,
      pageSize: top,
    });
    if (rows.length < top) return rows;
    this.large.add(warehouse);
    return undefined;
  }
}
