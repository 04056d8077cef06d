export interface BackoffSettings {
  readonly baseMs: number;
  readonly capMs: number;
  readonly maxAttempts: number;
}

export const DEFAULT_BACKOFF: BackoffSettings = { baseMs: 1_000, capMs: 3_600_000, maxAttempts: 12 };

/**
 * Delay before the next attempt: exponential from `baseMs`, capped, with "equal jitter" (half
 * fixed, half random) so a burst of failures does not come back as a burst.
 */
export function backoffDelay(attempts: number, settings: BackoffSettings, random: () => number = Math.random): number {
  const exponential = Math.min(settings.capMs, settings.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exponential / 2 + (exponential / 2) * random());
}
