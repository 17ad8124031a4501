/**
 * How long ago SCM last confirmed the quantities, in the largest whole unit ("3 hours ago"), as the
 * panel words it. Beyond a month a relative time stops helping, so the date is shown instead. A
 * time in the future (the device's clock behind the server's) reads as "just now".
 */
export type SyncAge =
  | { readonly kind: "justNow" }
  | { readonly kind: "minutes" | "hours" | "days"; readonly count: number }
  | { readonly kind: "date" };

const minuteMs = 60_000;
const hourMs = 60 * minuteMs;
const dayMs = 24 * hourMs;

/** From this age on, the date. */
export const showDateAfterDays = 30;

export function syncAge(syncedOn: Date, nowMs: number): SyncAge {
  const age = nowMs - syncedOn.getTime();
  if (age < minuteMs) return { kind: "justNow" };
  if (age < hourMs) return { kind: "minutes", count: Math.floor(age / minuteMs) };
  if (age < dayMs) return { kind: "hours", count: Math.floor(age / hourMs) };
  if (age < showDateAfterDays * dayMs) return { kind: "days", count: Math.floor(age / dayMs) };
  return { kind: "date" };
}
