/**
 * (Field Service's own rule, emulated) Inventory journal → product inventory: a synchronous
 * PostOperation step on Create of `msdyn_inventoryjournal` adds the journal's quantity to the
 * product inventory row of its warehouse and product (created when there is none), in the
 * journal's transaction — a journal and the quantity it explains commit or roll back together.
 * The journal type says which quantity moves; available is on hand minus allocated.
 */
import { InventoryJournalType, inventoryJournal, productInventory } from "../../../core/dataverse/tables";
import type { DataverseRecord } from "../../../core/dataverse/record";
import { isEntityReference } from "../../../core/dataverse/record";
import { entityToRecord } from "../../context/entity-record";
import { targetOf } from "../../context/execution-context";
import { isSdkEntity } from "../../context/sdk-values";
import { IntegrationError } from "../../integration/errors";
import type { PluginResult } from "../../plugins/plugin";
import { type FlowRuntime, isIntegrationWrite } from "../flows/runtime";
import type { InventoryExecutionContext, InventoryPlugin } from "./inventory-plugin";

const columnOf: Readonly<Record<number, "msdyn_qtyonhand" | "msdyn_qtyallocated" | "msdyn_qtyonorder">> = {
  [InventoryJournalType.OnHand]: "msdyn_qtyonhand",
  [InventoryJournalType.Allocated]: "msdyn_qtyallocated",
  [InventoryJournalType.OnOrder]: "msdyn_qtyonorder",
};

const round2 = (value: number): number => Math.round(value * 100) / 100;
const quantity = (value: unknown): number => (typeof value === "number" ? value : 0);

export class JournalApplyPlugin implements InventoryPlugin {
  readonly name = "inventory-journal";

  constructor(private readonly runtime: FlowRuntime) {}

  async execute(context: InventoryExecutionContext): Promise<PluginResult> {
    const target = targetOf(context);
    if (context.messageName !== "Create" || context.primaryEntityName !== inventoryJournal.logicalName || !isSdkEntity(target)) {
      throw new IntegrationError("UNSUPPORTED_MESSAGE", `The inventory-journal plug-in runs on Create of ${inventoryJournal.logicalName}, not ${context.messageName} of ${context.primaryEntityName}.`);
    }
    const journal = entityToRecord(target, inventoryJournal);
    const { msdyn_product: product, msdyn_warehouse: warehouse } = journal;
    if (!isEntityReference(product) || !isEntityReference(warehouse)) {
      throw new IntegrationError("VALIDATION_FAILED", "An inventory journal needs a product and a warehouse.");
    }
    const moved = quantity(journal.msdyn_quantity);
    const type = typeof journal.msdyn_journaltype === "number" ? journal.msdyn_journaltype : InventoryJournalType.OnHand;
    const column = columnOf[type];
    if (column === undefined) throw new IntegrationError("VALIDATION_FAILED", `Journal type ${type} moves no product inventory quantity.`);
    if (moved === 0) return { outcome: "unchanged", message: "The journal moves nothing." };

    // Joins the journal's transaction: the quantity and its journal commit or roll back together.
    const dataverse = this.runtime.dataverse.scoped({ correlationId: context.correlationId });
    const key = { msdyn_warehouse: warehouse, msdyn_product: product };
    const current = await dataverse.client.findByKey(productInventory, key, ["msdyn_qtyonhand", "msdyn_qtyallocated", "msdyn_qtyonorder"]);
    const next: DataverseRecord = {
      msdyn_qtyonhand: round2(quantity(current?.record.msdyn_qtyonhand)),
      msdyn_qtyallocated: round2(quantity(current?.record.msdyn_qtyallocated)),
      msdyn_qtyonorder: round2(quantity(current?.record.msdyn_qtyonorder)),
    };
    next[column] = round2(quantity(next[column]) + moved);
    next.msdyn_qtyavailable = round2(quantity(next.msdyn_qtyonhand) - quantity(next.msdyn_qtyallocated));
    // A journal the integration wrote carries SCM's quantity: the row is confirmed against SCM now.
    const confirmed: DataverseRecord = isIntegrationWrite(context, this.runtime.settings) ? { fsi_scmlastsyncedon: this.runtime.clock().toISOString() } : {};
    if (current === undefined) {
      const unit: DataverseRecord = isEntityReference(journal.msdyn_unit) ? { msdyn_unit: journal.msdyn_unit } : {};
      await dataverse.client.create(productInventory, { msdyn_name: nameOf(product, warehouse), ...key, ...unit, ...next, ...confirmed });
    } else {
      await dataverse.client.update(productInventory, current.id, { [column]: next[column] ?? 0, msdyn_qtyavailable: next.msdyn_qtyavailable, ...confirmed });
    }
    return { outcome: "applied", message: `${column} ${moved > 0 ? "+" : ""}${moved} → ${String(next[column])}.` };
  }
}

function nameOf(product: { readonly name?: string; readonly id: string }, warehouse: { readonly name?: string; readonly id: string }): string {
  return `${product.name ?? product.id} · ${warehouse.name ?? warehouse.id}`.slice(0, 100);
}
