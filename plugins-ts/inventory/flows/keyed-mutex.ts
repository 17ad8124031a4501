/**
 * One piece of work at a time per key (an on-hand row, a document): two events for the same row
 * must not both read the old quantity and both write a journal for the same difference. Work for
 * different keys runs concurrently.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.then(work, work);
    const tail = current.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /**
   * `work` holding every key's lock (a batch of rows). Locks are taken one by one in sorted order,
   * so two batches sharing keys cannot each hold one the other waits for.
   */
  runAll<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    const hold = (index: number): Promise<T> => {
      const key = sorted[index];
      return key === undefined ? work() : this.run(key, () => hold(index + 1));
    };
    return hold(0);
  }
}
