/**
 * (Field Service's own rule, emulated) Inventory journal → product inventory: a synchronous
 * PostOperation step on the creation of `msdyn_inventoryjournal` adds each journal's quantity to
 * the product inventory row of its warehouse and product (created when there is none), in the
 * journals' transaction — journals and the quantities they explain commit or roll back together.
 * The journal type says which quantity moves; available is on hand minus allocated.
 *
 * Registered on Create, it gets one journal (`Target`); registered on CreateMultiple, every journal
 * of the operation at once (`Targets`) — Dataverse merges the two pipelines, so the CreateMultiple
 * step also runs for a single Create (Learn, "Use bulk operation messages", Message pipelines
 * merged). With several journals it reads the rows they move in one query and writes them with
 * CreateMultiple / UpdateMultiple, one request each instead of two per journal; the quantity guard
 * lets these writes through because they run inside the journals' creation (ParentContext).
 */
import { InventoryJournalType, inventoryJournal, productInventory } from "../../../core/dataverse/tables";
import type { DataverseRecord } from "../../../core/dataverse/record";
import { isEntityReference } from "../../../core/dataverse/record";
import type { EntityReference } from "../../../core/dataverse/schema";
import { entityToRecord } from "../../context/entity-record";
import { isSdkEntity, type SdkEntity, type SdkEntityCollection, type SdkValue } from "../../context/sdk-values";
import { IntegrationError } from "../../integration/errors";
import type { PluginResult } from "../../plugins/plugin";
import type { QueriedRow } from "../clients/dataverse-gateway";
import { type FlowRuntime, isIntegrationWrite } from "../flows/runtime";
import type { InventoryExecutionContext, InventoryPlugin } from "./inventory-plugin";

type QuantityColumn = "msdyn_qtyonhand" | "msdyn_qtyallocated" | "msdyn_qtyonorder";

const columnOf: Readonly<Record<number, QuantityColumn>> = {
  [InventoryJournalType.OnHand]: "msdyn_qtyonhand",
  [InventoryJournalType.Allocated]: "msdyn_qtyallocated",
  [InventoryJournalType.OnOrder]: "msdyn_qtyonorder",
};

const QUANTITIES = ["msdyn_qtyonhand", "msdyn_qtyallocated", "msdyn_qtyonorder"] as const;

const round2 = (value: number): number => Math.round(value * 100) / 100;
const quantity = (value: unknown): number => (typeof value === "number" ? value : 0);

/** What the journals of one operation move on one product inventory row. */
interface Movement {
  readonly warehouse: EntityReference;
  readonly product: EntityReference;
  /** The first journal's unit: a row the journals create gets it. */
  readonly unit: EntityReference | undefined;
  readonly moved: Partial<Record<QuantityColumn, number>>;
}

const keyOf = (warehouse: EntityReference, product: EntityReference): string => `${warehouse.id.toLowerCase()}|${product.id.toLowerCase()}`;

export class JournalApplyPlugin implements InventoryPlugin {
  readonly name = "inventory-journal";

  constructor(private readonly runtime: FlowRuntime) {}

