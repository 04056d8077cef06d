import { ConfigError } from '../../config/config-error.ts';
import {
  LastPassAuthError,
  LastPassError,
  LastPassRejectedError,
  LastPassRemovedCommandError,
  LastPassTransientError,
} from '../../lastpass/index.ts';

import { EXIT, type ExitCode } from './exit-codes.ts';

/** A refusal found by the command line itself (bad --data, missing credentials): exit 1. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface Failure {
  readonly exitCode: ExitCode;
  /** One line for stderr. */
  readonly message: string;
  /** Further lines for --verbose. */
  readonly detail: readonly string[];
}

/**
 * The exit code and message of anything an admin command can throw. The LastPass errors carry no
 * secret (the client scrubs them); the caller still masks the hash before printing.
 */
export function describeFailure(error: unknown): Failure {
  if (error instanceof ConfigError) {
    return { exitCode: EXIT.usage, message: error.message, detail: [] };
  }
  if (error instanceof UsageError) {
    return { exitCode: EXIT.usage, message: error.message, detail: [] };
  }
  if (error instanceof LastPassAuthError) {
    return {
      exitCode: EXIT.auth,
      message:
        'LastPass refused the account number or provisioning hash: check LASTPASS_CID and LASTPASS_PROVHASH ' +
        '(a hash is void once an admin resets it in the Admin Console)',
      detail: lastPassDetail(error),
    };
  }
  if (error instanceof LastPassTransientError) {
    return {
      exitCode: EXIT.transient,
      message: `${error.message} (still failing after retries; this is usually temporary, try again later)`,
      detail: lastPassDetail(error),
    };
  }
  if (error instanceof LastPassRejectedError || error instanceof LastPassRemovedCommandError) {
    return { exitCode: EXIT.rejected, message: error.message, detail: lastPassDetail(error) };
  }
  if (error instanceof LastPassError) {
    return { exitCode: EXIT.rejected, message: error.message, detail: lastPassDetail(error) };
  }
  // A bug rather than a LastPass answer: the stack helps whoever reports it.
  const text = error instanceof Error ? error.message : String(error);
  return {
    exitCode: EXIT.usage,
    message: `unexpected error: ${text}`,
    detail: error instanceof Error && error.stack !== undefined ? [error.stack] : [],
  };
}

function lastPassDetail(error: LastPassError): string[] {
  const fields: Record<string, unknown> = { error: error.name, cmd: error.cmd, retryable: error.retryable };
  if (error instanceof LastPassTransientError) {
    Object.assign(fields, {
      httpStatus: error.httpStatus,
      retryAfterMs: error.retryAfterMs,
      mayHaveApplied: error.mayHaveApplied,
    });
  }
  if (error instanceof LastPassRejectedError) {
    Object.assign(fields, { httpStatus: error.httpStatus, status: error.status, errors: error.errors });
  }
  const shown = Object.entries(fields).filter(([, value]) => value !== undefined);
  return shown.map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
}
