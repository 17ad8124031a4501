/**
 * One HTTP delivery of a data event, as Dataverse posts a webhook: the RemoteExecutionContext JSON
 * with the `x-ms-dynamics-*` headers (PA `developer/data-platform/use-webhooks.md`). Success is a
 * 2xx; anything else (another status, a timeout, a refused connection) is a failure with a reason a
 * person can read.
 */
import type { DataEventBody } from "./data-event";

export type DeliveryResult =
  | { readonly ok: true; readonly status: number }
  | { readonly ok: false; readonly status?: number; readonly reason: string };

/** How much of a failing endpoint's reply we quote in errors. */
const QUOTED_REPLY_CHARS = 500;

export async function deliverDataEvent(url: string, event: DataEventBody, timeoutMs: number): Promise<DeliveryResult> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-ms-dynamics-organization": event.OrganizationName,
        "x-ms-dynamics-entity-name": event.PrimaryEntityName,
        "x-ms-dynamics-request-name": event.MessageName,
        "x-ms-correlation-request-id": event.CorrelationId,
      },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const reply = await response.text();
    if (response.ok) return { ok: true, status: response.status };
    const quoted = reply.trim() === "" ? "" : `: ${reply.trim().slice(0, QUOTED_REPLY_CHARS)}`;
    return {
      ok: false,
      status: response.status,
      reason: `answered ${response.status} ${response.statusText}${quoted}`,
    };
  } catch (error) {
    if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
      return { ok: false, reason: `did not answer within ${timeoutMs} ms` };
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
    return {
      ok: false,
      reason: `could not be reached (${cause ?? (error instanceof Error ? error.message : String(error))})`,
    };
  }
}
