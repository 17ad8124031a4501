/**
 * Service protection API limits (Learn, "Service protection API limits", PA
 * `developer/data-platform/api-limits.md`), evaluated per user: the number of requests and their
 * combined execution time within a sliding window (defaults 6,000 requests and 1,200,000 ms per
 * 300 s), and the number of requests running at once (default 52). A request over a limit gets
 * 429 with `Retry-After` and the limit's own code and message. Off unless configured, so tests and
 * the sandbox are not throttled by surprise; any of the three may be set alone.
 */
import { concurrencyLimitExceeded, executionTimeExceeded, requestLimitExceeded } from "./errors";

/**
 * `x-ms-dop-hint`, the recommended degree of parallelism Dataverse sends with every response (PA
 * `developer/data-platform/send-parallel-requests.md`, "Optimum degree of parallelism"). The value
 * depends on the resources Dataverse gives the environment; no page gives a typical number.
 * **Unconfirmed**: the emulator answers 4 unless configured (`DataverseEmulatorOptions.dopHint`).
 */
export const DOP_HINT_HEADER = "x-ms-dop-hint";
export const DEFAULT_DOP_HINT = 4;

export interface ServiceProtectionLimits {
  /** Requests a user may make within the window (Dataverse: 6000 per 300 s). */
  readonly maxRequests?: number;
  /** Combined execution time of a user's requests within the window (Dataverse: 1,200,000 ms per 300 s). */
  readonly maxExecutionMs?: number;
  readonly windowSeconds: number;
  /** A user's requests running at once (Dataverse: 52). */
  readonly maxConcurrent?: number;
}

interface Usage {
  /** Start times of requests within the window. */
  requests: number[];
  /** [end time, duration] of finished requests within the window. */
  executions: [number, number][];
  running: number;
}

export class ServiceProtection {
  private readonly usage = new Map<string, Usage>();

  constructor(
    private readonly limits: ServiceProtectionLimits,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Admits one request of `userId`, or throws the 429 error; the function returned ends it. */
  admit(userId: string): () => void {
    const now = this.clock();
    const windowMs = this.limits.windowSeconds * 1000;
    const usage = this.usage.get(userId) ?? { requests: [], executions: [], running: 0 };
    this.usage.set(userId, usage);
    usage.requests = usage.requests.filter((time) => time > now - windowMs);
    usage.executions = usage.executions.filter(([end]) => end > now - windowMs);
    const { maxRequests, maxExecutionMs, maxConcurrent } = this.limits;
    if (maxRequests !== undefined && usage.requests.length >= maxRequests) {
      const oldest = usage.requests[0] ?? now;
      throw requestLimitExceeded(maxRequests, this.limits.windowSeconds, retryAfter(oldest + windowMs - now));
    }
    if (maxExecutionMs !== undefined) {
      const spent = usage.executions.reduce((total, [, duration]) => total + duration, 0);
      if (spent >= maxExecutionMs) {
        const oldest = usage.executions[0]?.[0] ?? now;
        throw executionTimeExceeded(maxExecutionMs, this.limits.windowSeconds, retryAfter(oldest + windowMs - now));
      }
    }
    if (maxConcurrent !== undefined && usage.running >= maxConcurrent) throw concurrencyLimitExceeded(maxConcurrent);
    usage.requests.push(now);
    usage.running += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      usage.running -= 1;
      const end = this.clock();
      usage.executions.push([end, Math.max(0, end - now)]);
    };
  }
}

function retryAfter(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
