/**
 * One deadline for everything an OnSave check waits on (settings, company code, token, validation).
 * The platform gives an async OnSave promise 10 s (docs/design.md §4, learn.microsoft.com "Form OnSave
 * event": "there's a 10-second limit for each promise"); we stop at 8 s so our own message, not the
 * platform's timeout, tells the user what happened.
 */
export const onSaveBudgetMs = 8_000;

export class DeadlineExceeded extends Error {
  readonly code = "TIMEOUT";
}

export interface Deadline {
  readonly signal: AbortSignal;
  /** Settles like `work`, or rejects with `DeadlineExceeded` when the deadline passes first. */
  within<T>(work: Promise<T>): Promise<T>;
  dispose(): void;
}

export function startDeadline(ms: number = onSaveBudgetMs): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new DeadlineExceeded(`No answer within ${ms / 1000} s.`));
  }, ms);
  const { signal } = controller;
  return {
    signal,
    within<T>(work: Promise<T>): Promise<T> {
      if (signal.aborted) return Promise.reject(new DeadlineExceeded("The deadline has passed."));
      return new Promise<T>((resolve, reject) => {
        const onAbort = () => {
          reject(new DeadlineExceeded("The deadline has passed."));
        };
        signal.addEventListener("abort", onAbort, { once: true });
        work.then(
          (value) => {
            signal.removeEventListener("abort", onAbort);
            resolve(value);
          },
          (error: unknown) => {
            signal.removeEventListener("abort", onAbort);
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        );
      });
    },
    dispose() {
      clearTimeout(timer);
    },
  };
}
