/**
 * `FsiInventoryJournalService.post`: creates an inventory movement or transfer journal and posts
 * it at once — header, lines and the on-hand rows it moves, in one commit (the X++ service would
 * run `InventJournalCheckPost` in one `ttsbegin/ttscommit`). SCM's own posting checks come first:
 * the item is a stocked item, the quantity is in its inventory unit, the warehouses exist, and
 * physical inventory never goes negative. Idempotent on the external reference.
 */
import {
  type InventoryJournalLine,
  type PostInventoryJournalRequest,
  type PostInventoryJournalResponse,
  type ScmKey,
  type ScmValidationFieldError,
  inventoryMovementJournalHeaders,
  inventoryMovementJournalLines,
  inventoryOnHand,
  inventoryTransferJournalHeaders,
  inventoryTransferJournalLines,
  releasedProducts,
  warehouses,
} from "@fsi/core";
import { type ScmDatabase, nextSequenceValue } from "../store/database";
import type { EntityTable } from "../store/entity-table";
import { type StoredRow, formatScmDate } from "../store/fields";
import { type DocumentPlan, type DocumentWrite, documentRefused } from "../writes";
import { roundQuantity } from "./system-fields";

export interface InventoryServiceDependencies {
  readonly db: ScmDatabase;
  readonly tables: ReadonlyMap<string, EntityTable>;
  /** The legal entities this SCM has. */
  readonly companies: () => readonly string[];
  readonly now?: () => Date;
}

export function tableOf(deps: InventoryServiceDependencies, collection: string): EntityTable {
  const table = deps.tables.get(collection);
  if (table === undefined) throw new Error(`No table for entity '${collection}'.`);
  return table;
}

const pad = (value: number): string => String(value).padStart(6, "0");

/** A change to one item in one warehouse, summed over the lines that make it. */
interface OnHandMove {
  readonly item: StoredRow;
  readonly warehouseId: string;
  delta: number;
  readonly lines: number[];
}

export function planJournalPosting(
  request: PostInventoryJournalRequest,
  deps: InventoryServiceDependencies,
): DocumentPlan<PostInventoryJournalResponse> {
  const company = request.dataAreaId.toLowerCase();
  const transfer = request.journalType === "Transfer";
  const headerEntity = transfer ? inventoryTransferJournalHeaders : inventoryMovementJournalHeaders;
  const lineEntity = transfer ? inventoryTransferJournalLines : inventoryMovementJournalLines;
  const headers = tableOf(deps, headerEntity.collection);

  const earlier = headers.findBy(company, "FsiExternalReference", request.externalReference);
  if (earlier !== undefined) {
    const journalNumber = String(earlier.JournalNumber);
    return {
      writes: [],
      result: {
        journalNumber,
        alreadyPosted: true,
        lineCount: tableOf(deps, lineEntity.collection).countBy(company, "JournalNumber", journalNumber),
      },
    };
  }
  if (!deps.companies().includes(company)) {
    throw documentRefused([
      {
        field: "dataAreaId",
        code: "invalidValue",
        message: `Company '${company}' does not exist; the companies are ${deps.companies().join(", ")}.`,
      },
    ]);
  }

  const errors: ScmValidationFieldError[] = [];
  const moves = new Map<string, OnHandMove>();
  const move = (item: StoredRow, warehouse: StoredRow, delta: number, line: number): void => {
    const warehouseId = String(warehouse.WarehouseId);
    const key = `${String(item.ItemNumber).toLowerCase()}|${warehouseId.toLowerCase()}`;
    const existing = moves.get(key) ?? { item, warehouseId, delta: 0, lines: [] };
    existing.delta = roundQuantity(existing.delta + delta);
    existing.lines.push(line);
    moves.set(key, existing);
  };
  request.lines.forEach((line, index) => {
    const checked = checkLine(line, index, company, transfer, deps, errors);
    if (checked === undefined) return;
    if (transfer && checked.to !== undefined) {
      move(checked.item, checked.from, -line.Quantity, index);
      move(checked.item, checked.to, line.Quantity, index);
    } else {
      move(checked.item, checked.from, line.Quantity, index);
    }
  });
  const onHandWrites = errors.length > 0 ? [] : onHandChanges(company, [...moves.values()], deps, errors);
  if (errors.length > 0) throw documentRefused(errors);

  const prefix = transfer ? "ITJ" : "IMJ";
  const journalNumber = `${prefix}-${pad(nextSequenceValue(deps.db, headerEntity.collection))}`;
  const now = formatScmDate(deps.now?.() ?? new Date());
  const header: DocumentWrite = {
    entity: headerEntity,
    operation: "create",
    source: "header",
    input: {
      dataAreaId: company,
      JournalNumber: journalNumber,
      JournalNameId: transfer ? "ITrf" : "IMov",
      Description: request.description ?? "",
      FsiExternalReference: request.externalReference,
      IsPosted: "Yes",
      PostedDateTime: now,
    },
  };
  const lines = request.lines.map(
    (line, index): DocumentWrite => ({
      entity: lineEntity,
      operation: "create",
      source: `lines[${index}]`,
      input: {
        dataAreaId: company,
        JournalNumber: journalNumber,
        LineNumber: String(index + 1),
        ItemNumber: line.ItemNumber,
        ...(transfer
          ? { FromWarehouseId: line.WarehouseId, ToWarehouseId: line.ToWarehouseId ?? "" }
          : { WarehouseId: line.WarehouseId }),
        Quantity: line.Quantity,
        UnitSymbol: line.UnitSymbol,
        LineDescription: line.LineDescription ?? "",
      },
    }),
  );
  return {
    writes: [header, ...lines, ...onHandWrites],
    result: { journalNumber, alreadyPosted: false, lineCount: lines.length },
  };
}

