/**
 * On-hand (SCM → FS): one SCM on-hand row (item × warehouse) brought into Field Service product
 * inventory. SCM is the master. Field Service moves product inventory from inventory journals,
 * and manual journals are its way to integrate an external inventory system (CE
 * `ce/field-service/manual-inventory-journals.md`): for each quantity the template maps, the flow
 * writes a Manual journal with the difference between SCM's quantity and Field Service's
 * (delta = new − old), and Field Service applies it in the journal's transaction. The flow never
 * writes a quantity. The same row applied twice writes nothing the second time; a missed or late
 * change is put right by the next one, because the difference is always taken against what Field
 * Service holds now (exactly once: a journal that landed is in the quantity the next read sees).
 *
 * A live event applies one row (`apply`); a batch run applies many at once (`applyMany`,
 * `on-hand-batch.ts`): the same plan per row, the reads and writes grouped into a few requests.
 */
import { type DataverseRecord, isEntityReference, sameValue } from "@fsi/core/dataverse/record";
import { InventoryTransactionType, inventoryJournal, productInventory } from "@fsi/core/dataverse/tables";
import { flowDataverseLookups, flowRowToDataverse } from "@fsi/core/maps/flow-mapping";
import type { ToDataverseFlowContract } from "@fsi/core/maps/flows";
import { inventoryOnHand } from "@fsi/core/scm/inventory-entities";
import type { ScmKey, ScmRow } from "@fsi/core/scm/schema";
import type { ResolvedFlow } from "../templates/flow-catalog";
import { describeIssues, describeMissing } from "./describe";
import { applyOnHandBatch, type BatchRowResult } from "./on-hand-batch";
import { CurrentInventoryReader } from "./on-hand-current";
import type { CurrentInventory, OnHandPlan, PreparedOnHand } from "./on-hand-rows";
import { type FlowRuntime, RowFailure, type RowOutcome } from "./runtime";

/** Above this many rows a run loads the references (warehouses, products, units: small tables) with paged queries. */
const PRELOAD_REFERENCES = 500;

/** Field Service keeps quantities to 2 decimals (Double, precision 2), so differences are taken there. */
const round2 = (value: number): number => Math.round(value * 100) / 100;
const quantityOf = (value: unknown): number => (typeof value === "number" ? value : 0);

export class OnHandFlow {
  readonly entity = inventoryOnHand;
  /** Field Service's rows for a batch's chunk, read in few queries. */
  readonly currentInventory: CurrentInventoryReader;
  private readonly contract: ToDataverseFlowContract;

  constructor(
    readonly flow: ResolvedFlow,
    readonly runtime: FlowRuntime,
  ) {
    if (flow.contract.direction !== "toDataverse") throw new Error("the on-hand flow runs SCM → Field Service");
    this.contract = flow.contract;
    this.currentInventory = new CurrentInventoryReader(runtime.dataverse);
  }

  rowKey(row: Readonly<ScmRow>): string {
    return [row.dataAreaId, row.ItemNumber, row.WarehouseId].map((part) => String(part ?? "").toLowerCase()).join("/");
  }

  /** The per-row lock every write of this row holds (live events and batch runs alike). */
  lockKey(row: Readonly<ScmRow>): string {
    return `on-hand:${this.rowKey(row)}`;
  }

  keyOf(row: Readonly<ScmRow>): {
    readonly dataAreaId: string;
    readonly ItemNumber: string;
    readonly WarehouseId: string;
  } {
    return {
      dataAreaId: String(row.dataAreaId ?? ""),
      ItemNumber: String(row.ItemNumber ?? ""),
      WarehouseId: String(row.WarehouseId ?? ""),
    };
  }

  /** The row as SCM would send it after a delete: every quantity the template maps at zero. */
  zeroRow(key: Readonly<ScmKey>): ScmRow {
    const row: ScmRow = { ...key };
    for (const pair of this.flow.map.columns) if (pair.dataverse in this.journaled()) row[pair.scm] = 0;
    return row;
  }

