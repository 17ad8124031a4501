/**
 * Priority-based throttling as F&O answers it: a request over the limit gets `429 Too Many
 * Requests` with a `Retry-After` header (seconds), and the client should wait that long (UO
 * `articles/fin-ops-core/dev-itpro/data-entities/priority-based-throttling.md`). F&O decides from
 * resource use and each integration's priority; the emulator decides from two switches: a request
 * rate per window (off by default) and "refuse the next N requests" for tests. The error body of a
 * 429 is **unconfirmed** (the OData error shape is used).
 */
import { z } from "zod";
import { scmError } from "./errors";

export const throttlingSettingsSchema = z.strictObject({
  /** Requests allowed per window; 0 turns the rate limit off. */
  requestsPerWindow: z.number().int().min(0).default(0),
  windowMs: z.number().int().min(1).default(60_000),
  /** Refuse this many next requests, whatever the rate. */
  rejectNext: z.number().int().min(0).default(0),
  retryAfterSeconds: z.number().int().min(0).max(3600).default(1),
});

export type ThrottlingSettings = z.infer<typeof throttlingSettingsSchema>;

export class Throttle {
  private settings: ThrottlingSettings;
  private windowStart = Date.now();
  private count = 0;

  constructor(settings: Partial<ThrottlingSettings> = {}) {
    this.settings = throttlingSettingsSchema.parse(settings);
  }

  current(): ThrottlingSettings {
    return this.settings;
  }

  replace(settings: ThrottlingSettings): void {
    this.settings = settings;
    this.windowStart = Date.now();
    this.count = 0;
  }

  /** Throws the 429 when this request is over the limit. */
  admit(): void {
    const { settings } = this;
    if (settings.rejectNext > 0) {
      this.settings = { ...settings, rejectNext: settings.rejectNext - 1 };
      throw this.tooMany(settings.retryAfterSeconds);
    }
    if (settings.requestsPerWindow === 0) return;
    const now = Date.now();
    if (now - this.windowStart >= settings.windowMs) {
      this.windowStart = now;
      this.count = 0;
    }
    this.count += 1;
    if (this.count > settings.requestsPerWindow) {
      throw this.tooMany(
        Math.max(settings.retryAfterSeconds, Math.ceil((this.windowStart + settings.windowMs - now) / 1000)),
      );
    }
  }

  private tooMany(retryAfterSeconds: number): Error {
    return scmError(
      429,
      "TooManyRequests",
      `The request was throttled; retry after ${retryAfterSeconds} s.`,
      {},
      { "retry-after": String(retryAfterSeconds) },
    );
  }
}
