/**
 * `POST /plugins/validate` — the validation API the form scripts call before a save (docs/design.md §5):
 * a single request or a batch (`{ "requests": [...] }` → `{ "results": [...] }` in order).
 * 400 malformed (with every problem and its JSON path), 401 no or bad bearer token, 403 origin not
 * allowed, 413 too large, 415 not JSON, 503 SCM unreachable. CORS headers ride on every reply to an
 * allowed origin, errors included, so the browser lets the form read why.
 */
import {
  isBatchRequestBody,
  validationBatchRequestSchema,
  validationRequestSchema,
  type ValidationResponse,
} from "@fsi/core/validation/contract";
import { formatZodError } from "@fsi/core/validation/format-zod-error";
import type { BearerVerifier } from "../http-kit/auth/bearer-token";
import { type CorsPolicy, corsHeadersFor, preflightReply } from "../http-kit/cors";
import { parseJsonBody } from "../http-kit/body";
import { requireJsonContentType } from "../http-kit/content-type";
import { HttpError } from "../http-kit/errors";
import { integrationHttpError } from "../integration/error-replies";
import { type HostRequest, type HostResponse, errorReply, jsonReply } from "../http-kit/exchange";
import type { Logger } from "../services/logger";
import { ScmUnavailableError } from "../services/scm-client";
import { LookupKeyCache } from "./lookup-key-cache";
import { type ValidationApiDependencies, validateRequest } from "./validate-records";

export interface ValidationEndpointOptions {
  readonly verifyBearer: BearerVerifier;
  readonly cors: CorsPolicy;
  readonly bodyLimitBytes: number;
  readonly dependencies: () => ValidationApiDependencies;
  readonly log: Logger;
  /** Lookup keys kept between requests (default: kept for `LOOKUP_KEY_TTL_MS`). */
  readonly lookupKeys?: LookupKeyCache;
}

export function validationEndpoint(
  options: ValidationEndpointOptions,
): (request: HostRequest) => Promise<HostResponse> {
  const lookupKeys = options.lookupKeys ?? new LookupKeyCache();
  return async (request) => {
    if (request.method === "OPTIONS") return preflightReply(request, options.cors);
    const cors = corsHeadersFor(request, options.cors);
    try {
      if (request.method !== "POST") {
        throw new HttpError(
          405,
          "METHOD_NOT_ALLOWED",
          `Method ${request.method} is not allowed here; use POST.`,
          undefined,
          { allow: "POST, OPTIONS" },
        );
      }
      const caller = await options.verifyBearer(request);
      requireJsonContentType(request);
      const body = parseJsonBody(await request.readBody(options.bodyLimitBytes), "validation request");
      const deps = { ...options.dependencies(), lookupKeys };
      const log = options.log.child({ caller: caller.subject });
      if (isBatchRequestBody(body)) {
        const parsed = validationBatchRequestSchema.safeParse(body);
        if (!parsed.success) throw malformed(formatZodError(parsed.error, "validation batch request"));
        const results: ValidationResponse[] = [];
        // In order, one at a time: a batch is one form's related rows, and SCM is the bottleneck anyway.
        for (const item of parsed.data.requests) results.push(await validateRequest(item, deps));
        log.info("Validation batch answered", {
          count: results.length,
          invalid: results.filter((result) => !result.valid).length,
        });
        return jsonReply(200, { results }, cors);
      }
      const parsed = validationRequestSchema.safeParse(body);
      if (!parsed.success) throw malformed(formatZodError(parsed.error, "validation request"));
      const result = await validateRequest(parsed.data, deps);
      log.info("Validation answered", { table: parsed.data.table, valid: result.valid, errors: result.errors.length });
      return jsonReply(200, result, cors);
    } catch (error) {
      if (error instanceof ScmUnavailableError) {
        options.log.warn("Validation API: SCM unreachable", { reason: error.message });
        return errorReply(
          new HttpError(
            503,
            "SCM_UNAVAILABLE",
            `SCM could not be reached to validate the record: ${error.message}`,
            undefined,
            { "retry-after": "5" },
          ),
          cors,
        );
      }
      const httpError = integrationHttpError(error);
      if (httpError.status >= 500) options.log.error("Validation API failed", { reason: httpError.message });
      return errorReply(httpError, cors);
    }
  };
}

function malformed(message: string): HttpError {
  return new HttpError(400, "INVALID_REQUEST", message);
}
