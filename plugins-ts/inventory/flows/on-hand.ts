/**
 * On-hand (SCM → FS): one SCM on-hand row (item × warehouse) brought into Field Service product
 * inventory. SCM is the master, and Field Service quantities change only through inventory
 * journals: for each quantity the template maps, the flow writes a journal row with the
 * difference between SCM's quantity and Field Service's (delta = new − old), and the journal step
 * (`plugins/journal-apply.ts`) applies it. The same row applied twice writes nothing the second
 * time; a missed or late change is put right by the next one, because the difference is always
 * taken against what Field Service holds now.
 */
import { type DataverseRecord, sameValue } from "../../../core/dataverse/record";
import type { EntityReference } from "../../../core/dataverse/schema";
import { InventoryTransactionType, inventoryJournal, productInventory } from "../../../core/dataverse/tables";
import { flowDataverseLookups, flowRowToDataverse } from "../../../core/maps/flow-mapping";
import type { ToDataverseFlowContract } from "../../../core/maps/flows";
import { inventoryOnHand } from "../../../core/scm/inventory-entities";
import type { ScmKey, ScmRow } from "../../../core/scm/schema";
import type { ResolvedFlow } from "../templates/flow-catalog";
import { describeIssues, describeMissing } from "./describe";
import { type FlowRuntime, RowFailure, type RowOutcome } from "./runtime";

export interface CurrentInventory {
  /** Absent for a row a journal of this run created (found by key when needed). */
  readonly id: string | undefined;
  readonly record: DataverseRecord;
}

/** Field Service product inventory by `<warehouse id>|<product id>`. */
export type InventoryIndex = Map<string, CurrentInventory>;

const ZERO_QUANTITIES = { msdyn_qtyonhand: 0, msdyn_qtyallocated: 0, msdyn_qtyonorder: 0, msdyn_qtyavailable: 0 } as const;

/**
 * Above this many rows a run loads the references (warehouses, products, units: small tables) with
 * paged queries; above the second, Field Service's whole product inventory too — loading it is
 * worth it only when a good part of it is read (measured: 1,000 rows of 100k are faster read one
 * by one).
 */
const PRELOAD_REFERENCES = 500;
const PRELOAD_INVENTORY = 5000;

/** Field Service keeps quantities to 2 decimals (`decimal(2)`), so differences are taken there. */
const round2 = (value: number): number => Math.round(value * 100) / 100;
const quantityOf = (value: unknown): number => (typeof value === "number" ? value : 0);

export class OnHandFlow {
  readonly entity = inventoryOnHand;
  private readonly contract: ToDataverseFlowContract;

  constructor(
    readonly flow: ResolvedFlow,
    private readonly runtime: FlowRuntime,
  ) {
    if (flow.contract.direction !== "toDataverse") throw new Error("the on-hand flow runs SCM → Field Service");
    this.contract = flow.contract;
  }

  rowKey(row: Readonly<ScmRow>): string {
    return [row.dataAreaId, row.ItemNumber, row.WarehouseId].map((part) => String(part ?? "").toLowerCase()).join("/");
  }

  keyOf(row: Readonly<ScmRow>): { readonly dataAreaId: string; readonly ItemNumber: string; readonly WarehouseId: string } {
    return { dataAreaId: String(row.dataAreaId ?? ""), ItemNumber: String(row.ItemNumber ?? ""), WarehouseId: String(row.WarehouseId ?? "") };
  }

  /** The row as SCM would send it after a delete: every quantity the template maps at zero. */
  zeroRow(key: Readonly<ScmKey>): ScmRow {
    const row: ScmRow = { ...key };
    for (const pair of this.flow.map.columns) if (pair.dataverse in this.journaled()) row[pair.scm] = 0;
    return row;
  }

  /**
   * Before a run over `total` rows: references, and for a large run every Field Service product
   * inventory row, are loaded with paged queries, and rows are then compared with that index
   * instead of read one by one. Every apply (the run's and live events') keeps the index up
   * to date while it is in use. Returns the release to call when the run ends.
   */
  async prepareRun(total: number): Promise<() => void> {
    this.runs += 1;
    if (total > PRELOAD_REFERENCES && this.index === undefined) await this.runtime.references.preload();
    if (total > PRELOAD_INVENTORY && this.index === undefined) this.index = await this.loadIndex();
    return () => {
      this.runs -= 1;
      if (this.runs === 0) this.index = undefined;
    };
  }

  /** SCM deleted the row (or it is gone): every mapped quantity goes to zero through journals. */
  applyDeleted(key: Readonly<ScmRow>): Promise<RowOutcome> {
    return this.apply(this.zeroRow(this.keyOf(key)));
  }

  private index: InventoryIndex | undefined;
  private runs = 0;

  /** Every Field Service product inventory row. */
  private async loadIndex(): Promise<InventoryIndex> {
    const index: InventoryIndex = new Map();
    for await (const page of this.runtime.dataverse.pages(productInventory, this.currentColumns())) {
      for (const row of page) {
        const key = indexKey(row.record.msdyn_warehouse, row.record.msdyn_product);
        if (key !== undefined) index.set(key, row);
      }
    }
    return index;
  }

  apply(row: Readonly<ScmRow>): Promise<RowOutcome> {
    return this.runtime.rowLocks.run(`on-hand:${this.rowKey(row)}`, () => this.applyNow(row, this.index));
  }

  private journaled(): Readonly<Record<string, number>> {
    return this.contract.journaledColumns ?? {};
  }

  private idOf(warehouse: EntityReference, product: EntityReference): Promise<string | undefined> {
    return findId(this.runtime, warehouse, product);
  }

