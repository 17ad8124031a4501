/**
 * Field Service's own inventory journal processing, emulated: a created inventory journal moves
 * the product inventory of its warehouse and product, in the journal's transaction (CE
 * `ce/field-service/manual-inventory-journals.md`): an On Hand journal raises On Hand and
 * Available, an On Order journal raises On Order, an Allocated journal raises Allocated and lowers
 * Available; a negative quantity lowers them. A product with no inventory row at the warehouse
 * gets one.
 *
 * How Field Service's plug-ins do this internally is not documented; the effects above are. The
 * row's quantities are rounded to the columns' precision (2, the table reference's); a journal in
 * another unit of the same unit group is converted to the row's unit (`units.ts`, unconfirmed).
 */
import { InventoryJournalType, inventoryJournal, productInventory } from "@fsi/core/dataverse/tables";
import type { PlatformPlugin, PlatformService } from "../dataverse";
import { isLookupValue, lookupIdColumn, type LookupValue, type Row } from "../dataverse/storage/values";
import { convert } from "./units";

const round2 = (value: number): number => Math.round(value * 100) / 100;
const quantity = (value: unknown): number => (typeof value === "number" ? value : 0);

/** What each journal type moves: quantity column → sign. */
const MOVES: Readonly<Record<number, Readonly<Record<string, 1 | -1>>>> = {
  [InventoryJournalType.OnHand]: { msdyn_qtyonhand: 1, msdyn_qtyavailable: 1 },
  [InventoryJournalType.OnOrder]: { msdyn_qtyonorder: 1 },
  [InventoryJournalType.Allocated]: { msdyn_qtyallocated: 1, msdyn_qtyavailable: -1 },
};

/** The product inventory row of a warehouse and product, as the operation's transaction sees it. */
export function productInventoryId(
  service: PlatformService,
  warehouse: LookupValue,
  product: LookupValue,
): string | undefined {
  return service.findId(productInventory, {
    [lookupIdColumn("msdyn_warehouse")]: warehouse.id,
    [lookupIdColumn("msdyn_product")]: product.id,
  });
}

export const inventoryJournalProcessing: PlatformPlugin = {
  name: "Field Service: apply inventory journal",
  message: "Create",
  table: inventoryJournal.logicalName,
  stage: 40,
  async execute({ after, service }) {
    const journal = after ?? {};
    const { msdyn_warehouse: warehouse, msdyn_product: product } = journal;
    if (!isLookupValue(warehouse) || !isLookupValue(product))
      throw new Error("An inventory journal needs a warehouse and a product.");
    const type =
      typeof journal.msdyn_journaltype === "number" ? journal.msdyn_journaltype : InventoryJournalType.OnHand;
    const moves = MOVES[type];
    if (moves === undefined) throw new Error(`Journal type ${type} is not an inventory journal type.`);
    const id = productInventoryId(service, warehouse, product);
    const current: Row = id === undefined ? {} : (service.retrieve(productInventory, id) ?? {});
    const journalUnit = isLookupValue(journal.msdyn_unit ?? null) ? (journal.msdyn_unit as LookupValue) : undefined;
    const currentUnit = current.msdyn_unit ?? null;
    const rowUnit = isLookupValue(currentUnit) ? currentUnit : journalUnit;
    const moved = convert(service, quantity(journal.msdyn_quantity), journalUnit, rowUnit);
    const changes: Row = {};
    for (const [column, sign] of Object.entries(moves))
      changes[column] = round2(quantity(current[column]) + sign * moved);
    if (id !== undefined) {
      await service.update(productInventory, id, changes);
      return;
    }
    await service.create(productInventory, {
      msdyn_name: `${product.id} · ${warehouse.id}`.slice(0, 100),
      msdyn_warehouse: warehouse,
      msdyn_product: product,
      ...(rowUnit === undefined ? {} : { msdyn_unit: rowUnit }),
      msdyn_qtyonhand: 0,
      msdyn_qtyavailable: 0,
      msdyn_qtyallocated: 0,
      msdyn_qtyonorder: 0,
      ...changes,
    });
  },
};
