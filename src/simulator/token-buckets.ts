/** Token buckets by key (an account, a source IP, an old email), on a monotonic clock in ms. */
export interface BucketRule {
  readonly perSecond: number;
  readonly burst: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

const PRUNE_AT = 10_000;

export class KeyedTokenBuckets {
  readonly #buckets = new Map<string, Bucket>();
  #rule: BucketRule;

  constructor(rule: BucketRule) {
    this.#rule = rule;
  }

  /** A new rule starts every bucket full again, as a restarted limiter would. */
  setRule(rule: BucketRule): void {
    if (rule.perSecond === this.#rule.perSecond && rule.burst === this.#rule.burst) return;
    this.#rule = rule;
    this.#buckets.clear();
  }

  clear(): void {
    this.#buckets.clear();
  }

  /** Takes one token: 0 when allowed, else the ms until a token is available. */
  take(key: string, nowMs: number): number {
    const { perSecond, burst } = this.#rule;
    const bucket = this.#buckets.get(key) ?? { tokens: burst, updatedMs: nowMs };
    bucket.tokens = Math.min(burst, bucket.tokens + ((nowMs - bucket.updatedMs) * perSecond) / 1000);
    bucket.updatedMs = nowMs;
    if (!this.#buckets.has(key)) {
      if (this.#buckets.size >= PRUNE_AT) this.#pruneFull(nowMs);
      this.#buckets.set(key, bucket);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) * 1000) / perSecond);
  }

  // Keyed by email, the map would otherwise grow with every address ever seen.
  #pruneFull(nowMs: number): void {
    const { perSecond, burst } = this.#rule;
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + ((nowMs - bucket.updatedMs) * perSecond) / 1000 >= burst) this.#buckets.delete(key);
    }
  }
}
