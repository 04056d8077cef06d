/**
 * Counts consecutive consumer restarts. kafkajs restarts a crashed consumer forever by default,
 * which hides a database that stays down; after `max` restarts with no batch stored in between,
 * the consumer gives up so the process exits and its supervisor (and its alerts) take over.
 */
export class RestartBudget {
  readonly #max: number;
  #used = 0;

  constructor(max: number) {
    this.#max = max;
  }

  /** Takes one restart; false when none is left. */
  take(): boolean {
    this.#used += 1;
    return this.#used <= this.#max;
  }

  /** A batch was stored: the failures so far were transient. */
  reset(): void {
    this.#used = 0;
  }

  get used(): number {
    return this.#used;
  }

  get max(): number {
    return this.#max;
  }
}
