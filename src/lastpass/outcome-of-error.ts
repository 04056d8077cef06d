import type { CommandOutcome } from '../core/lastpass-gateway.port.ts';

import { LastPassAuthError, LastPassError, LastPassTransientError } from './errors.ts';

/** A failed call as the dispatcher sees it; only error messages, which carry no secrets, pass. */
export function outcomeOfError(error: unknown): CommandOutcome {
  if (error instanceof LastPassTransientError) {
    const base = { status: 'retry', reason: error.message, mayHaveApplied: error.mayHaveApplied } as const;
    return error.retryAfterMs === undefined ? base : { ...base, retryAfterMs: error.retryAfterMs };
  }
  if (error instanceof LastPassAuthError) return { status: 'auth_failed', reason: error.message };
  if (error instanceof LastPassError) return { status: 'failed', reason: error.message };
  // A bug here, not a LastPass answer: failing keeps it in front of an operator instead of looping.
  const text = error instanceof Error ? `${error.name}: ${error.message}` : typeof error;
  return { status: 'failed', reason: `unexpected failure in the LastPass gateway (${text})` };
}
