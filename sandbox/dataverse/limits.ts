/**
 * Service protection API limits (Learn, "Service protection API limits"): too many requests from
 * one user within a sliding window are refused with 429 and a `Retry-After` telling the client
 * when it may try again. Off unless configured, so tests and the sandbox are not throttled by
 * surprise.
 */
import { requestLimitExceeded } from "./errors";

export interface RequestLimit {
  /** Requests a user may make within the window (Dataverse: 6000 per 300 s). */
  readonly maxRequests: number;
  readonly windowSeconds: number;
}

export class RequestLimiter {
  private readonly seen = new Map<string, number[]>();

  constructor(
    private readonly limit: RequestLimit,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Counts one request for `userId`, or throws the 429 error once the window is full. */
  admit(userId: string): void {
    const now = this.clock();
    const windowMs = this.limit.windowSeconds * 1000;
    const times = (this.seen.get(userId) ?? []).filter((time) => time > now - windowMs);
    if (times.length >= this.limit.maxRequests) {
      const oldest = times[0] ?? now;
      const retryAfter = Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));
      this.seen.set(userId, times);
      throw requestLimitExceeded(this.limit.maxRequests, this.limit.windowSeconds, retryAfter);
    }
    times.push(now);
    this.seen.set(userId, times);
  }
}