  /** Before a run over `total` rows: a large run loads the references with paged queries. */
  async prepareRun(total: number): Promise<() => void> {
    if (total > PRELOAD_REFERENCES) await this.runtime.references.preload();
    return () => undefined;
  }

  /** SCM deleted the row (or it is gone): every mapped quantity goes to zero through journals. */
  applyDeleted(key: Readonly<ScmRow>): Promise<RowOutcome> {
    return this.apply(this.zeroRow(this.keyOf(key)));
  }

  apply(row: Readonly<ScmRow>): Promise<RowOutcome> {
    return this.runtime.rowLocks.run(this.lockKey(row), () => this.applyNow(row));
  }

  /**
   * Many rows of a batch run (distinct rows, as one SCM page holds them), each under its row lock:
   * one result per row, in order — an outcome, or the failure that keeps the row for the next run.
   */
  applyMany(rows: readonly Readonly<ScmRow>[]): Promise<BatchRowResult[]> {
    return this.runtime.rowLocks.runAll(
      rows.map((row) => this.lockKey(row)),
      () => applyOnHandBatch(this, rows),
    );
  }

  /** One row, its lock held: read what Field Service holds, then write the plan one request at a time. */
  async applyNow(row: Readonly<ScmRow>): Promise<RowOutcome> {
    const prepared = await this.prepare(row);
    if (prepared === "filtered") return "filtered";
    const { dataverse } = this.runtime;
    const key = { msdyn_warehouse: prepared.warehouse.reference, msdyn_product: prepared.product.reference };
    const current = await dataverse.findByKey(productInventory, key, this.currentColumns());
    const plan = this.plan(prepared, current, await this.rowUnitsPerScmUnit(prepared, current));
    if (plan.create !== undefined) await dataverse.create(productInventory, plan.create);
    for (const journal of plan.journals) await dataverse.create(inventoryJournal, journal);
    if (plan.update !== undefined) await dataverse.update(productInventory, plan.update.id, plan.update.record);
    if (plan.afterJournals !== undefined) {
      const created = await dataverse.findByKey(productInventory, key, []);
      if (created !== undefined) await dataverse.update(productInventory, created.id, plan.afterJournals);
    }
    return plan.outcome;
  }

  /** Resolves the row's warehouse, product and mapped columns; throws `RowFailure` for what is missing. */
  async prepare(row: Readonly<ScmRow>): Promise<PreparedOnHand | "filtered"> {
    const { references } = this.runtime;
    const { dataAreaId, ItemNumber: item, WarehouseId: warehouseId } = this.keyOf(row);
    const company = dataAreaId.toLowerCase();
    const warehouse = await references.warehouseByKey(company, warehouseId);
    if (warehouse === undefined)
      throw new RowFailure(`waits for warehouse ${warehouseId} of company ${company} in Field Service`);
    const product = await references.productByNumber(item);
    if (product === undefined)
      throw new RowFailure(`waits for product ${item} in Field Service (its Product ID must be the SCM item number)`);
    const lookups = await references.answerDataverse(flowDataverseLookups(this.flow.map.columns, row, company));
    if (lookups.missing.length > 0)
      throw new RowFailure(`waits for ${describeMissing(lookups.missing)} in Field Service`);
    const mapped = flowRowToDataverse(this.flow.map.columns, this.entity, row, lookups.answers, company);
    if (mapped.issues.length > 0) throw new RowFailure(`cannot be carried: ${describeIssues(mapped.issues)}`);
    const record: DataverseRecord = {
      ...mapped.record,
      msdyn_warehouse: warehouse.reference,
      msdyn_product: product.reference,
    };
    if (this.flow.filter !== undefined && !this.flow.filter.matches(record)) return "filtered";
    return { row, item, warehouse, product, mapped: mapped.record };
  }

