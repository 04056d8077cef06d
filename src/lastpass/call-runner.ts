import type { Secret } from '../core/secret.ts';
import type { Logger } from '../observability/logger.ts';

import { classifyAnswer, classifyFault, type Classification } from './answer-classifier.ts';
import type { LastPassCallObservation, LastPassCallOutcome } from './client-options.ts';
import { KNOWN_COMMANDS, REMOVED_COMMANDS, specFor } from './command-specs.ts';
import {
  LastPassAuthError,
  LastPassError,
  LastPassRejectedError,
  LastPassRemovedCommandError,
  LastPassTransientError,
} from './errors.ts';
import { withInRequestRetry, type InRequestRetryPolicy } from './in-request-retry.ts';
import { serialiseRequest, wireCid } from './request-body.ts';
import type { Transport } from './transport.ts';

/** A call LastPass carried out, fully or for some users. */
export type AcceptedAnswer = Extract<Classification, { kind: 'success' | 'partial' }>;

export interface CallRunnerDeps {
  readonly transport: Transport;
  readonly cid: string;
  readonly provhash: Secret;
  readonly logger: Logger;
  readonly retry: InRequestRetryPolicy;
  readonly now: () => number;
  readonly onCall?: ((call: LastPassCallObservation) => void) | undefined;
}

const CALL_OUTCOMES: Readonly<Record<Classification['kind'], LastPassCallOutcome>> = {
  success: 'ok',
  partial: 'partial',
  transient: 'transient',
  rejected: 'permanent',
  auth: 'auth',
};

const REDACTED = '[redacted]';

/**
 * One API call end to end: serialise (revealing secrets only into the body string), post, classify,
 * retry briefly, log one debug line, and turn every failure into a LastPassError.
 */
export class CallRunner {
  readonly #deps: CallRunnerDeps;

  constructor(deps: CallRunnerDeps) {
    this.#deps = deps;
  }

  /** @param secrets further secrets inside `data` (default passwords), scrubbed from error texts. */
  async run(cmd: string, data: unknown, secrets: readonly Secret[] = []): Promise<AcceptedAnswer> {
    const { transport, logger, retry, now } = this.#deps;
    const started = performance.now();
    let attempts = 0;
    const removedReason = REMOVED_COMMANDS.get(cmd);
    if (removedReason !== undefined) {
      const error = new LastPassRemovedCommandError(cmd, removedReason);
      logger.debug({ cmd, durationMs: 0, attempts, outcome: 'removed' }, 'lastpass call');
      throw error;
    }
    const spec = specFor(cmd);
    const body = serialiseRequest({ cid: wireCid(this.#deps.cid), provhash: this.#deps.provhash, cmd, data });
    const scrub = scrubber([this.#deps.provhash, ...secrets]);
    try {
      const accepted = await withInRequestRetry(
        async () => {
          const sent = performance.now();
          const result = await transport.post(body);
          const classified = result.ok ? classifyAnswer(result.answer, spec, now()) : classifyFault(result.fault);
          this.#observe(cmd, result.ok ? CALL_OUTCOMES[classified.kind] : 'network', performance.now() - sent);
          return acceptOrThrow(cmd, classified, scrub);
        },
        retry,
        spec.repeatable,
        (attempt) => {
          attempts = attempt;
        },
      );
      logger.debug({ cmd, durationMs: elapsed(started), attempts, outcome: accepted.kind }, 'lastpass call');
      return accepted;
    } catch (error) {
      logger.debug({ cmd, durationMs: elapsed(started), attempts, ...failureFields(error) }, 'lastpass call');
      throw error;
    }
  }

  #observe(cmd: string, outcome: LastPassCallOutcome, durationMs: number): void {
    const onCall = this.#deps.onCall;
    if (onCall === undefined) return;
    // A command name typed into `lpprov lastpass call` must not become a new metric series.
    const command = (KNOWN_COMMANDS as readonly string[]).includes(cmd) ? cmd : 'other';
    try {
      onCall({ command, outcome, durationMs });
    } catch (error) {
      // Metrics are not worth failing a call LastPass may already have carried out.
      this.#deps.logger.warn({ err: error, cmd }, 'LastPass call observer failed');
    }
  }
}

function acceptOrThrow(cmd: string, classified: Classification, scrub: (text: string) => string): AcceptedAnswer {
  const message = (reason: string): string => `LastPass ${cmd}: ${scrub(reason)}`;
  switch (classified.kind) {
    case 'success':
    case 'partial':
      return { ...classified, errors: classified.errors.map(scrub) };
    case 'transient':
      throw new LastPassTransientError(cmd, message(classified.reason), classified.details);
    case 'rejected':
      throw new LastPassRejectedError(cmd, message(classified.reason), {
        ...classified.details,
        errors: (classified.details.errors ?? []).map(scrub),
      });
    case 'auth':
      throw new LastPassAuthError(cmd, message(classified.reason));
  }
}

function failureFields(error: unknown): Record<string, unknown> {
  if (error instanceof LastPassTransientError) {
    return { outcome: 'transient', httpStatus: error.httpStatus, retryAfterMs: error.retryAfterMs };
  }
  if (error instanceof LastPassRejectedError) {
    return { outcome: 'rejected', httpStatus: error.httpStatus, status: error.status };
  }
  if (error instanceof LastPassAuthError) return { outcome: 'auth' };
  if (error instanceof LastPassError) return { outcome: error.name };
  return { outcome: 'error' };
}

/**
 * LastPass's own texts go into errors and results; should it ever echo a secret back, the value
 * is masked. This reads the secrets but puts them nowhere.
 */
function scrubber(secrets: readonly Secret[]): (text: string) => string {
  const values = secrets.map((secret) => secret.reveal()).filter((value) => value.length > 0);
  return (text) => values.reduce((masked, value) => masked.split(value).join(REDACTED), text);
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
