/**
 * The main operation of the pipeline (stage 30): the row written to SQLite, with the columns the
 * platform sets (created/modified on, row version, default state) and alternate-key uniqueness.
 * Deleting a row clears the lookups that point at it (Dataverse's default "remove link"
 * behaviour for custom relationships).
 */
import type { TableDefinition } from "@fsi/core";
import { duplicateKey } from "../errors";
import type { DataverseStore } from "../storage/store";
import type { Transaction } from "./transactions";
import {
  lookupIdColumn,
  lookupTypeColumn,
  normalizeDateTime,
  quoteIdentifier,
  sqlFromRow,
  type Row,
  type SqlValue,
} from "../storage/values";

/** Columns the platform sets on create, given the clock and the next row version. */
export function platformColumnsOnCreate(table: TableDefinition, now: Date, version: number, supplied: Row): Row {
  const row: Row = {};
  const stamp = normalizeDateTime(now);
  if ("createdon" in table.columns) row.createdon = stamp;
  if ("modifiedon" in table.columns) row.modifiedon = stamp;
  if ("versionnumber" in table.columns) row.versionnumber = version;
  const state = table.columns.statecode;
  if (state?.type === "state" && (supplied.statecode ?? null) === null) row.statecode = state.options[0]?.value ?? 0;
  const status = table.columns.statuscode;
  if (status?.type === "status" && (supplied.statuscode ?? null) === null)
    row.statuscode = status.options[0]?.value ?? 1;
  Object.assign(row, secretFlags(table, supplied, true));
  return row;
}

export function platformColumnsOnUpdate(table: TableDefinition, now: Date, version: number, supplied: Row = {}): Row {
  const row: Row = {};
  if ("modifiedon" in table.columns) row.modifiedon = normalizeDateTime(now);
  if ("versionnumber" in table.columns) row.versionnumber = version;
  Object.assign(row, secretFlags(table, supplied, false));
  return row;
}

/**
 * A service endpoint's `isauthvalueset`: the platform's read-only flag saying whether the
 * unreadable `authvalue` holds a value (PA `reference/entities/serviceendpoint.md`: AuthValue
 * IsValidForRead False; IsAuthValueSet read-only). Set on create, and on an update that writes `authvalue`.
 */
function secretFlags(table: TableDefinition, supplied: Row, creating: boolean): Row {
  if (!("isauthvalueset" in table.columns)) return {};
  if (!creating && !("authvalue" in supplied)) return {};
  const value = supplied.authvalue;
  return { isauthvalueset: typeof value === "string" && value !== "" };
}

/** The complete alternate key values of `row`, physical column → value (keys with a null part are not enforced). */
function alternateKeyValues(
  table: TableDefinition,
  sql: Readonly<Record<string, SqlValue>>,
): { name: string; columns: readonly string[]; values: Record<string, SqlValue> }[] {
  const keys = [];
  for (const key of table.alternateKeys) {
    const values: Record<string, SqlValue> = {};
    let complete = true;
    for (const column of key.columns) {
      const physical = table.columns[column]?.type === "lookup" ? lookupIdColumn(column) : column;
      const value = sql[physical] ?? null;
      if (value === null) complete = false;
      values[physical] = typeof value === "string" ? value.toLowerCase() : value;
    }
    if (complete) keys.push({ name: key.name, columns: key.columns, values });
  }
  return keys;
}

/**
 * The locks a row's alternate key values take: an index entry is locked with its row (Learn,
 * "Scalable customization design: Database transactions"), so two transactions creating the same
 * key wait on each other and the second then finds the first's row.
 */
export function alternateKeyLocks(table: TableDefinition, row: Row): string[] {
  if (table.alternateKeys.length === 0) return [];
  return alternateKeyValues(table, sqlFromRow(table, row)).map(
    (key) => `${table.logicalName}|${key.name}|${JSON.stringify(key.values)}`,
  );
}

/**
 * Refuses a row whose alternate key values another row already has, as the transaction sees the
 * table. An update checks only the keys it changes a column of: the others were unique already.
 */
export function checkAlternateKeys(
  transaction: Transaction,
  table: TableDefinition,
  row: Row,
  id: string,
  changes?: Row,
): void {
  if (table.alternateKeys.length === 0) return;
  const sql = sqlFromRow(table, row);
  for (const key of alternateKeyValues(table, sql)) {
    if (changes !== undefined && !key.columns.some((column) => column in changes)) continue;
    const values = Object.fromEntries(Object.keys(key.values).map((physical) => [physical, sql[physical] ?? null]));
    if (transaction.findId(table, values, id) !== undefined) {
      throw duplicateKey(
        key.name,
        key.columns.map((column) => table.columns[column]?.displayName ?? column),
      );
    }
  }
}

export function insertRow(transaction: Transaction, table: TableDefinition, id: string, row: Row): void {
  checkAlternateKeys(transaction, table, row, id);
  transaction.record(table, id, row, (store) => {
    store.insertRow(table, row);
  });
}

export function updateRow(
  transaction: Transaction,
  table: TableDefinition,
  id: string,
  after: Row,
  changes: Row,
): void {
  checkAlternateKeys(transaction, table, after, id, changes);
  transaction.record(table, id, after, (store) => {
    store.updateRow(table, id, changes);
  });
}

export function deleteRow(transaction: Transaction, table: TableDefinition, id: string, now: Date): void {
  transaction.record(table, id, null, (store) => {
    removeRow(store, table, id, now);
  });
}

function removeRow(store: DataverseStore, table: TableDefinition, id: string, now: Date): void {
  store.deleteRow(table, id);
  for (const referencing of store.tables) {
    for (const [name, column] of Object.entries(referencing.columns)) {
      if (column.type !== "lookup" || !column.targets.includes(table.logicalName)) continue;
      const sets = [
        `${quoteIdentifier(lookupIdColumn(name))} = NULL`,
        `${quoteIdentifier(lookupTypeColumn(name))} = NULL`,
      ];
      const params: SqlValue[] = [];
      if ("versionnumber" in referencing.columns) {
        sets.push(`"versionnumber" = ?`);
        params.push(store.nextVersion());
      }
      if ("modifiedon" in referencing.columns) {
        sets.push(`"modifiedon" = ?`);
        params.push(normalizeDateTime(now));
      }
      store
        .statement(
          store.writer,
          `UPDATE ${quoteIdentifier(referencing.logicalName)} SET ${sets.join(", ")} WHERE ${quoteIdentifier(lookupIdColumn(name))} = ? AND ${quoteIdentifier(lookupTypeColumn(name))} = ?`,
        )
        .run(...params, id, table.logicalName);
      store.noteWrite(referencing.logicalName);
    }
  }
}
