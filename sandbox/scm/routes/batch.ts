/**
 * `POST <prefix>/data/$batch`: OData multipart batches (core/scm/odata-batch.ts). Each changeset is
 * one transaction that commits or rolls back as a unit (UO `data-entities/odata.md`); a failed
 * changeset answers a single response, the failing request's, with its Content-ID. Requests outside
 * changesets run one by one. The batch itself answers 200 whatever its parts did.
 *
 * Emulator limit: GET parts are not served (501 in that part); the integration reads outside
 * batches.
 */
import {
  type BatchRequest,
  BatchFormatError,
  type BatchResponse,
  type BatchResponseItem,
  formatBatchResponse,
  parseBatchRequest,
  scmEntityByCollection,
} from "@fsi/core";
import { HttpError, type Router, readBody } from "../../http";
import { isODataQueryError, parseEntitySegment } from "../../odata";
import { formatKeyPredicate, notFound, odataErrorReply, queryError, scmError } from "../errors";
import type { ChangesetWrite, ScmWriter, WriteOutcome } from "../writes";
import { keyOf } from "./keys";

export interface BatchRouteDependencies {
  readonly prefix: string;
  readonly writer: ScmWriter;
  readonly defaultCompany: string;
  readonly bodyLimitBytes: number;
}

export function addBatchRoute(router: Router, deps: BatchRouteDependencies): void {
  const dataPath = `${deps.prefix}/data`;
  router.on(
    "POST",
    `${dataPath}/$batch`,
    async ({ req, res, url }) => {
      const text = (await readBody(req, { limitBytes: deps.bodyLimitBytes })).toString("utf8");
      let items;
      try {
        items = parseBatchRequest(req.headers["content-type"], text);
      } catch (error) {
        if (error instanceof BatchFormatError) throw scmError(400, "InvalidBatch", error.message);
        throw error;
      }
      const serviceRoot = `${url.origin}${dataPath}`;
      const context = { defaultCompany: deps.defaultCompany };
      const responses: BatchResponseItem[] = [];
      for (const item of items) {
        if (item.kind === "request") {
          responses.push({
            kind: "response",
            response: await runSingle(item.request, deps, dataPath, serviceRoot, context),
          });
          continue;
        }
        let writes: ChangesetWrite[];
        try {
          writes = item.requests.map((request) => toWrite(request, dataPath));
        } catch (error) {
          const failing = item.requests[0];
          responses.push({ kind: "response", response: errorResponse(error, failing?.contentId) });
          continue;
        }
        const outcome = await deps.writer.changeset(writes, context);
        if (!outcome.committed) {
          responses.push({
            kind: "response",
            response: errorResponse(outcome.error, item.requests[outcome.failedAt]?.contentId),
          });
          continue;
        }
        responses.push({
          kind: "changeset",
          responses: outcome.outcomes.map((result, index) =>
            successResponse(writes[index], result, serviceRoot, item.requests[index]?.contentId),
          ),
        });
      }
      const reply = formatBatchResponse(responses);
      res.writeHead(200, { "content-type": reply.contentType, "odata-version": "4.0" });
      res.end(reply.body);
    },
    { exact: true },
  );
}

async function runSingle(
  request: BatchRequest,
  deps: BatchRouteDependencies,
  dataPath: string,
  serviceRoot: string,
  context: { defaultCompany: string },
): Promise<BatchResponse> {
  try {
    if (request.method === "GET")
      throw scmError(501, "NotImplemented", "The emulator serves no GET inside a batch; read outside the batch.");
    const write = toWrite(request, dataPath);
    const outcome = await deps.writer.changeset([write], context);
    if (!outcome.committed) return errorResponse(outcome.error, request.contentId);
    const [result] = outcome.outcomes;
    if (result === undefined) throw new Error("A committed write has no outcome.");
    return successResponse(write, result, serviceRoot, request.contentId);
  } catch (error) {
    return errorResponse(error, request.contentId);
  }
}

function toWrite(request: BatchRequest, dataPath: string): ChangesetWrite {
  const path = relativePath(request.url, dataPath);
  let segment;
  try {
    segment = parseEntitySegment(path.split("?")[0] ?? "");
  } catch (error) {
    if (isODataQueryError(error)) throw queryError(error);
    throw error;
  }
  const entity = scmEntityByCollection(segment.name);
  if (entity === undefined) throw notFound(`Resource not found for the segment '${segment.name}'.`);
  const body = request.body === undefined ? {} : parseBody(request.body);
  if (segment.key === undefined) {
    if (request.method !== "POST")
      throw scmError(
        405,
        "MethodNotAllowed",
        `${request.method} is not allowed on the ${entity.collection} collection; use POST.`,
      );
    return { operation: "create", entity, body };
  }
  const key = keyOf(entity, segment.key);
  if (request.method === "PATCH" || request.method === "PUT") return { operation: "update", entity, key, body };
  if (request.method === "DELETE") return { operation: "delete", entity, key };
  throw scmError(
    405,
    "MethodNotAllowed",
    `${request.method} is not allowed on a ${entity.collection} record; use PATCH or DELETE.`,
  );
}

/** `Warehouses(...)`, `/scm/data/Warehouses(...)` or an absolute URL: the part after the service root. */
function relativePath(url: string, dataPath: string): string {
  const path = /^https?:\/\//i.test(url) ? new URL(url).pathname + new URL(url).search : url;
  const at = path.indexOf(`${dataPath}/`);
  return decodeURIComponent(at === -1 ? path.replace(/^\/+/, "") : path.slice(at + dataPath.length + 1));
}

function parseBody(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (error) {
    throw scmError(
      400,
      "INVALID_JSON",
      `A batch request's body is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw scmError(400, "InvalidBody", "The request body must be a JSON object of entity fields.");
  return parsed as Record<string, unknown>;
}

function successResponse(
  write: ChangesetWrite | undefined,
  result: WriteOutcome,
  serviceRoot: string,
  contentId: string | undefined,
): BatchResponse {
  const id = contentId === undefined ? {} : { contentId };
  if (write?.operation !== "create" || result.row === null) return { status: 204, headers: {}, body: "", ...id };
  const location = `${serviceRoot}/${write.entity.collection}${formatKeyPredicate(write.entity, result.key)}`;
  return {
    status: 201,
    headers: { "Content-Type": "application/json; odata.metadata=minimal", Location: location },
    body: JSON.stringify({
      "@odata.context": `${serviceRoot}/$metadata#${write.entity.collection}/$entity`,
      ...result.row,
    }),
    ...id,
  };
}

function errorResponse(error: unknown, contentId: string | undefined): BatchResponse {
  const httpError =
    error instanceof HttpError
      ? error
      : scmError(500, "InternalError", error instanceof Error ? error.message : String(error));
  const reply = odataErrorReply(httpError);
  return {
    status: reply.status,
    headers: { "Content-Type": "application/json; odata.metadata=minimal" },
    body: JSON.stringify(reply.body),
    ...(contentId === undefined ? {} : { contentId }),
  };
}
