import pRetry, { AbortError } from 'p-retry';

import { LastPassTransientError } from './errors.ts';

/**
 * Short retries inside one request only: a dropped keep-alive socket or a brief 503 should not
 * cost a trip through the outbox. Anything longer (a Retry-After beyond `maxRetryAfterMs`, or the
 * attempts running out) is surfaced to the caller, whose outbox owns long, persisted backoff.
 */
export interface InRequestRetryPolicy {
  /** Retries after the first attempt. */
  readonly retries: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  /** A Retry-After up to this long is waited for here; a longer one is returned to the caller at once. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: InRequestRetryPolicy = {
  retries: 2,
  minDelayMs: 100,
  maxDelayMs: 400,
  maxRetryAfterMs: 1000,
};

/** Runs `attempt` and retries transient failures within the policy; the last error is thrown as is. */
export async function withInRequestRetry<T>(
  attempt: () => Promise<T>,
  policy: InRequestRetryPolicy,
  repeatable: boolean,
  onAttempt: (attempts: number) => void,
): Promise<T> {
  return pRetry(
    async (attemptNumber) => {
      onAttempt(attemptNumber);
      try {
        return await attempt();
      } catch (error) {
        if (!worthRetryingHere(error, policy, repeatable)) throw new AbortError(asError(error));
        throw error;
      }
    },
    {
      retries: policy.retries,
      minTimeout: policy.minDelayMs,
      maxTimeout: policy.maxDelayMs,
      factor: 2,
      randomize: true,
      onFailedAttempt: async ({ error, retriesLeft, retryDelay }) => {
        // p-retry waits retryDelay afterwards; top it up so a short Retry-After is honoured.
        if (retriesLeft > 0 && error instanceof LastPassTransientError && error.retryAfterMs !== undefined) {
          await sleep(error.retryAfterMs - retryDelay);
        }
      },
    },
  );
}

function worthRetryingHere(error: unknown, policy: InRequestRetryPolicy, repeatable: boolean): boolean {
  if (!(error instanceof LastPassTransientError)) return false;
  if (error.retryAfterMs !== undefined && error.retryAfterMs > policy.maxRetryAfterMs) return false;
  return repeatable || !error.mayHaveApplied;
}

function asError(error: unknown): Error {
  if (error instanceof Error) return error;
  return new Error(String(error));
}

function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}
