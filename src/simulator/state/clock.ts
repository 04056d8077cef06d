/**
 * The simulator's notion of "now" for timestamps (users, events, emails, calls). Tests move it
 * (POST /_simulator/clock) to age passwords or spread events; rate limits keep real time.
 */
export class SimulatorClock {
  #offsetMs = 0;

  now(): number {
    return Date.now() + this.#offsetMs;
  }

  get offsetMs(): number {
    return this.#offsetMs;
  }

  advance(ms: number): void {
    this.#offsetMs += ms;
  }

  set(epochMs: number): void {
    this.#offsetMs = epochMs - Date.now();
  }

  reset(): void {
    this.#offsetMs = 0;
  }
}
