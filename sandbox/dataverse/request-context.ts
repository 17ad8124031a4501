/**
 * What a request on an entity set works with, and how it sees rows and resolves `@odata.bind`
 * references: shared by the single-row handlers (`entity-handlers.ts`) and the bulk operation
 * messages (`bulk-operations.ts`).
 */
import type { TableDefinition } from "@fsi/core";
import { relativeApiPath, type ApiRequest } from "./api";
import { DataverseError, ErrorCode, entityNotFound, invalidPayload, keyNotFound } from "./errors";
import { parseKeySegment, resolveKey, splitSegment } from "./keys";
import type { ReferenceResolver } from "./payload";
import type { Caller, PipelineEngine, RowView } from "./pipeline/engine";
import type { Preferences } from "./prefer";
import type { Authorize } from "./privileges";
import type { ReadContext } from "./query";
import type { DataverseStore } from "./storage/store";
import type { LookupValue } from "./storage/values";

export interface EntityRequestContext {
  readonly request: ApiRequest;
  readonly caller: Caller;
  readonly preferences: Preferences;
  readonly store: DataverseStore;
  readonly engine: PipelineEngine;
  readonly read: ReadContext;
  readonly tables: readonly TableDefinition[];
  /** Throws PrivilegeDenied when the caller's roles lack the privilege. */
  readonly authorize: Authorize;
}

/** How the request sees rows: through its change set's open transaction, else the committed rows. */
export function rowView(context: EntityRequestContext): RowView {
  const { store } = context;
  return (
    context.caller.transaction ?? {
      getRow: (table, id) => store.getRow(store.reader, table, id),
      exists: (table, id) => store.exists(store.reader, table, id),
      findId: (table, values, exceptId) => store.findId(store.reader, table, values, exceptId),
    }
  );
}

/** Resolves `/<entity set>(<key>)` (relative, root-relative or absolute) to an existing row of an allowed table. */
export function referenceResolver(view: RowView, tables: readonly TableDefinition[]): ReferenceResolver {
  return (url, targets, navigationProperty): LookupValue => {
    const invalid = (): DataverseError =>
      new DataverseError(
        400,
        ErrorCode.InvalidBindUrl,
        `Invalid url value '${url}' for lookup property '${navigationProperty}'.`,
      );
    const path = relativeApiPath(url);
    if (path.includes("/")) throw invalid();
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      throw invalid(); // broken percent-encoding (`%`, `%E0%A4%A`) names no row
    }
    const { name, key } = splitSegment(decoded);
    const table = tables.find((candidate) => candidate.entitySetName === name);
    if (table === undefined || key === undefined) throw invalid();
    if (!targets.includes(table.logicalName)) {
      throw invalidPayload(
        table.entitySetName,
        `The navigation property '${navigationProperty}' cannot refer to a '${table.logicalName}' row; it refers to ${targets.join(" or ")}.`,
      );
    }
    const address = resolveKey(table, parseKeySegment(key));
    const id = address.kind === "id" ? address.id : view.findId(table, address.columns);
    if (id === undefined || !view.exists(table, id)) {
      throw address.kind === "id" ? entityNotFound(table.logicalName, address.id) : keyNotFound(table.logicalName);
    }
    return { id, logicalName: table.logicalName };
  };
}