  private currentColumns(): string[] {
    const mapped = this.flow.map.columns.map((pair) => pair.dataverse);
    return [...new Set(["msdyn_warehouse", "msdyn_product", "msdyn_unit", ...Object.keys(this.journaled()), ...mapped])];
  }

  private async applyNow(row: Readonly<ScmRow>, index: InventoryIndex | undefined): Promise<RowOutcome> {
    const { references, dataverse, clock } = this.runtime;
    const { dataAreaId, ItemNumber: item, WarehouseId: warehouseId } = this.keyOf(row);
    const company = dataAreaId.toLowerCase();
    const warehouse = await references.warehouseByKey(company, warehouseId);
    if (warehouse === undefined) throw new RowFailure(`waits for warehouse ${warehouseId} of company ${company} in Field Service`);
    const product = await references.productByNumber(item);
    if (product === undefined) throw new RowFailure(`waits for product ${item} in Field Service (its Product ID must be the SCM item number)`);
    const lookups = await references.answerDataverse(flowDataverseLookups(this.flow.map.columns, row, company));
    if (lookups.missing.length > 0) throw new RowFailure(`waits for ${describeMissing(lookups.missing)} in Field Service`);
    const mapped = flowRowToDataverse(this.flow.map.columns, this.entity, row, lookups.answers, company);
    if (mapped.issues.length > 0) throw new RowFailure(`cannot be carried: ${describeIssues(mapped.issues)}`);
    const record: DataverseRecord = { ...mapped.record, msdyn_warehouse: warehouse.reference, msdyn_product: product.reference };
    if (this.flow.filter !== undefined && !this.flow.filter.matches(record)) return "filtered";

    const key = `${warehouse.reference.id}|${product.reference.id}`;
    const current =
      index === undefined
        ? await dataverse.client.findByKey(productInventory, { msdyn_warehouse: warehouse.reference, msdyn_product: product.reference }, this.currentColumns())
        : index.get(key);
    const journaled = this.journaled();
    const deltas = Object.entries(journaled).flatMap(([column, journalType]) => {
      if (!(column in mapped.record)) return [];
      const delta = round2(round2(quantityOf(mapped.record[column])) - round2(quantityOf(current?.record[column])));
      return delta === 0 ? [] : [{ column, journalType, delta }];
    });
    const others = Object.entries(mapped.record).filter(([column]) => !(column in journaled));
    const changedOthers = Object.fromEntries(others.filter(([column, value]) => current === undefined || !sameValue(value, current.record[column] ?? null)));
    const now = clock().toISOString();

    // With a journal to write, the journal step creates the row (with the journal's unit) or updates
    // it, and stamps when SCM confirmed it; the flow writes the row itself only when no journal
    // does, or for other columns the template maps.
    const extra = Object.fromEntries(Object.entries(changedOthers).filter(([column]) => current !== undefined || deltas.length === 0 || column !== "msdyn_unit"));
    let id = current?.id;
    if (current === undefined && deltas.length === 0) {
      id = await dataverse.client.create(productInventory, {
        msdyn_name: `${item} · ${warehouse.identifier}`,
        msdyn_warehouse: warehouse.reference,
        msdyn_product: product.reference,
        ...ZERO_QUANTITIES,
        ...extra,
        fsi_scmlastsyncedon: now,
      });
    } else if (current !== undefined && (deltas.length === 0 || Object.keys(extra).length > 0)) {
      id ??= await this.idOf(warehouse.reference, product.reference);
      if (id !== undefined) await dataverse.client.update(productInventory, id, { ...extra, fsi_scmlastsyncedon: now });
    }
    const unit = record.msdyn_unit ?? current?.record.msdyn_unit ?? null;
    for (const { journalType, delta } of deltas) {
      await dataverse.client.create(inventoryJournal, {
        msdyn_name: `SCM on-hand ${item} @ ${warehouse.identifier}`,
        msdyn_product: product.reference,
        msdyn_warehouse: warehouse.reference,
        ...(unit === null ? {} : { msdyn_unit: unit }),
        msdyn_quantity: delta,
        msdyn_journaltype: journalType,
        msdyn_transactiontype: InventoryTransactionType.Adjustment,
      });
    }
    if (current === undefined && deltas.length > 0 && Object.keys(extra).length > 0) {
      id = await this.idOf(warehouse.reference, product.reference);
      if (id !== undefined) await dataverse.client.update(productInventory, id, extra);
    }
    if (index !== undefined) {
      const next: DataverseRecord = { ...(current === undefined ? ZERO_QUANTITIES : current.record), ...changedOthers, msdyn_warehouse: warehouse.reference, msdyn_product: product.reference };
      for (const { column, delta } of deltas) next[column] = round2(quantityOf(current?.record[column]) + delta);
      index.set(key, { id, record: next });
    }
    return current === undefined || deltas.length > 0 || Object.keys(changedOthers).length > 0 ? "changed" : "unchanged";
  }
}

async function findId(runtime: FlowRuntime, warehouse: EntityReference, product: EntityReference): Promise<string | undefined> {
  return (await runtime.dataverse.client.findByKey(productInventory, { msdyn_warehouse: warehouse, msdyn_product: product }, []))?.id;
}

function indexKey(warehouse: unknown, product: unknown): string | undefined {
  const warehouseId = (warehouse as { id?: unknown } | null | undefined)?.id;
  const productId = (product as { id?: unknown } | null | undefined)?.id;
  return typeof warehouseId === "string" && typeof productId === "string" ? `${warehouseId.toLowerCase()}|${productId.toLowerCase()}` : undefined;
}
