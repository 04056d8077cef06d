/** What this process has done with one dead letter whose offset is not committed yet. */
interface LedgerEntry {
  /** When it was recorded in `dead_letters`; every copy on the dead-letter topic carries it. */
  readonly deadLetteredAt: Date;
  published: boolean;
}

/**
 * The dead letters of batches whose offsets are not committed yet: recorded in `dead_letters`
 * (their transaction committed), and perhaps already on the dead-letter topic. A batch is fetched
 * again whenever publishing or committing its offsets fails (the topic is missing, the group
 * rebalanced, the coordinator moved); without this memory the redelivered invalid message would
 * be recorded and published a second time. It covers redelivery to this process, the usual case;
 * after a restart, or when the partition moves to another replica, a dead letter can reach the
 * topic again (the DLQ is at least once, docs/events.md), while the table stays unique by source.
 */
export class DeadLetterLedger {
  readonly #entries = new Map<string, LedgerEntry>();
  readonly #capacity: number;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  /** False once the dead letter of `origin` is in `dead_letters`. */
  needsRecording(origin: string): boolean {
    return !this.#entries.has(origin);
  }

  /** False once the dead letter of `origin` is on the dead-letter topic. */
  needsPublishing(origin: string): boolean {
    return this.#entries.get(origin)?.published !== true;
  }

  /** The time of the first recording, so that a publish after a retry says the same. */
  deadLetteredAt(origin: string): Date | undefined {
    return this.#entries.get(origin)?.deadLetteredAt;
  }

  recorded(origin: string, at: Date): void {
    if (this.#entries.has(origin)) return;
    this.#entries.set(origin, { deadLetteredAt: at, published: false });
    // Entries of partitions that moved to another replica are never settled here; drop the
    // oldest rather than grow without bound (the worst case is one message twice on the topic).
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }

  published(origin: string): void {
    const entry = this.#entries.get(origin);
    if (entry !== undefined) entry.published = true;
  }

  /** Their offsets are committed: they will not be delivered again. */
  settled(origins: Iterable<string>): void {
    for (const origin of origins) this.#entries.delete(origin);
  }

  get size(): number {
    return this.#entries.size;
  }
}
