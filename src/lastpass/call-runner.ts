import type { Secret } from '../core/secret.ts';
import type { Logger } from '../observability/logger.ts';

import { classifyAnswer, classifyFault, type Classification } from './answer-classifier.ts';
import { REMOVED_COMMANDS, specFor } from './command-specs.ts';
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
}

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
          const result = await transport.post(body);
          const classified = result.ok ? classifyAnswer(result.answer, spec, now()) : classifyFault(result.fault);
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
