/**
 * One HTTP delivery of a business event: POST of the event JSON. Success is a 2xx; anything else
 * (another status, a timeout, a refused connection) is a failure with a reason a person can read.
 */
import type { ScmBusinessEvent } from "../../../core";

export type DeliveryResult =
  | { readonly ok: true; readonly status: number }
  | { readonly ok: false; readonly status?: number; readonly reason: string };

/** How much of a failing subscriber's reply we quote in errors. */
const QUOTED_REPLY_CHARS = 500;

export async function deliverEvent(url: string, event: ScmBusinessEvent, timeoutMs: number): Promise<DeliveryResult> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-fsi-event-id": event.EventId,
        "x-fsi-control-number": String(event.ControlNumber),
      },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const reply = await response.text();
    if (response.ok) return { ok: true, status: response.status };
    const quoted = reply.trim() === "" ? "" : `: ${reply.trim().slice(0, QUOTED_REPLY_CHARS)}`;
    return { ok: false, status: response.status, reason: `answered ${response.status} ${response.statusText}${quoted}` };
  } catch (error) {
    return { ok: false, reason: describeFetchError(error, timeoutMs) };
  }
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return `did not answer within ${timeoutMs} ms`;
  }
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return `could not be reached (${cause ?? message})`;
}
