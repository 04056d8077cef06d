import type { Secret } from '../../core/secret.ts';
import { LastPassClient } from '../../lastpass/index.ts';
import { createLogger } from '../../observability/logger.ts';

import { EXIT, type ExitCode } from './exit-codes.ts';
import { describeFailure } from './failure.ts';
import { lastPassSettings } from './lastpass-settings.ts';

export interface SessionFlags {
  readonly verbose?: boolean;
}

/** Stays patient for a CLI run: a short Retry-After is waited for rather than reported at once. */
const CLI_RETRY = { retries: 3, maxRetryAfterMs: 10_000 };

const MASK = '[redacted]';

/**
 * Runs one admin command against LastPass: reads the configuration, builds the client, runs
 * `action`, and turns what it returns or throws into the exit status (set, not forced, so that
 * stdout drains and the client's sockets close first). Errors go to stderr as one line.
 */
export async function runWithLastPass(
  flags: SessionFlags,
  action: (client: LastPassClient) => Promise<ExitCode | void>,
): Promise<void> {
  quietOnClosedPipe();
  let client: LastPassClient | undefined;
  let provhash: Secret | undefined;
  try {
    const settings = lastPassSettings(process.env);
    provhash = settings.provhash;
    client = new LastPassClient({
      url: settings.url,
      cid: settings.cid,
      provhash: settings.provhash,
      // Debug lines (one per call, never a secret) only on request, and never on stdout, which holds the data.
      logger: createLogger({ level: flags.verbose === true ? 'debug' : 'silent' }, process.stderr),
      retry: CLI_RETRY,
    });
    process.exitCode = (await action(client)) ?? EXIT.ok;
  } catch (error) {
    const failure = describeFailure(error);
    const lines = [failure.message, ...(flags.verbose === true ? failure.detail : [])];
    // The client already scrubs the hash from LastPass's texts; this is the last line of defence.
    const secret = provhash?.reveal() ?? '';
    const masked = lines.map((line) => (secret === '' ? line : line.split(secret).join(MASK)));
    process.stderr.write(`lpprov: ${masked.join('\n')}\n`);
    process.exitCode = failure.exitCode;
  } finally {
    await client?.close().catch(() => undefined);
  }
}

/** `lpprov lastpass users | head` closes stdout early; that is the reader's choice, not an error. */
function quietOnClosedPipe(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? EXIT.ok);
  });
}
