/**
 * The bulk operation messages on an entity set (Learn, "Use bulk operation messages"; Web API
 * reference: CreateMultiple and UpdateMultiple actions):
 * - `POST <set>/Microsoft.Dynamics.CRM.CreateMultiple` `{ "Targets": [ { "@odata.type": ... }, ... ] }`
 *   → 200 `{ "Ids": [...] }`;
 * - `POST <set>/Microsoft.Dynamics.CRM.UpdateMultiple` (each row with its primary id) → 204.
 * Every row must set `@odata.type` (Learn: "You must set the @odata.type property for each item
 * in the Targets parameter"). One transaction: on a standard table any failure rolls back every row.
 */
import type { TableDefinition } from "@fsi/core";
import { emptyResponse, jsonResponse, type ApiResponse } from "./api";
import { invalidPayload, noHttpResource } from "./errors";
import { parseObjectBody, readRowPayload, type ReferenceResolver } from "./payload";
import { authorizeLookups } from "./privileges";
import { referenceResolver, rowView, type EntityRequestContext } from "./request-context";
import type { Row } from "./storage/values";

const ACTIONS = {
  "Microsoft.Dynamics.CRM.CreateMultiple": "createMultiple",
  "Microsoft.Dynamics.CRM.UpdateMultiple": "updateMultiple",
} as const;

export type BulkAction = (typeof ACTIONS)[keyof typeof ACTIONS];

/** The bulk action a path segment after an entity set names, if any. */
export function bulkActionOf(segment: string): BulkAction | undefined {
  return Object.hasOwn(ACTIONS, segment) ? ACTIONS[segment as keyof typeof ACTIONS] : undefined;
}

export async function runBulkAction(
  context: EntityRequestContext,
  table: TableDefinition,
  action: BulkAction,
): Promise<ApiResponse> {
  const { request } = context;
  if (request.method.toUpperCase() !== "POST") throw noHttpResource(`${request.baseUrl}${request.path}`);
  const body = parseObjectBody(request.body, table.entitySetName);
  const unknown = Object.keys(body).filter((name) => name !== "Targets");
  if (unknown.length > 0)
    throw invalidPayload(
      table.entitySetName,
      `The ${actionName(action)} action has no parameter '${unknown.join("', '")}'; it takes Targets.`,
    );
  const targets = body.Targets;
  if (!Array.isArray(targets))
    throw invalidPayload(
      table.entitySetName,
      `${actionName(action)} needs Targets: an array of ${table.logicalName} rows.`,
    );
  // Many rows of one request bind the same few rows (a warehouse, a product): each URL is resolved once.
  const resolveUrl = referenceResolver(rowView(context), context.tables);
  const resolved = new Map<string, ReturnType<ReferenceResolver>>();
  const resolve: ReferenceResolver = (url, targets, navigationProperty) => {
    const key = `${navigationProperty}\n${url}`;
    const known = resolved.get(key);
    if (known !== undefined) return known;
    const value = resolveUrl(url, targets, navigationProperty);
    resolved.set(key, value);
    return value;
  };
  const rows: Row[] = targets.map((target: unknown, index) => {
    if (typeof target !== "object" || target === null || Array.isArray(target))
      throw invalidPayload(table.entitySetName, `Targets[${index}] must be an object.`);
    if (!("@odata.type" in target)) {
      throw invalidPayload(
        table.entitySetName,
        `Targets[${index}] must set @odata.type to 'Microsoft.Dynamics.CRM.${table.logicalName}'.`,
      );
    }
    return readRowPayload(table, target as Record<string, unknown>, resolve);
  });
  context.authorize(table, action === "createMultiple" ? "Create" : "Write");
  for (const row of rows) authorizeLookups(context.authorize, table, row);
  const results = await context.engine.executeMultiple({ kind: action, table, targets: rows }, context.caller);
  if (action === "updateMultiple") return emptyResponse(204);
  return jsonResponse(200, {
    "@odata.context": `${request.baseUrl}$metadata#Microsoft.Dynamics.CRM.CreateMultipleResponse`,
    Ids: results.map((result) => result.id),
  });
}

function actionName(action: BulkAction): string {
  return action === "createMultiple" ? "CreateMultiple" : "UpdateMultiple";
}
