/**
 * Work the host starts after replying (replaying changes a newly arrived row unblocked). Tracked,
 * so shutdown and tests can wait for it; failures are reported, never thrown into a request.
 */
export class BackgroundWork {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly onError: (error: unknown) => void) {}

  run(task: () => Promise<unknown>): void {
    const promise: Promise<void> = task().then(
      () => undefined,
      (error: unknown) => {
        this.onError(error);
      },
    );
    this.running.add(promise);
    void promise.finally(() => this.running.delete(promise));
  }

  /** Resolves when nothing runs, including work started while waiting. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
