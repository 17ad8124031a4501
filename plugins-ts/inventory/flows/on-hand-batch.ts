/**
 * Many on-hand rows at once (a batch run's page), as the platform intends bulk work to be done
 * (Learn, "Use bulk operation messages"; "Optimize performance for bulk operations"):
 * - Field Service's rows for all of them are read with a few queries, not one per row
 *   (`on-hand-current.ts`: whole warehouses when the chunk holds many of their products, else
 *   key pairs);
 * - new rows, journals and stamps are written with CreateMultiple / UpdateMultiple — one request
 *   and one transaction per group; Field Service applies each journal to its product inventory in
 *   that transaction;
 * - each row's plan (`OnHandFlow.plan`) is the one a single row gets: delta = SCM − Field Service,
 *   taken against what Field Service holds now (read under the rows' locks).
 * A bulk request on a standard table rolls back entirely when one row fails, so the rows of a
 * group that failed are applied again one by one (read afresh, so nothing is applied twice): the
 * bad row fails alone and is kept for the next run, the others land. Dataverse out of reach stops
 * the run (the checkpoint stays; the next run reads the page again).
 */
import type { DataverseRecord } from "@fsi/core/dataverse/record";
import { inventoryJournal, productInventory } from "@fsi/core/dataverse/tables";
import type { ScmRow } from "@fsi/core/scm/schema";
import type { OnHandFlow } from "./on-hand";
import { type CurrentInventory, type OnHandPlan, type PreparedOnHand, inventoryKey } from "./on-hand-rows";
import { isRowFailure, type RowOutcome } from "./runtime";

/** A row's outcome, or the failure that keeps it for the next run. */
export type BatchRowResult = RowOutcome | Error;

/**
 * Journals per CreateMultiple request for rows new to Field Service: one transaction holds the
 * journals and the product inventory rows Field Service creates for them, so a group is kept to a
 * size whose transaction stays short (Learn, "Optimize performance for bulk operations").
 */
export const JOURNALS_PER_REQUEST = 200;

/**
 * Journals per request for rows Field Service already has: each locks a product inventory row
 * other writers (Field Service's own work order and transfer journals) may need, so these groups
 * are smaller and their locks short.
 */
export const JOURNALS_PER_UPDATE_REQUEST = 40;

interface Planned {
  readonly index: number;
  readonly prepared: PreparedOnHand;
  readonly plan: OnHandPlan;
  /** Field Service has the row (the journals update it rather than create it). */
  readonly existing: boolean;
}

export async function applyOnHandBatch(flow: OnHandFlow, rows: readonly Readonly<ScmRow>[]): Promise<BatchRowResult[]> {
  const results: (BatchRowResult | undefined)[] = rows.map(() => undefined);
  const prepared: { index: number; prepared: PreparedOnHand }[] = [];
  for (const [index, row] of rows.entries()) {
    try {
      const outcome = await flow.prepare(row);
      if (outcome === "filtered") results[index] = "filtered";
      else prepared.push({ index, prepared: outcome });
    } catch (error) {
      if (!isRowFailure(error)) throw error;
      results[index] = error;
    }
  }

  const current = await currentRows(
    flow,
    prepared.map((entry) => entry.prepared),
  );
  const planned: Planned[] = [];
  for (const { index, prepared: row } of prepared) {
    const found = current.get(inventoryKey(row.warehouse.reference.id, row.product.reference.id));
    try {
      planned.push({
        index,
        prepared: row,
        plan: flow.plan(row, found, await flow.rowUnitsPerScmUnit(row, found)),
        existing: found !== undefined,
      });
    } catch (error) {
      if (!isRowFailure(error)) throw error;
      results[index] = error;
    }
  }

  const writes = new BatchWrites(flow);
  await writes.group(
    planned.filter((entry) => entry.plan.create !== undefined),
    (group) =>
      writeCreates(
        flow,
        group.map((entry) => entry.plan.create ?? {}),
      ),
  );
  for (const chunk of journalChunks(planned)) {
    await writes.group(chunk, (group) =>
      writeJournals(
        flow,
        group.flatMap((entry) => entry.plan.journals),
      ),
    );
  }
  // Stamps last: a row is confirmed against SCM once its journals have landed.
  await writes.group(
    planned.filter((entry) => entry.plan.update !== undefined),
    (group) =>
      writeUpdates(
        flow,
        group.flatMap((entry) => (entry.plan.update === undefined ? [] : [entry.plan.update])),
      ),
  );
  await writes.group(
    planned.filter((entry) => entry.plan.afterJournals !== undefined),
    (group) => writeAfterJournals(flow, group),
  );

  for (const entry of planned) {
    if (!writes.failed.has(entry.index)) {
      results[entry.index] = entry.plan.outcome;
      continue;
    }
    try {
      const outcome = await flow.applyNow(entry.prepared.row);
      // A group that did land for this row (its stamp, say) already changed it.
      results[entry.index] = outcome === "unchanged" && writes.landed.has(entry.index) ? "changed" : outcome;
    } catch (error) {
      if (!isRowFailure(error)) throw error;
      results[entry.index] = error;
    }
  }
  return results.map((result) => result ?? "unchanged");
}

