import { retryAfterMs as parseRetryAfterMs } from "../../http-kit/retry-after";

/**
 * Retries for bulk traffic. Dataverse's service protection limits answer 429 with `Retry-After`
 * (seconds) and expect the client to wait that long before the next request (Learn, "Service
 * protection API limits": "Retry-After ... the duration to wait before making another request");
 * a gateway hiccup (502/503/504) or a dropped connection is retried with backoff. Anything else is
 * the caller's to interpret. A request that is not idempotent (a `$batch` of creates) is not sent
 * again once it may have reached the server — a dropped connection or a 504: its change set may be
 * committed, and sending it again would fail every row as a duplicate. The run stops instead, and
 * its resume compares the rows with a fresh read.
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
  return parseRetryAfterMs(header, now) ?? 1_000;
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
  options: { readonly idempotent?: boolean } = {},
): Promise<Response> {
  const idempotent = options.idempotent ?? true;
  let throttledAttempts = 0;
  let transientAttempts = 0;
  for (;;) {
    let response: Response;
    try {
      response = await send();
    } catch (error) {
      transientAttempts += 1;
      if (!idempotent && !refusedConnection(error)) {
        throw new UnreachableError(
          `${what}: the connection dropped after the request was sent (${describe(error)}); whether it was applied is unknown.`,
        );
      }
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
    if (!idempotent && response.status === 504) {
      await response.arrayBuffer().catch(() => undefined);
      throw new UnreachableError(`${what}: the gateway timed out (504); whether the request was applied is unknown.`);
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

/** The connection was refused: the request never reached the server, so sending it again is safe. */
function refusedConnection(error: unknown): boolean {
  const cause = error instanceof Error ? (error as Error & { cause?: unknown }).cause : undefined;
  return typeof cause === "object" && cause !== null && (cause as { code?: unknown }).code === "ECONNREFUSED";
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}
