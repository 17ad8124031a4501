/**
 * How long the caller of a route waits for the reply. An Azure Functions HTTP trigger cannot see
 * its caller's connection (the Functions host sits between them, and @azure/functions' HttpRequest
 * exposes no abort signal), so the host tells "the caller stopped waiting" by the clock instead.
 *
 * Dataverse gives a webhook 60 seconds: "The timeout is 60 seconds. Generally, if no response is
 * returned before the timeout period ... it will fail" (PA
 * `powerapps-docs/developer/data-platform/use-webhooks.md`, "Troubleshoot WebHook registrations").
 * SCM's data events reach an HTTPS endpoint as a Dataverse webhook ("proxied through Dataverse";
 * docs/design.md §0.b, UO `business-events/data-events.md`), so the same wait applies to them.
 */
export const DATAVERSE_WEBHOOK_TIMEOUT_MS = 60_000;

export interface CallerWait {
  /** How long the caller waits, from the moment the function was invoked. */
  readonly waitMs: number;
  /** Now, in ms (a test's clock); default `Date.now`. */
  readonly now?: () => number;
}

export const DATAVERSE_CALLER: CallerWait = { waitMs: DATAVERSE_WEBHOOK_TIMEOUT_MS };

/** `callerGone` for a request received now: true once the caller's wait has run out. */
export function callerGoneAfter(wait: CallerWait): () => boolean {
  const now = wait.now ?? Date.now;
  const deadline = now() + wait.waitMs;
  return () => now() >= deadline;
}
