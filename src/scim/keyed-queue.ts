/**
 * Runs work for one key at a time, in arrival order, within this process: concurrent PATCHes to
 * one group queue up instead of racing to a version conflict and a retry. Only an optimisation:
 * replicas sharing PostgreSQL still rely on the versioned writes of the app use cases.
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      // The last one out removes the key, so the map holds only keys with work pending.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  get size(): number {
    return this.#tails.size;
  }
}