interface CheckedLine {
  readonly item: StoredRow;
  readonly from: StoredRow;
  readonly to: StoredRow | undefined;
}

function checkLine(
  line: InventoryJournalLine,
  index: number,
  company: string,
  transfer: boolean,
  deps: InventoryServiceDependencies,
  errors: ScmValidationFieldError[],
): CheckedLine | undefined {
  const at = `lines[${index}]`;
  const before = errors.length;
  const item = tableOf(deps, releasedProducts.collection).find({ dataAreaId: company, ItemNumber: line.ItemNumber });
  const warehouseTable = tableOf(deps, warehouses.collection);
  const from = warehouseTable.find({ dataAreaId: company, WarehouseId: line.WarehouseId });
  const to =
    line.ToWarehouseId === undefined
      ? undefined
      : warehouseTable.find({ dataAreaId: company, WarehouseId: line.ToWarehouseId });
  if (item === undefined) {
    errors.push({
      field: `${at}.ItemNumber`,
      code: "referenceNotFound",
      message: `Item '${line.ItemNumber}' is not a released product of company '${company}'.`,
    });
  } else if (item.ProductType === "Service") {
    errors.push({
      field: `${at}.ItemNumber`,
      code: "invalidValue",
      message: `Item '${line.ItemNumber}' is a service; services have no inventory.`,
    });
  } else if (String(item.InventoryUnitSymbol).toLowerCase() !== line.UnitSymbol.toLowerCase()) {
    errors.push({
      field: `${at}.UnitSymbol`,
      code: "invalidValue",
      message: `Item '${line.ItemNumber}' is kept in '${String(item.InventoryUnitSymbol)}', not '${line.UnitSymbol}'; convert the quantity to the inventory unit.`,
    });
  }
  if (from === undefined) {
    errors.push({
      field: `${at}.WarehouseId`,
      code: "referenceNotFound",
      message: `Warehouse '${line.WarehouseId}' does not exist in company '${company}'.`,
    });
  }
  if (transfer) {
    if (line.ToWarehouseId === undefined) {
      errors.push({
        field: `${at}.ToWarehouseId`,
        code: "required",
        message: "A transfer line needs the warehouse the goods go to.",
      });
    } else if (to === undefined) {
      errors.push({
        field: `${at}.ToWarehouseId`,
        code: "referenceNotFound",
        message: `Warehouse '${line.ToWarehouseId}' does not exist in company '${company}'.`,
      });
    } else if (line.ToWarehouseId.toLowerCase() === line.WarehouseId.toLowerCase()) {
      errors.push({
        field: `${at}.ToWarehouseId`,
        code: "crossField",
        message: "A transfer must go to another warehouse.",
      });
    }
    if (line.Quantity < 0) {
      errors.push({
        field: `${at}.Quantity`,
        code: "range",
        message: "A transfer quantity must be positive (from → to).",
      });
    }
  } else if (line.ToWarehouseId !== undefined) {
    errors.push({
      field: `${at}.ToWarehouseId`,
      code: "invalidValue",
      message: "A movement line has one warehouse; ToWarehouseId is for transfers.",
    });
  }
  if (errors.length > before || item === undefined || from === undefined) return undefined;
  return { item, from, to };
}

/** The on-hand rows the posting changes; refuses a posting that makes physical inventory negative. */
function onHandChanges(
  company: string,
  moves: readonly OnHandMove[],
  deps: InventoryServiceDependencies,
  errors: ScmValidationFieldError[],
): DocumentWrite[] {
  const onHand = tableOf(deps, inventoryOnHand.collection);
  const writes: DocumentWrite[] = [];
  for (const change of moves) {
    if (change.delta === 0) continue;
    const itemNumber = String(change.item.ItemNumber);
    const unit = String(change.item.InventoryUnitSymbol);
    const key: ScmKey = { dataAreaId: company, ItemNumber: itemNumber, WarehouseId: change.warehouseId };
    const current = onHand.find(key);
    const physical = Number(current?.PhysicalInventory ?? 0);
    const after = roundQuantity(physical + change.delta);
    if (after < 0) {
      const line = change.lines[change.lines.length - 1] ?? 0;
      errors.push({
        field: `lines[${line}].Quantity`,
        code: "range",
        message: `Posting takes ${-change.delta} ${unit} of item '${itemNumber}' from warehouse '${change.warehouseId}', which has ${physical} ${unit} on hand; physical inventory cannot go negative.`,
      });
      continue;
    }
    writes.push(
      current === undefined
        ? {
            entity: inventoryOnHand,
            operation: "create",
            source: `lines[${change.lines[0] ?? 0}]`,
            input: { ...key, PhysicalInventory: after, InventoryUnitSymbol: unit },
          }
        : {
            entity: inventoryOnHand,
            operation: "update",
            source: `lines[${change.lines[0] ?? 0}]`,
            key: onHand.keyOf(current),
            input: { PhysicalInventory: after },
          },
    );
  }
  return writes;
}
