/**
 * Entity set requests: GET a collection or a row, POST a row, PATCH (update or upsert) and DELETE
 * a row addressed by id or alternate key; the bulk actions CreateMultiple and UpdateMultiple
 * (`bulk-operations.ts`).
 */
import type { TableDefinition } from "@fsi/core";
import { bulkActionOf, runBulkAction } from "./bulk-operations";
import { emptyResponse, jsonResponse, type ApiResponse } from "./api";
import { entityNotFound, keyNotFound, noHttpResource, segmentNotFound } from "./errors";
import { parseKeySegment, resolveKey, type RowAddress } from "./keys";
import { parseObjectBody, readRowPayload } from "./payload";
import type { WriteResult } from "./pipeline/engine";
import { preferenceApplied } from "./prefer";
import { authorizeLookups } from "./privileges";
import { parseExpand } from "./expand";
import { retrieveMultiple, retrieveSingle } from "./query";
import { referenceResolver, rowView, type EntityRequestContext } from "./request-context";
import { etagOf } from "./serialize";

export async function handleEntitySet(
  context: EntityRequestContext,
  table: TableDefinition,
  keyText: string | undefined,
  rest: readonly string[],
): Promise<ApiResponse> {
  const { request } = context;
  const action = keyText === undefined && rest.length === 1 ? bulkActionOf(rest[0] ?? "") : undefined;
  if (action !== undefined) return runBulkAction(context, table, action);
  if (rest.length > 0) throw segmentNotFound(rest[0] ?? "");
  const method = request.method.toUpperCase();
  if (keyText === undefined) {
    if (method === "GET") return collection(context, table);
    if (method === "POST") return create(context, table);
    throw noHttpResource(`${request.baseUrl}${request.path}`);
  }
  const address = resolveKey(table, parseKeySegment(keyText));
  switch (method) {
    case "GET":
      return single(context, table, address);
    case "PATCH":
      return upsert(context, table, address);
    case "DELETE":
      context.authorize(table, "Delete");
      await context.engine.execute(
        { kind: "delete", table, address, ifMatch: request.headers["if-match"] },
        context.caller,
      );
      return emptyResponse(204);
    default:
      throw noHttpResource(`${request.baseUrl}${request.path}`);
  }
}

/** Read on the table and on every table `$expand` reaches. */
function authorizeRead(context: EntityRequestContext, table: TableDefinition): void {
  context.authorize(table, "Read");
  const expand = context.request.query.get("$expand");
  if (expand !== null) for (const item of parseExpand(expand, table)) context.authorize(item.target, "Read");
}

function collection(context: EntityRequestContext, table: TableDefinition): ApiResponse {
  authorizeRead(context, table);
  const { preferences } = context;
  const body = retrieveMultiple(context.read, table, context.request.query, preferences.maxPageSize);
  const applied = preferenceApplied(preferences, context.request.query.get("$top") === null);
  return jsonResponse(200, body, applied === undefined ? {} : { "preference-applied": applied });
}

function findRow(context: EntityRequestContext, table: TableDefinition, address: RowAddress) {
  const db = context.read.db;
  const id = address.kind === "id" ? address.id : context.store.findId(db, table, address.columns);
  const row = id === undefined ? undefined : context.store.getRow(db, table, id);
  if (row === undefined)
    throw address.kind === "id" ? entityNotFound(table.logicalName, address.id) : keyNotFound(table.logicalName);
  return row;
}

function single(context: EntityRequestContext, table: TableDefinition, address: RowAddress): ApiResponse {
  authorizeRead(context, table);
  const row = findRow(context, table, address);
  const etag = etagOf(row);
  const ifNoneMatch = context.request.headers["if-none-match"];
  if (etag !== undefined && ifNoneMatch !== undefined && ifNoneMatch.split(",").some((tag) => tag.trim() === etag)) {
    return emptyResponse(304, { etag });
  }
  const applied = preferenceApplied(
    { ...context.preferences, returnRepresentation: false, maxPageSize: undefined },
    false,
  );
  return jsonResponse(
    200,
    retrieveSingle(context.read, table, row, context.request.query),
    applied === undefined ? {} : { "preference-applied": applied },
  );
}

async function create(context: EntityRequestContext, table: TableDefinition): Promise<ApiResponse> {
  const body = parseObjectBody(context.request.body, table.entitySetName);
  const changes = readRowPayload(table, body, referenceResolver(rowView(context), context.tables));
  context.authorize(table, "Create");
  authorizeLookups(context.authorize, table, changes);
  const result = await context.engine.execute({ kind: "create", table, changes }, context.caller);
  return written(context, table, result, 201);
}

async function upsert(
  context: EntityRequestContext,
  table: TableDefinition,
  address: RowAddress,
): Promise<ApiResponse> {
  const { request } = context;
  const body = parseObjectBody(request.body, table.entitySetName);
  const changes = readRowPayload(table, body, referenceResolver(rowView(context), context.tables));
  context.authorize(table, existingId(context, table, address) === undefined ? "Create" : "Write");
  authorizeLookups(context.authorize, table, changes);
  const result = await context.engine.execute(
    {
      kind: "update",
      table,
      address,
      changes,
      ifMatch: request.headers["if-match"],
      ifNoneMatch: request.headers["if-none-match"],
      upsert: true,
    },
    context.caller,
  );
  return written(context, table, result, result.created ? 201 : 200);
}

/** The id of the addressed row as the request sees it, if it exists (an upsert creates when not). */
function existingId(context: EntityRequestContext, table: TableDefinition, address: RowAddress): string | undefined {
  const view = rowView(context);
  const id = address.kind === "id" ? address.id : view.findId(table, address.columns);
  return id !== undefined && view.getRow(table, id) !== undefined ? id : undefined;
}

/** 204 with OData-EntityId, or the row itself when `Prefer: return=representation` asks. */
function written(
  context: EntityRequestContext,
  table: TableDefinition,
  result: WriteResult,
  representationStatus: number,
): ApiResponse {
  const entityId = `${context.request.baseUrl}${table.entitySetName}(${result.id})`;
  if (!context.preferences.returnRepresentation || result.row === undefined) {
    return emptyResponse(204, { "odata-entityid": entityId });
  }
  const row =
    (context.caller.transaction === undefined
      ? context.store.getRow(context.store.reader, table, result.id)
      : context.caller.transaction.getRow(table, result.id)) ?? result.row;
  const body = retrieveSingle(context.read, table, row, context.request.query);
  const applied = preferenceApplied({ ...context.preferences, maxPageSize: undefined }, false);
  return jsonResponse(representationStatus, body, {
    "odata-entityid": entityId,
    ...(applied === undefined ? {} : { "preference-applied": applied }),
  });
}