  /**
   * How many of the Field Service row's unit one of SCM's unit makes (1 when they are the same or
   * either is unknown): Field Service units convert within a unit group, each holding `quantity`
   * base units. Units of different groups cannot be compared: the row waits.
   */
  async rowUnitsPerScmUnit(prepared: PreparedOnHand, current: CurrentInventory | undefined): Promise<number> {
    const scmUnit = prepared.mapped.msdyn_unit;
    const rowUnit = current?.record.msdyn_unit;
    if (
      !isEntityReference(scmUnit) ||
      !isEntityReference(rowUnit) ||
      scmUnit.id.toLowerCase() === rowUnit.id.toLowerCase()
    )
      return 1;
    const [from, to] = [
      await this.runtime.references.unitById(scmUnit.id),
      await this.runtime.references.unitById(rowUnit.id),
    ];
    if (from === undefined || to === undefined || from.baseId !== to.baseId) {
      throw new RowFailure(
        `cannot be carried: SCM's unit ${from?.name ?? scmUnit.id} does not convert to the unit Field Service keeps the row in (${to?.name ?? rowUnit.id})`,
      );
    }
    return from.quantity / to.quantity;
  }

  /** The columns read from Field Service to compare a row. */
  currentColumns(): string[] {
    const mapped = this.flow.map.columns.map((pair) => pair.dataverse);
    return [
      ...new Set(["msdyn_warehouse", "msdyn_product", "msdyn_unit", ...Object.keys(this.journaled()), ...mapped]),
    ];
  }

  /**
   * What a row needs, given Field Service's row now (`current`). With a journal to write, Field
   * Service creates the row (with the journal's unit) or moves its quantities; the flow then stamps
   * when SCM confirmed it, with any other column the template maps.
   */
  plan(prepared: PreparedOnHand, current: CurrentInventory | undefined, rowUnitsPerScmUnit = 1): OnHandPlan {
    const { mapped, warehouse, product, item } = prepared;
    const journaled = this.journaled();
    // Compared in the unit Field Service keeps the row in: a row's unit is Field Service's, never rewritten.
    const deltas = Object.entries(journaled).flatMap(([column, journalType]) => {
      if (!(column in mapped)) return [];
      const delta = round2(
        round2(quantityOf(mapped[column]) * rowUnitsPerScmUnit) - round2(quantityOf(current?.record[column])),
      );
      return delta === 0 ? [] : [{ journalType, delta }];
    });
    const rowUnit = current?.record.msdyn_unit ?? null;
    const others = Object.entries(mapped).filter(
      ([column]) => !(column in journaled) && !(column === "msdyn_unit" && rowUnit !== null),
    );
    const changedOthers = Object.fromEntries(
      others.filter(([column, value]) => current === undefined || !sameValue(value, current.record[column] ?? null)),
    );
    const now = this.runtime.clock().toISOString();
    const extra: DataverseRecord = Object.fromEntries(
      Object.entries(changedOthers).filter(
        ([column]) => current !== undefined || deltas.length === 0 || column !== "msdyn_unit",
      ),
    );
    const unit = rowUnit ?? mapped.msdyn_unit ?? null;
    const confirmed: DataverseRecord = { ...extra, fsi_scmlastsyncedon: now };
    return {
      create:
        current === undefined && deltas.length === 0
          ? {
              msdyn_name: `${item} · ${warehouse.identifier}`,
              msdyn_warehouse: warehouse.reference,
              msdyn_product: product.reference,
              ...confirmed,
            }
          : undefined,
      update: current !== undefined ? { id: current.id, record: confirmed } : undefined,
      journals: deltas.map(({ journalType, delta }) => ({
        msdyn_name: `SCM on-hand ${item} @ ${warehouse.identifier}`,
        msdyn_product: product.reference,
        msdyn_warehouse: warehouse.reference,
        ...(unit === null ? {} : { msdyn_unit: unit }),
        msdyn_quantity: delta,
        msdyn_journaltype: journalType,
        msdyn_transactiontype: InventoryTransactionType.Manual,
      })),
      afterJournals: current === undefined && deltas.length > 0 ? confirmed : undefined,
      outcome:
        current === undefined || deltas.length > 0 || Object.keys(changedOthers).length > 0 ? "changed" : "unchanged",
    };
  }

  private journaled(): Readonly<Record<string, number>> {
    return this.contract.journaledColumns ?? {};
  }
}
