/**
 * Retries for bulk traffic. Dataverse's service protection limits answer 429 with `Retry-After`
 * (seconds) and expect the client to wait that long before the next request (Learn, "Service
 * protection API limits": "Retry-After ... the duration to wait before making another request");
 * a gateway hiccup (502/503/504) or a dropped connection is retried with backoff. Anything else is
 * the caller's to interpret.
 */
export interface RetryPolicy {
  /** Attempts after a 429 (each waits Retry-After). */
  readonly maxThrottledAttempts: number;
  /** Attempts after a 502/503/504 or a connection failure. */
  readonly maxTransientAttempts: number;
  /** First backoff for transient failures (doubles each time). */
  readonly backoffMs: number;
  readonly sleep: (ms: number) => Promise<void>;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxThrottledAttempts: 20,
  maxTransientAttempts: 4,
  backoffMs: 500,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** What throttling cost a run: shown in its summary. */
export interface ThrottleStats {
  throttled: number;
  waitedMs: number;
}

/** `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3); 1 s when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number {
  if (header === null || header.trim() === "") return 1_000;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? 1_000 : Math.max(0, date - now);
}

const TRANSIENT = new Set([502, 503, 504]);

export class UnreachableError extends Error {
  override readonly name = "UnreachableError";
  readonly code = "UNREACHABLE";
}

/** Sends until the answer is neither a 429 nor a transient failure, or the attempts run out. */
export async function sendWithRetry(
  send: () => Promise<Response>,
  what: string,
  policy: RetryPolicy,
  stats: ThrottleStats,
): Promise<Response> {
  let throttledAttempts = 0;
  let transientAttempts = 0;
  for (;;) {
    let response: Response;
    try {
      response = await send();
    } catch (error) {
      transientAttempts += 1;
      if (transientAttempts >= policy.maxTransientAttempts) {
        throw new UnreachableError(`${what}: no answer after ${transientAttempts} attempts (${describe(error)}).`);
      }
      await policy.sleep(policy.backoffMs * 2 ** (transientAttempts - 1));
      continue;
    }
    if (response.status === 429) {
      throttledAttempts += 1;
      const wait = retryAfterMs(response.headers.get("retry-after"));
      await response.arrayBuffer().catch(() => undefined);
      if (throttledAttempts >= policy.maxThrottledAttempts) {
        throw new UnreachableError(`${what}: still throttled (429) after ${throttledAttempts} attempts.`);
      }
      stats.throttled += 1;
      stats.waitedMs += wait;
      await policy.sleep(wait);
      continue;
    }
    if (TRANSIENT.has(response.status) && transientAttempts + 1 < policy.maxTransientAttempts) {
      transientAttempts += 1;
      const hinted = response.headers.get("retry-after");
      await response.arrayBuffer().catch(() => undefined);
      await policy.sleep(hinted === null ? policy.backoffMs * 2 ** (transientAttempts - 1) : retryAfterMs(hinted));
      continue;
    }
    return response;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}
