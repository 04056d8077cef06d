import { performance } from 'node:perf_hooks';

import { KeyedTokenBuckets } from './token-buckets.ts';

/** LP-email's published limits: N updateemail calls per second per source IP and per old email. */
export class UpdateEmailLimiter {
  readonly #byIp: KeyedTokenBuckets;
  readonly #byOldEmail: KeyedTokenBuckets;
  #perSecond: number | null;

  constructor(perSecond: number | null) {
    this.#perSecond = perSecond;
    const rule = { perSecond: perSecond ?? 1, burst: perSecond ?? 1 };
    this.#byIp = new KeyedTokenBuckets(rule);
    this.#byOldEmail = new KeyedTokenBuckets(rule);
  }

  configure(perSecond: number | null): void {
    this.#perSecond = perSecond;
    if (perSecond === null) return;
    this.#byIp.setRule({ perSecond, burst: perSecond });
    this.#byOldEmail.setRule({ perSecond, burst: perSecond });
  }

  /** Counts one call; the reason it is over a limit, or null. */
  take(ip: string, oldEmail: string): string | null {
    if (this.#perSecond === null) return null;
    const now = performance.now();
    // Both buckets are charged, as two independent limits would be.
    const ipWait = this.#byIp.take(ip, now);
    const emailWait = this.#byOldEmail.take(oldEmail, now);
    if (ipWait > 0) return `too many email changes from ${ip}: at most ${this.#perSecond} per second`;
    if (emailWait > 0) return `too many email changes for ${oldEmail}: at most ${this.#perSecond} per second`;
    return null;
  }

  clear(): void {
    this.#byIp.clear();
    this.#byOldEmail.clear();
  }
}
