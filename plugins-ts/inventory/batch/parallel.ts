/**
 * Parallel work inside Dataverse's service protection limits (Learn, PA
 * `developer/data-platform/send-parallel-requests.md` and `api-limits.md`): as many workers as
 * the caller asks, else as many as Dataverse's `x-ms-dop-hint` recommends ("use the integer value
 * returned from the x-ms-dop-hint response header"), within bounds. A request Dataverse throttles
 * (429) is sent again after its `Retry-After` by the request layer
 * (`services/dataverse-request.ts`); one still refused stops the run like Dataverse out of reach
 * (never a failure of the row: `flows/runtime.ts` `isRowFailure`), so the checkpoint stays and the
 * next run goes on from it.
 */

/** Workers when neither the caller nor Dataverse says. */
export const DEFAULT_CONCURRENCY = 4;
/** The most workers a run starts, whatever the hint: the host's own CPU bounds them too. */
export const MAX_CONCURRENCY = 16;

/** The workers a run starts: the caller's number, else Dataverse's recommendation, within bounds. */
export function workersFor(requested: number | undefined, recommended: number | undefined): number {
  return Math.max(1, Math.min(MAX_CONCURRENCY, requested ?? recommended ?? DEFAULT_CONCURRENCY));
}

/** Runs `work` over `items` with up to `concurrency` workers; the first failure ends the pool. */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
      for (let index = next++; index < items.length; index = next++) {
        const item = items[index];
        if (item !== undefined) await work(item);
      }
    }),
  );
}
