/**
 * Request rates per caller, for the routes a stranger can reach (the validation API, a token
 * issuer): a fixed window of `requests` per `perSeconds` for each caller key, counted in memory by
 * rate-limiter-flexible. Over the limit the caller gets 429 with `Retry-After` (seconds until its
 * window frees a request), as RFC 6585 §4 describes. The count is per process: a scaled-out host
 * limits per instance.
 */
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { HttpError } from "./errors";
import type { HostRequest } from "./exchange";

export interface RateLimit {
  readonly requests: number;
  readonly perSeconds: number;
}

export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

export class CallerRateLimiter {
  private readonly limiter: RateLimiterMemory;

  constructor(readonly limit: RateLimit) {
    if (
      !(
        Number.isInteger(limit.requests) &&
        limit.requests > 0 &&
        Number.isInteger(limit.perSeconds) &&
        limit.perSeconds > 0
      )
    ) {
      throw new Error(
        `A rate limit needs whole, positive requests and seconds; got ${limit.requests} per ${limit.perSeconds} s.`,
      );
    }
    this.limiter = new RateLimiterMemory({ points: limit.requests, duration: limit.perSeconds });
  }

  /** Counts one request of `caller`. */
  async take(caller: string): Promise<RateDecision> {
    try {
      await this.limiter.consume(caller);
      return { allowed: true };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
    }
  }

  /** Counts one request of `caller`; throws the 429 when it is over the limit. */
  async require(caller: string, what: string): Promise<void> {
    const decision = await this.take(caller);
    if (!decision.allowed) throw tooManyRequests(decision.retryAfterSeconds, what, this.limit);
  }
}

export function tooManyRequests(retryAfterSeconds: number, what: string, limit: RateLimit): HttpError {
  return new HttpError(
    429,
    "TOO_MANY_REQUESTS",
    `Too many requests to ${what}: at most ${limit.requests} every ${limit.perSeconds} s per caller. Retry after ${retryAfterSeconds} s.`,
    undefined,
    { "retry-after": String(retryAfterSeconds) },
  );
}

/**
 * The network caller: the socket's address where the transport knows it (`node:http`), else the
 * first address of `X-Forwarded-For`, which the front end of an Azure Function App sets.
 */
export function clientAddressOf(request: HostRequest): string {
  if (request.remoteAddress !== undefined) return request.remoteAddress;
  const forwarded = request.header("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded !== undefined && forwarded !== "" ? forwarded : "unknown";
}
