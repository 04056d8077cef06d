import { type BackoffSettings, DEFAULT_BACKOFF } from './backoff.ts';
import { type BreakerSettings, DEFAULT_BREAKER } from './breaker.ts';
import type { RateSettings } from './rate-limiter.ts';

export interface DispatcherSettings {
  /** Identifies this dispatcher's leases; unique per process. */
  readonly owner: string;
  /** The LastPass account (cid) whose pauses and breaker apply. */
  readonly account: string;
  /** Most commands merged into one batch call. */
  readonly batchSize: number;
  /** Most LastPass calls this dispatcher has open at once. */
  readonly maxInFlight: number;
  readonly rate: RateSettings;
  readonly leaseMs: number;
  /** Longest sleep between rounds when idle; new work cuts it short. */
  readonly pollMs: number;
  /** After new work arrives, how long to wait for more so it can share the batch calls. */
  readonly gatherMs: number;
  /** First pause after LastPass refused the credentials; doubles per refusal up to `maxAuthPauseMs`. */
  readonly authPauseMs: number;
  readonly maxAuthPauseMs: number;
  readonly backoff: BackoffSettings;
  readonly breaker: BreakerSettings;
}

export const DEFAULT_DISPATCHER_SETTINGS: Omit<DispatcherSettings, 'owner' | 'account'> = {
  batchSize: 200,
  maxInFlight: 4,
  rate: { perSecond: 5, burst: 10 },
  leaseMs: 60_000,
  pollMs: 1_000,
  gatherMs: 50,
  authPauseMs: 30_000,
  maxAuthPauseMs: 600_000,
  backoff: DEFAULT_BACKOFF,
  breaker: DEFAULT_BREAKER,
};
