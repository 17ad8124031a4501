/**
 * The inventory engine over HTTP, built from the plug-in host's parts (`plugins-ts/host`): it
 * parses, authenticates and routes; the engine does the work. Routes, under `/plugins/inventory`:
 * - `POST webhooks/<handler>`: the inventory webhook steps (`registration/steps.ts`), the service
 *   endpoint's key checked in constant time;
 * - `POST scm-events`: SCM data events of the live SCM → FS maps (on-hand, projects);
 * - `GET status`: every map's mode, checkpoint, last run and live counts (`batchStatus`), behind
 *   the webhook key.
 * The same `handle` serves `node:http` (`listener`) and Azure Functions.
 */
import type { RequestListener } from "node:http";
import { parseScmDataEvent } from "../../integration/scm-data-event";
import { statusOf } from "../../plugins/plugin";
import { type WebhookAuth, requireWebhookKey } from "../../http-kit/auth/webhook-key";
import { integrationHttpError } from "../../integration/error-replies";
import { parseJsonBody } from "../../http-kit/body";
import { requireJsonContentType } from "../../http-kit/content-type";
import { HttpError } from "../../http-kit/errors";
import {
  type HostHandler,
  type HostRequest,
  type HostResponse,
  answer,
  errorReply,
  jsonReply,
} from "../../http-kit/exchange";
import { toRequestListener } from "../../http-kit/node-adapter";
import { createLogger, type Logger } from "../../services/logger";
import type { InventoryEngine } from "../engine";
import { SIZE_EXCEEDED_HEADER, parseExecutionContext } from "../../context/execution-context";
import { DEFAULT_INVENTORY_PREFIX } from "../registration/steps";

export interface InventoryHostConfig {
  /** How Dataverse's service endpoint authenticates to `webhooks/*` (and `status`). */
  readonly webhookAuth: WebhookAuth;
  /** How SCM's data event endpoint authenticates to `scm-events`. */
  readonly scmEventsAuth: WebhookAuth;
  /** Default `/plugins/inventory`. */
  readonly pathPrefix?: string;
  /** Largest request body; default 1 MiB. */
  readonly bodyLimitBytes?: number;
  readonly log?: Logger;
}

export interface InventoryHost {
  readonly handle: HostHandler;
  readonly listener: RequestListener;
}

export function createInventoryHost(engine: InventoryEngine, config: InventoryHostConfig): InventoryHost {
  const prefix = (config.pathPrefix ?? DEFAULT_INVENTORY_PREFIX).replace(/\/+$/, "");
  const limit = config.bodyLimitBytes ?? 1024 * 1024;
  const log = config.log ?? createLogger();

  const webhook = async (request: HostRequest, handlerName: string): Promise<HostResponse> => {
    // The key first: a caller without it learns nothing, not even which handlers exist.
    requireWebhookKey(request, config.webhookAuth);
    const plugin = [...engine.plugins.values()].find((candidate) => candidate.name === handlerName);
    if (plugin === undefined) {
      throw new HttpError(
        404,
        "UNKNOWN_HANDLER",
        `No inventory webhook handler '${handlerName}'; handlers: ${[...engine.plugins.keys()].join(", ")}.`,
      );
    }
    requireJsonContentType(request);
    const context = parseExecutionContext(parseJsonBody(await request.readBody(limit), "RemoteExecutionContext"), {
      sizeExceeded: request.header(SIZE_EXCEEDED_HEADER) !== undefined,
    });
    const scoped = log.child({ correlationId: context.correlationId });
    try {
      const result = await plugin.execute(context);
      scoped.info(
        `${plugin.name}: ${context.messageName} ${context.primaryEntityName} ${context.primaryEntityId}: ${result.outcome}`,
        { detail: result.message },
      );
      return jsonReply(statusOf(result), result);
    } catch (error) {
      const httpError = integrationHttpError(error);
      scoped[httpError.status >= 500 ? "error" : "warn"](`${plugin.name}: refused with ${httpError.status}`, {
        code: httpError.code,
        reason: httpError.message,
      });
      return errorReply(httpError);
    }
  };

  const scmEvent = async (request: HostRequest): Promise<HostResponse> => {
    requireWebhookKey(request, config.scmEventsAuth);
    requireJsonContentType(request);
    const change = parseScmDataEvent(parseJsonBody(await request.readBody(limit), "SCM data event"));
    try {
      const result = await engine.receiveScmEvent(change);
      return jsonReply(statusOf(result), result);
    } catch (error) {
      const httpError = integrationHttpError(error);
      log.warn(`inventory scm-events: refused with ${httpError.status}`, {
        code: httpError.code,
        reason: httpError.message,
        eventId: change.eventId,
      });
      return errorReply(httpError);
    }
  };

  const route: HostHandler = async (request) => {
    const path = request.url.pathname;
    const segments = path.startsWith(`${prefix}/`) ? path.slice(prefix.length + 1).split("/") : [];
    const [first, second, ...rest] = segments;
    if (first === "webhooks" && second !== undefined && second !== "" && rest.length === 0) {
      requireMethod(request, "POST");
      return webhook(request, decodeSegment(second));
    }
    if (first === "scm-events" && second === undefined) {
      requireMethod(request, "POST");
      return scmEvent(request);
    }
    if (first === "status" && second === undefined) {
      requireMethod(request, "GET");
      requireWebhookKey(request, config.webhookAuth);
      return jsonReply(200, { maps: await engine.batchStatus() });
    }
    throw new HttpError(404, "NOT_FOUND", `No resource at '${path}'.`);
  };

  const onServerError = (error: unknown) => {
    log.error("Unexpected failure", {
      reason: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  };
  const handle: HostHandler = (request) => answer(route, request, onServerError, integrationHttpError);
  return { handle, listener: toRequestListener(handle, { onServerError }) };
}

function requireMethod(request: HostRequest, method: string): void {
  if (request.method !== method) {
    throw new HttpError(
      405,
      "METHOD_NOT_ALLOWED",
      `Method ${request.method} is not allowed here; use ${method}.`,
      undefined,
      { allow: method },
    );
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, "INVALID_PATH", `The path segment '${segment}' is not valid percent-encoding.`);
  }
}
