/**
 * LastPass failures, classified once here so that every caller can decide from `retryable` alone.
 * None of these carries a request body, a header or a secret: messages are built from the command
 * name, the HTTP status and LastPass's own status and error texts (scrubbed of secrets).
 */
export abstract class LastPassError extends Error {
  /** The API command (`cmd`) of the call that failed. */
  readonly cmd: string;
  /** Whether the same call may succeed later without anyone changing anything. */
  abstract readonly retryable: boolean;

  constructor(cmd: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.cmd = cmd;
  }
}

export interface TransientDetails {
  readonly httpStatus?: number;
  readonly retryAfterMs?: number;
  /**
   * False only when the failure proves LastPass never acted on the request (connection refused,
   * throttled at the edge); a timeout or a 5xx may follow a change that did happen.
   */
  readonly mayHaveApplied: boolean;
}

/** Network trouble, timeouts, throttling, 5xx, an edge page instead of JSON: try again later. */
export class LastPassTransientError extends LastPassError {
  override readonly name = 'LastPassTransientError';
  readonly retryable = true;
  readonly httpStatus: number | undefined;
  /** From `Retry-After`, when LastPass (or its edge) sent one. */
  readonly retryAfterMs: number | undefined;
  readonly mayHaveApplied: boolean;

  constructor(cmd: string, message: string, details: TransientDetails, options?: ErrorOptions) {
    super(cmd, message, options);
    this.httpStatus = details.httpStatus;
    this.retryAfterMs = details.retryAfterMs;
    this.mayHaveApplied = details.mayHaveApplied;
  }
}

export interface RejectedDetails {
  readonly httpStatus?: number;
  /** LastPass's `status` value (`FAIL`, `WARN`, ...), when the answer had one. */
  readonly status?: string;
  /** LastPass's `error`/`errors` texts. */
  readonly errors?: readonly string[];
}

/** LastPass refused the request itself (a `FAIL`, a 4xx, an answer of the wrong shape): retrying cannot help. */
export class LastPassRejectedError extends LastPassError {
  override readonly name = 'LastPassRejectedError';
  readonly retryable = false;
  readonly httpStatus: number | undefined;
  readonly status: string | undefined;
  readonly errors: readonly string[];

  constructor(cmd: string, message: string, details: RejectedDetails = {}) {
    super(cmd, message);
    this.httpStatus = details.httpStatus;
    this.status = details.status;
    this.errors = details.errors ?? [];
  }
}

/** LastPass refused the account number or provisioning hash: no call for this account can succeed. */
export class LastPassAuthError extends LastPassError {
  override readonly name = 'LastPassAuthError';
  readonly retryable = false;
}

/** A command LastPass no longer offers (`pushsitestousers`). */
export class LastPassRemovedCommandError extends LastPassError {
  override readonly name = 'LastPassRemovedCommandError';
  readonly retryable = false;
}
