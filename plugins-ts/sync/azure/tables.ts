/**
 * Azure Storage Tables for the host's state: clients, key encoding, and the optimistic-concurrency
 * loop every read-modify-write goes through.
 *
 * - Every entity carries an ETag; an update or delete sent with `If-Match: <etag>` fails with 412
 *   when another writer changed the entity since it was read, and an insert fails with 409 when the
 *   entity already exists (Learn, "Managing concurrency in Table storage"; "Update Entity", "Insert
 *   Entity"). `mutateEntity` re-reads and retries on both, so two instances never lose each
 *   other's writes.
 * - PartitionKey and RowKey may not contain `/`, `\`, `#`, `?` or control characters
 *   ("Understanding the Table service data model"): row keys such as `usmf/11` are percent-encoded.
 * - A string property holds at most 64 KiB (32 K UTF-16 characters) and an entity at most 1 MiB:
 *   payloads are split over numbered properties (`putText` / `getText`).
 * - An entity group transaction takes at most 100 entities of one partition.
 */
import { type TableEntity, type TableEntityResult, RestError, TableClient, TableTransaction } from "@azure/data-tables";
import type { AzureStorageAccess } from "./storage-access";

export type Entity = TableEntity;
export type StoredEntity = TableEntityResult<Record<string, unknown>>;

/** Characters per string property: under the 64 KiB of UTF-16 (32 K characters) a property may hold. */
const MAX_STRING_CHARS = 30_000;
/** Entities per entity group transaction. */
export const MAX_BATCH = 100;
/** Attempts of a read-modify-write that keeps losing to other writers. */
const MAX_CONFLICT_ATTEMPTS = 25;

export function tableClient(access: AzureStorageAccess, name: string): TableClient {
  return access.kind === "connection-string"
    ? TableClient.fromConnectionString(access.connectionString, name, { allowInsecureConnection: true })
    : new TableClient(access.tableUrl, name, access.credential);
}

export async function ensureTable(table: TableClient): Promise<void> {
  try {
    await table.createTable();
  } catch (error) {
    if (!isStatus(error, 409)) throw error;
  }
}

export function isStatus(error: unknown, ...statuses: number[]): boolean {
  return error instanceof RestError && error.statusCode !== undefined && statuses.includes(error.statusCode);
}

/** A PartitionKey/RowKey for any text (no `/`, `\`, `#`, `?` or control characters left). */
export function encodeKey(text: string): string {
  return encodeURIComponent(text);
}

export function decodeKey(key: string): string {
  return decodeURIComponent(key);
}

/** A RowKey that sorts as the number does. */
export function sortableNumber(value: number): string {
  return String(value).padStart(16, "0");
}

export async function getEntity(
  table: TableClient,
  partitionKey: string,
  rowKey: string,
): Promise<StoredEntity | undefined> {
  try {
    return await table.getEntity(partitionKey, rowKey);
  } catch (error) {
    if (isStatus(error, 404)) return undefined;
    throw error;
  }
}

export async function deleteEntity(table: TableClient, partitionKey: string, rowKey: string): Promise<boolean> {
  try {
    await table.deleteEntity(partitionKey, rowKey);
    return true;
  } catch (error) {
    if (isStatus(error, 404)) return false;
    throw error;
  }
}

/**
 * Read-modify-write under ETag concurrency: `change` gets the current entity (undefined when there
 * is none) and answers the properties to store, or undefined to write nothing. A write that lost
 * to another writer (412 on update, 409 on insert) is retried from a fresh read.
 */
export async function mutateEntity(
  table: TableClient,
  partitionKey: string,
  rowKey: string,
  change: (current: StoredEntity | undefined) => Record<string, unknown> | undefined,
): Promise<{ before: StoredEntity | undefined; after: Record<string, unknown> | undefined }> {
  for (let attempt = 1; ; attempt++) {
    const before = await getEntity(table, partitionKey, rowKey);
    const properties = change(before);
    if (properties === undefined) return { before, after: undefined };
    const entity: Entity = { ...properties, partitionKey, rowKey };
    try {
      if (before === undefined) await table.createEntity(entity);
      else await table.updateEntity(entity, "Replace", { etag: before.etag });
      return { before, after: properties };
    } catch (error) {
      if (!isStatus(error, 409, 412) || attempt >= MAX_CONFLICT_ATTEMPTS) throw error;
      await backOff(attempt);
    }
  }
}

/** A short random wait, growing with the attempt, so contending writers spread out. */
function backOff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(200, 5 * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Allocates the next number of a counter (an entity in the meta table), under ETag concurrency. */
export async function nextNumber(meta: TableClient, counter: string): Promise<number> {
  const { after } = await mutateEntity(meta, "counter", counter, (current) => ({
    value: numberOf(current?.value) + 1,
  }));
  return numberOf(after?.value);
}

/** Every entity a query answers. */
export async function listEntities(table: TableClient, filter: string, select?: string[]): Promise<StoredEntity[]> {
  const found: StoredEntity[] = [];
  const options = select === undefined ? { filter } : { filter, select };
  for await (const entity of table.listEntities({ queryOptions: options })) found.push(entity);
  return found;
}

/** The first entity a query answers, without reading further pages. */
export async function firstEntity(table: TableClient, filter: string): Promise<StoredEntity | undefined> {
  for await (const entity of table.listEntities({ queryOptions: { filter } })) return entity;
  return undefined;
}

/** Upserts entities of one partition in entity group transactions of at most 100. */
export async function upsertAll(table: TableClient, entities: readonly Entity[]): Promise<void> {
  for (let start = 0; start < entities.length; start += MAX_BATCH) {
    const transaction = new TableTransaction();
    for (const entity of entities.slice(start, start + MAX_BATCH)) transaction.upsertEntity(entity, "Replace");
    await table.submitTransaction(transaction.actions);
  }
}

/** Stores long text over numbered properties (`<name>0`, `<name>1` ...), each within the string limit. */
export function putText(name: string, text: string): Record<string, string> {
  const parts: Record<string, string> = {};
  for (let index = 0, start = 0; start < text.length || index === 0; index++, start += MAX_STRING_CHARS) {
    parts[`${name}${index}`] = text.slice(start, start + MAX_STRING_CHARS);
  }
  return parts;
}

export function getText(entity: Record<string, unknown>, name: string): string {
  let text = "";
  for (let index = 0; typeof entity[`${name}${index}`] === "string"; index++)
    text += entity[`${name}${index}`] as string;
  return text;
}

/** Large integers (rowversions, control numbers) are kept as decimal strings: exact, whatever the size. */
export function numberOf(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value !== "") return Number(value);
  return 0;
}

export function optionalNumber(value: unknown): number | null {
  return value === undefined || value === null || value === "" ? null : numberOf(value);
}

export function optionalString(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/** An entity's own properties, without the keys, ETag and timestamp the service adds. */
export function ownProperties(entity: StoredEntity): Record<string, unknown> {
  const { partitionKey: _partitionKey, rowKey: _rowKey, etag: _etag, timestamp: _timestamp, ...rest } = entity;
  return rest;
}
