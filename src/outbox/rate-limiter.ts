import { setTimeout as sleep } from 'node:timers/promises';

import type { SqlAccountControl } from './account-control.store.ts';

/** Spaces out LastPass calls: `acquire` resolves when one more call may start. */
export interface RateLimiter {
  acquire(): Promise<void>;
}

export interface RateSettings {
  /** Calls per second; 0 or less: unlimited. */
  readonly perSecond: number;
  /** Calls that may start back to back after a quiet spell. */
  readonly burst: number;
}

/** An in-process token bucket: the limit of one process (SQLite deployments run one). */
export class LocalRateLimiter implements RateLimiter {
  readonly #settings: RateSettings;
  readonly #now: () => number;
  #tokens: number;
  #at: number;
  #queue: Promise<void> = Promise.resolve();

  constructor(settings: RateSettings, now: () => number = Date.now) {
    this.#settings = settings;
    this.#now = now;
    this.#tokens = settings.burst;
    this.#at = now();
  }

  acquire(): Promise<void> {
    if (this.#settings.perSecond <= 0) return Promise.resolve();
    // Callers queue so that tokens go out in arrival order.
    const turn = this.#queue.then(() => this.#take());
    this.#queue = turn;
    return turn;
  }

  async #take(): Promise<void> {
    for (;;) {
      const now = this.#now();
      const { perSecond, burst } = this.#settings;
      this.#tokens = Math.min(burst, this.#tokens + ((now - this.#at) * perSecond) / 1000);
      this.#at = now;
      if (this.#tokens >= 1) {
        this.#tokens -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - this.#tokens) / perSecond) * 1000));
    }
  }
}

/**
 * The account's bucket in the database, so replicas on one PostgreSQL database share one limit
 * rather than each taking the whole of it.
 */
export class SharedRateLimiter implements RateLimiter {
  readonly #control: SqlAccountControl;
  readonly #account: string;
  readonly #settings: RateSettings;
  readonly #now: () => number;

  constructor(control: SqlAccountControl, account: string, settings: RateSettings, now: () => number = Date.now) {
    this.#control = control;
    this.#account = account;
    this.#settings = settings;
    this.#now = now;
  }

  async acquire(): Promise<void> {
    if (this.#settings.perSecond <= 0) return;
    for (;;) {
      const wait = await this.#control.takeToken(this.#account, this.#settings.perSecond, this.#settings.burst, this.#now());
      if (wait === 0) return;
      await sleep(wait);
    }
  }
}
