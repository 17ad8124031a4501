/**
 * OData JSON data entities under `<prefix>/data`: the service document, collections with query
 * options, single rows by composite key, create, update and delete.
 */
import type { IncomingMessage } from "node:http";
import { type ScmEntityDefinition, scmEntities, scmEntityByCollection } from "@fsi/core";
import { type RouteContext, type Router, pathSegments, readJson, sendEmpty, sendJson, sendText } from "../../http";
import { compileQuery, isODataQueryError, parseEntitySegment } from "../../odata";
import { formatKeyPredicate, notFound, queryError, scmError } from "../errors";
import type { EntityTable } from "../store/entity-table";
import type { StoredRow } from "../store/fields";
import type { ScmWriter } from "../writes";
import { keyOf } from "./keys";
import { readScope } from "./request-context";

export interface DataRoutesDependencies {
  readonly prefix: string;
  readonly tables: ReadonlyMap<string, EntityTable>;
  readonly writer: ScmWriter;
  readonly defaultCompany: string;
  /** Rows per page; more gives `@odata.nextLink` (F&O pages at 10,000). */
  readonly maxPageSize: number;
  readonly bodyLimitBytes: number;
}

export function addDataRoutes(router: Router, deps: DataRoutesDependencies): void {
  const dataPath = `${deps.prefix}/data`;
  router.on(["GET", "POST", "PATCH", "DELETE"], dataPath, (context) => handleData(context, deps, dataPath));
}

async function handleData(context: RouteContext, deps: DataRoutesDependencies, dataPath: string): Promise<void> {
  const { req, res, url } = context;
  const serviceRoot = `${url.origin}${dataPath}`;
  const segments = pathSegments(context.rest);
  const method = req.method ?? "GET";
  const [first, second, ...more] = segments;
  if (first === undefined) {
    if (method !== "GET") throw methodNotAllowed(method, "the service document", "GET");
    sendJson(res, 200, {
      "@odata.context": `${serviceRoot}/$metadata`,
      value: scmEntities.map((entity) => ({ name: entity.collection, kind: "EntitySet", url: entity.collection })),
    });
    return;
  }
  if (first === "$metadata") {
    throw scmError(
      501,
      "NotImplemented",
      "The emulator does not serve $metadata; the entities are defined in core/scm/entities.ts.",
    );
  }
  const segment = parseSegment(first);
  const entity = scmEntityByCollection(segment.name);
  if (entity === undefined) throw notFound(`Resource not found for the segment '${segment.name}'.`);
  const table = tableOf(deps, entity);
  if (more.length > 0 || (second !== undefined && (second !== "$count" || segment.key !== undefined))) {
    throw notFound(`Resource not found for the path '${segments.join("/")}'.`);
  }

  if (segment.key === undefined) {
    if (second === "$count") {
      if (method !== "GET") throw methodNotAllowed(method, "$count", "GET");
      const query = compileOrThrow(url.searchParams, table);
      const company = readScope(url.searchParams, deps.defaultCompany);
      sendText(res, 200, String(table.page({ query: { ...query, count: true }, company, limit: 0 }).count ?? 0));
      return;
    }
    if (method === "GET") {
      readCollection(context, deps, table, serviceRoot);
      return;
    }
    if (method === "POST") {
      const outcome = await deps.writer.create(entity, await readEntityBody(req, deps), writeContext(deps));
      const location = `${serviceRoot}/${entity.collection}${encodeKeyPredicate(formatKeyPredicate(entity, outcome.key))}`;
      sendJson(
        res,
        201,
        { "@odata.context": `${serviceRoot}/$metadata#${entity.collection}/$entity`, ...outcome.row },
        { location },
      );
      return;
    }
    throw methodNotAllowed(method, `the ${entity.collection} collection`, "GET, POST");
  }

  const key = keyOf(entity, segment.key);
  if (method === "GET") {
    const row = table.find(key);
    if (row === undefined)
      throw notFound(`No ${entity.collection} record with key ${formatKeyPredicate(entity, key)}.`);
    const select = compileOrThrow(url.searchParams, table).select;
    sendJson(res, 200, {
      "@odata.context": `${serviceRoot}/$metadata#${entity.collection}/$entity`,
      ...project(row, select),
    });
    return;
  }
  if (method === "PATCH") {
    await deps.writer.update(entity, key, await readEntityBody(req, deps), writeContext(deps));
    sendEmpty(res, 204);
    return;
  }
  if (method === "DELETE") {
    await deps.writer.delete(entity, key, writeContext(deps));
    sendEmpty(res, 204);
    return;
  }
  throw methodNotAllowed(method, `a ${entity.collection} record`, "GET, PATCH, DELETE");
}

