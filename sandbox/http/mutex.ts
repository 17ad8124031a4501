/**
 * A FIFO async mutex. better-sqlite3 transactions are synchronous, but a write that calls a
 * synchronous subscriber (dual-write) awaits an HTTP call in the middle; the emulators hold this
 * lock for the whole write so the state they validated cannot change before they commit. Reads
 * never take it.
 */
export class AsyncMutex {
  private tail: Promise<void> = Promise.resolve();
  private held = 0;

  /** Runs `task` once every task queued before it has settled; the lock is released either way. */
  async runExclusive<T>(task: () => Promise<T> | T): Promise<T> {
    const previous = this.tail;
    let release: () => void = () => undefined;
    this.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.held += 1;
    try {
      await previous;
      return await task();
    } finally {
      this.held -= 1;
      release();
    }
  }

  /** Number of tasks running or waiting; 0 means the lock is free. */
  get pending(): number {
    return this.held;
  }
}