  async execute(context: InventoryExecutionContext): Promise<PluginResult> {
    const movements = new Map<string, Movement>();
    for (const target of journalsOf(context)) {
      const journal = entityToRecord(target, inventoryJournal);
      const { msdyn_product: product, msdyn_warehouse: warehouse } = journal;
      if (!isEntityReference(product) || !isEntityReference(warehouse)) {
        throw new IntegrationError("VALIDATION_FAILED", "An inventory journal needs a product and a warehouse.");
      }
      const type = typeof journal.msdyn_journaltype === "number" ? journal.msdyn_journaltype : InventoryJournalType.OnHand;
      const column = columnOf[type];
      if (column === undefined) throw new IntegrationError("VALIDATION_FAILED", `Journal type ${type} moves no product inventory quantity.`);
      const moved = quantity(journal.msdyn_quantity);
      if (moved === 0) continue;
      const key = keyOf(warehouse, product);
      const movement = movements.get(key) ?? { warehouse, product, unit: isEntityReference(journal.msdyn_unit) ? journal.msdyn_unit : undefined, moved: {} };
      movement.moved[column] = round2(quantity(movement.moved[column]) + moved);
      movements.set(key, movement);
    }
    if (movements.size === 0) return { outcome: "unchanged", message: "The journals move nothing." };

    // Joins the journals' transaction: the quantities and their journals commit or roll back together.
    const dataverse = this.runtime.dataverse.scoped({ correlationId: context.correlationId });
    const current = await this.currentRows(dataverse, [...movements.values()]);
    // A journal the integration wrote carries SCM's quantity: the row is confirmed against SCM now.
    const confirmed: DataverseRecord = isIntegrationWrite(context, this.runtime.settings) ? { fsi_scmlastsyncedon: this.runtime.clock().toISOString() } : {};
    const creates: DataverseRecord[] = [];
    const updates: { id: string; record: DataverseRecord }[] = [];
    const described: string[] = [];
    for (const [key, movement] of movements) {
      const row = current.get(key);
      const next: Record<QuantityColumn, number> = {
        msdyn_qtyonhand: round2(quantity(row?.record.msdyn_qtyonhand)),
        msdyn_qtyallocated: round2(quantity(row?.record.msdyn_qtyallocated)),
        msdyn_qtyonorder: round2(quantity(row?.record.msdyn_qtyonorder)),
      };
      const changed: DataverseRecord = {};
      for (const column of QUANTITIES) {
        const moved = movement.moved[column];
        if (moved === undefined) continue;
        next[column] = round2(next[column] + moved);
        changed[column] = next[column];
        described.push(`${column} ${moved > 0 ? "+" : ""}${moved} → ${next[column]}`);
      }
      const available = round2(next.msdyn_qtyonhand - next.msdyn_qtyallocated);
      if (row === undefined) {
        const { warehouse, product } = movement;
        const unit: DataverseRecord = movement.unit === undefined ? {} : { msdyn_unit: movement.unit };
        creates.push({ msdyn_name: nameOf(product, warehouse), msdyn_warehouse: warehouse, msdyn_product: product, ...unit, ...next, msdyn_qtyavailable: available, ...confirmed });
      } else {
        updates.push({ id: row.id, record: { ...changed, msdyn_qtyavailable: available, ...confirmed } });
      }
    }
    if (creates.length === 1 && creates[0] !== undefined) await dataverse.client.create(productInventory, creates[0]);
    else if (creates.length > 1) await dataverse.createMultiple(productInventory, creates);
    if (updates.length === 1 && updates[0] !== undefined) await dataverse.client.update(productInventory, updates[0].id, updates[0].record);
    else if (updates.length > 1) await dataverse.updateMultiple(productInventory, updates);
    const message = described.length <= 3 ? `${described.join("; ")}.` : `${movements.size} product inventory rows moved (${creates.length} created).`;
    return { outcome: "applied", message };
  }

  /** The product inventory rows the movements touch, by `<warehouse>|<product>`. */
  private async currentRows(dataverse: FlowRuntime["dataverse"], movements: readonly Movement[]): Promise<Map<string, QueriedRow>> {
    const found = new Map<string, QueriedRow>();
    const [only] = movements;
    if (movements.length === 1 && only !== undefined) {
      const row = await dataverse.client.findByKey(productInventory, { msdyn_warehouse: only.warehouse, msdyn_product: only.product }, QUANTITIES);
      if (row !== undefined) found.set(keyOf(only.warehouse, only.product), row);
      return found;
    }
    const pairs = movements.map((movement) => [movement.warehouse.id, movement.product.id] as const);
    for (const row of await dataverse.findByLookupPairs(productInventory, ["msdyn_warehouse", "msdyn_product"], pairs, ["msdyn_warehouse", "msdyn_product", ...QUANTITIES])) {
      const { msdyn_warehouse: warehouse, msdyn_product: product } = row.record;
      if (isEntityReference(warehouse) && isEntityReference(product)) found.set(keyOf(warehouse, product), row);
    }
    return found;
  }
}

/** The journals of the operation: Create's `Target`, or CreateMultiple's `Targets`. */
function journalsOf(context: InventoryExecutionContext): SdkEntity[] {
  const wrong = () =>
    new IntegrationError(
      "UNSUPPORTED_MESSAGE",
      `The inventory-journal plug-in runs on Create or CreateMultiple of ${inventoryJournal.logicalName}, not ${context.messageName} of ${context.primaryEntityName}.`,
    );
  if (context.primaryEntityName !== inventoryJournal.logicalName) throw wrong();
  if (context.messageName === "Create") {
    const target = context.inputParameters.Target;
    if (!isSdkEntity(target)) throw wrong();
    return [target];
  }
  if (context.messageName === "CreateMultiple") {
    const targets = context.inputParameters.Targets;
    if (!isEntityCollection(targets)) throw wrong();
    return [...targets.entities];
  }
  throw wrong();
}

function isEntityCollection(value: SdkValue | undefined): value is SdkEntityCollection {
  return typeof value === "object" && value !== null && !(value instanceof Date) && !Array.isArray(value) && "kind" in value && value.kind === "EntityCollection";
}

function nameOf(product: { readonly name?: string; readonly id: string }, warehouse: { readonly name?: string; readonly id: string }): string {
  return `${product.name ?? product.id} · ${warehouse.name ?? warehouse.id}`.slice(0, 100);
}
