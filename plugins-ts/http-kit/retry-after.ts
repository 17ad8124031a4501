/**
 * `Retry-After` (RFC 9110 §10.2.3: delay-seconds or an HTTP date) as milliseconds from `now`;
 * undefined when absent or unreadable. Dataverse's service protection limits answer 429 with it
 * (Learn, "Service protection API limits"), and so does SCM when it throttles (UO
 * "Priority-based throttling"): every client of ours reads it here.
 */
export function retryAfterMs(header: string | null | undefined, now: number = Date.now()): number | undefined {
  if (header === null || header === undefined || header.trim() === "") return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
