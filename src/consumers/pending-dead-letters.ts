/**
 * Messages whose dead letter is already committed to the database but not yet on the dead-letter
 * topic. When publishing fails, the batch is fetched again; without this memory the redelivered
 * invalid message would be recorded in `dead_letters` a second time. It only covers redelivery
 * to this process (the usual case: kafkajs retries in place); after a restart or a rebalance the
 * database row may be written again, which a unique key on the dead letter's source would stop.
 */
export class PendingDeadLetters {
  readonly #origins = new Set<string>();
  readonly #capacity: number;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  has(origin: string): boolean {
    return this.#origins.has(origin);
  }

  add(origin: string): void {
    this.#origins.add(origin);
    // Entries of partitions that moved to another replica are never published here; drop the
    // oldest rather than grow without bound (the worst case is one duplicate dead-letter row).
    if (this.#origins.size > this.#capacity) {
      const oldest = this.#origins.values().next();
      if (oldest.done !== true) this.#origins.delete(oldest.value);
    }
  }

  delete(origin: string): void {
    this.#origins.delete(origin);
  }

  get size(): number {
    return this.#origins.size;
  }
}
