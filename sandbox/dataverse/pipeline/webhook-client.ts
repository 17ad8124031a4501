/**
 * Posts an execution context to a webhook the way Dataverse does (Learn, "Use WebHooks to create
 * external handlers for server events"): JSON body, `x-ms-dynamics-*` and
 * `x-ms-correlation-request-id` headers, the endpoint's authentication (WebhookKey `?code=`,
 * HttpHeader headers, HttpQueryString parameters). Only the status code of the reply is read;
 * 502, 503 and 504 are retried once; no reply within the timeout (60 s in Dataverse) is a failure.
 */
import { XMLParser } from "fast-xml-parser";
import { ServiceEndpointAuthType } from "@fsi/core";

export interface WebhookEndpoint {
  readonly url: string;
  readonly authType: number | null;
  readonly authValue: string | null;
}

export interface WebhookCall {
  readonly organization: string;
  readonly entityName: string;
  readonly requestName: string;
  readonly correlationId: string;
  readonly body: string;
  /** The context was trimmed for size (`webhook-payload.ts`): the header tells the receiver. */
  readonly sizeExceeded?: boolean;
}

export type WebhookOutcome =
  | { readonly ok: true; readonly status: number }
  | {
      readonly ok: false;
      readonly failure: "non-success" | "timeout" | "post-failed" | "invalid-headers";
      readonly status?: number;
      readonly detail: string;
    };

const RETRIED = new Set([502, 503, 504]);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

interface Setting {
  readonly name: string;
  readonly value: string;
}

/** `<settings><setting name="k" value="v" /></settings>` → name/value pairs. */
export function parseAuthSettings(authValue: string): Setting[] {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" });
  const parsed: unknown = parser.parse(authValue);
  const settings = (parsed as { settings?: { setting?: unknown } } | undefined)?.settings?.setting;
  const list = Array.isArray(settings) ? (settings as unknown[]) : settings === undefined ? [] : [settings];
  return list.map((entry) => {
    const record = entry as { name?: unknown; value?: unknown };
    if (typeof record.name !== "string") throw new Error("a <setting> has no name attribute");
    return {
      name: record.name,
      value: typeof record.value === "string" || typeof record.value === "number" ? String(record.value) : "",
    };
  });
}

export async function postToWebhook(
  endpoint: WebhookEndpoint,
  call: WebhookCall,
  timeoutMs: number,
): Promise<WebhookOutcome> {
  let url: URL;
  try {
    url = new URL(endpoint.url);
  } catch {
    return {
      ok: false,
      failure: "post-failed",
      detail: `The service endpoint URL '${endpoint.url}' is not a valid URL.`,
    };
  }
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-ms-dynamics-organization": call.organization,
    "x-ms-dynamics-entity-name": call.entityName,
    "x-ms-dynamics-request-name": call.requestName,
    "x-ms-correlation-request-id": call.correlationId,
    ...(call.sizeExceeded === true ? { "x-ms-dynamics-msg-size-exceeded": "true" } : {}),
  };
  try {
    if (endpoint.authType === ServiceEndpointAuthType.WebhookKey && endpoint.authValue !== null) {
      url.searchParams.set("code", endpoint.authValue);
    } else if (endpoint.authType === ServiceEndpointAuthType.HttpHeader && endpoint.authValue !== null) {
      for (const setting of parseAuthSettings(endpoint.authValue)) {
        if (!HEADER_NAME.test(setting.name)) throw new Error(`'${setting.name}' is not a valid header name`);
        headers[setting.name.toLowerCase()] = setting.value;
      }
    } else if (endpoint.authType === ServiceEndpointAuthType.HttpQueryString && endpoint.authValue !== null) {
      for (const setting of parseAuthSettings(endpoint.authValue)) url.searchParams.set(setting.name, setting.value);
    }
  } catch (error) {
    return {
      ok: false,
      failure: "invalid-headers",
      detail: `The endpoint's authvalue is not valid: ${(error as Error).message}`,
    };
  }
  let outcome = await attempt(url, headers, call.body, timeoutMs);
  if (!outcome.ok && outcome.status !== undefined && RETRIED.has(outcome.status)) {
    outcome = await attempt(url, headers, call.body, timeoutMs);
  }
  return outcome;
}

async function attempt(
  url: URL,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<WebhookOutcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort();
  }, timeoutMs);
  try {
    const response = await fetch(url, { method: "POST", headers, body, signal: controller.signal });
    // The reply body is never read by Dataverse; discard it so the connection can be reused.
    await response.body?.cancel();
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    return {
      ok: false,
      failure: "non-success",
      status: response.status,
      detail: `The webhook answered HTTP ${response.status}.`,
    };
  } catch (error) {
    if (controller.signal.aborted) {
      return { ok: false, failure: "timeout", detail: `The webhook did not answer within ${timeoutMs} ms.` };
    }
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return {
      ok: false,
      failure: "post-failed",
      detail: `The webhook could not be reached: ${cause ?? (error as Error).message}`,
    };
  } finally {
    clearTimeout(timer);
  }
}