/** The grouped writes of one batch: which rows a failed group sends back to one-by-one, which landed. */
class BatchWrites {
  readonly failed = new Set<number>();
  readonly landed = new Set<number>();

  constructor(private readonly flow: OnHandFlow) {}

  /** Writes the group's rows that have not failed yet; a refusal marks them all for one-by-one. */
  async group(entries: readonly Planned[], write: (group: readonly Planned[]) => Promise<void>): Promise<void> {
    const group = entries.filter((entry) => !this.failed.has(entry.index));
    if (group.length === 0) return;
    try {
      await write(group);
      for (const entry of group) this.landed.add(entry.index);
    } catch (error) {
      if (!isRowFailure(error)) throw error;
      this.flow.runtime.log.warn(
        `on-hand: a bulk write of ${group.length} rows was refused; applying them one by one`,
        { reason: error.message },
      );
      for (const entry of group) this.failed.add(entry.index);
    }
  }
}

/** Field Service's product inventory rows of the batch, by `<warehouse>|<product>`. */
function currentRows(flow: OnHandFlow, rows: readonly PreparedOnHand[]): Promise<Map<string, CurrentInventory>> {
  return rows.length === 0
    ? Promise.resolve(new Map<string, CurrentInventory>())
    : flow.currentInventory.read(rows, flow.currentColumns());
}

/**
 * Rows' journals in requests (a row's journals never split): rows new to Field Service in requests
 * of up to JOURNALS_PER_REQUEST, rows it has in requests of up to JOURNALS_PER_UPDATE_REQUEST.
 */
function journalChunks(planned: readonly Planned[]): Planned[][] {
  const chunks: Planned[][] = [];
  for (const [existing, limit] of [
    [false, JOURNALS_PER_REQUEST],
    [true, JOURNALS_PER_UPDATE_REQUEST],
  ] as const) {
    let chunk: Planned[] = [];
    let size = 0;
    for (const entry of planned) {
      const count = entry.plan.journals.length;
      if (count === 0 || entry.existing !== existing) continue;
      if (size > 0 && size + count > limit) {
        chunks.push(chunk);
        chunk = [];
        size = 0;
      }
      chunk.push(entry);
      size += count;
    }
    if (chunk.length > 0) chunks.push(chunk);
  }
  return chunks;
}

async function writeCreates(flow: OnHandFlow, records: readonly DataverseRecord[]): Promise<void> {
  const { dataverse } = flow.runtime;
  const [only] = records;
  if (records.length === 1 && only !== undefined) await dataverse.create(productInventory, only);
  else await dataverse.createMultiple(productInventory, records);
}

async function writeUpdates(
  flow: OnHandFlow,
  updates: readonly { readonly id: string; readonly record: DataverseRecord }[],
): Promise<void> {
  const { dataverse } = flow.runtime;
  const [only] = updates;
  if (updates.length === 1 && only !== undefined) await dataverse.update(productInventory, only.id, only.record);
  else await dataverse.updateMultiple(productInventory, updates);
}

async function writeJournals(flow: OnHandFlow, journals: readonly DataverseRecord[]): Promise<void> {
  const { dataverse } = flow.runtime;
  const [only] = journals;
  if (journals.length === 1 && only !== undefined) await dataverse.create(inventoryJournal, only);
  else await dataverse.createMultiple(inventoryJournal, journals);
}

/** Rows the journals created that still need other mapped columns: their ids read back, then one update. */
async function writeAfterJournals(flow: OnHandFlow, group: readonly Planned[]): Promise<void> {
  const created = await currentRows(
    flow,
    group.map((entry) => entry.prepared),
  );
  const updates = group.flatMap((entry) => {
    const row = created.get(inventoryKey(entry.prepared.warehouse.reference.id, entry.prepared.product.reference.id));
    return row === undefined || entry.plan.afterJournals === undefined
      ? []
      : [{ id: row.id, record: entry.plan.afterJournals }];
  });
  if (updates.length > 0) await writeUpdates(flow, updates);
}