function readCollection(
  context: RouteContext,
  deps: DataRoutesDependencies,
  table: EntityTable,
  serviceRoot: string,
): void {
  const { url, res } = context;
  const company = readScope(url.searchParams, deps.defaultCompany);
  const query = compileOrThrow(url.searchParams, table);
  const pageSize = deps.maxPageSize;
  const wanted = query.top;
  const limit = wanted === undefined ? pageSize + 1 : Math.min(wanted, pageSize + 1);
  const page = table.page({ query, company, limit });
  const hasMore = page.rows.length > pageSize;
  const rows = hasMore ? page.rows.slice(0, pageSize) : page.rows;
  const collection = table.entity.collection;
  const selected = query.select === undefined ? "" : `(${query.select.join(",")})`;
  const body: Record<string, unknown> = { "@odata.context": `${serviceRoot}/$metadata#${collection}${selected}` };
  if (page.count !== undefined) body["@odata.count"] = page.count;
  body.value = rows.map((row) => project(row, query.select));
  if (hasMore) {
    const next = new URL(url.href);
    next.searchParams.set("$skip", String((query.skip ?? 0) + pageSize));
    if (wanted !== undefined) next.searchParams.set("$top", String(wanted - pageSize));
    body["@odata.nextLink"] = next.href;
  }
  sendJson(res, 200, body, { "odata-version": "4.0" });
}

function compileOrThrow(searchParams: URLSearchParams, table: EntityTable): ReturnType<typeof compileQuery> {
  try {
    return compileQuery(searchParams, table.resolver);
  } catch (error) {
    if (isODataQueryError(error)) throw queryError(error);
    throw error;
  }
}

function parseSegment(segment: string): ReturnType<typeof parseEntitySegment> {
  try {
    return parseEntitySegment(segment);
  } catch (error) {
    if (isODataQueryError(error)) throw queryError(error);
    throw error;
  }
}

async function readEntityBody(req: IncomingMessage, deps: DataRoutesDependencies): Promise<Record<string, unknown>> {
  const body = await readJson(req, { limitBytes: deps.bodyLimitBytes });
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw scmError(400, "InvalidBody", "The request body must be a JSON object of entity fields.");
  }
  return body as Record<string, unknown>;
}

function writeContext(deps: DataRoutesDependencies): { defaultCompany: string } {
  return { defaultCompany: deps.defaultCompany };
}

function project(row: StoredRow, select: readonly string[] | undefined): StoredRow {
  if (select === undefined) return row;
  return Object.fromEntries(select.map((name) => [name, row[name] ?? ""]));
}

function tableOf(deps: DataRoutesDependencies, entity: ScmEntityDefinition): EntityTable {
  const table = deps.tables.get(entity.collection);
  if (table === undefined) throw new Error(`No table for ${entity.collection}.`);
  return table;
}

function methodNotAllowed(method: string, what: string, allow: string): Error {
  return scmError(405, "MethodNotAllowed", `${method} is not allowed on ${what}; use ${allow}.`, {}, { allow });
}

/** Percent-encodes key values for a Location header while keeping `=`, `,` and quotes readable. */
function encodeKeyPredicate(predicate: string): string {
  return encodeURIComponent(predicate).replace(/%3D/g, "=").replace(/%2C/g, ",");
}
