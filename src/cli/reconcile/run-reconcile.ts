import { randomUUID } from 'node:crypto';

import { reconcileAccounts, type ReconcileReport } from '../../app/reconcile/reconcile-accounts.ts';
import { loadPolicy } from '../../config/policy-file.ts';
import type { Secret } from '../../core/secret.ts';
import { SqlReconcileStore } from '../../db/reconcile-store.ts';
import type { SqlDatabase } from '../../db/sql-database.ts';
import { LastPassClient, LastPassError } from '../../lastpass/index.ts';
import { LastPassDirectoryAdapter } from '../../lastpass/lastpass-directory.ts';
import { createLogger } from '../../observability/logger.ts';
import { describeFailure } from '../lastpass/failure.ts';
import { writeJson, writeOut } from '../lastpass/output.ts';
import { runWithDatabase } from '../outbox/database-session.ts';

import { EXIT, exitCodeOf, type ExitCode } from './exit-codes.ts';
import { reconcileSettings, type ReconcileSettings } from './reconcile-settings.ts';
import { renderReport, reportJson } from './reconcile-view.ts';

export interface ReconcileFlags {
  readonly json?: boolean;
  readonly fix?: boolean;
  readonly verbose?: boolean;
}

/** Patient for a command line run, as `lpprov lastpass`: a short Retry-After is waited for. */
const CLI_RETRY = { retries: 3, maxRetryAfterMs: 10_000 };
const MASK = '[redacted]';

/**
 * `lpprov reconcile`: the LastPass settings are checked first (no database is opened without
 * them), then the database session of `lpprov outbox` runs the reconciliation. Its exit status
 * replaces the session's 0 when the run found drift or LastPass failed.
 */
export async function runReconcile(flags: ReconcileFlags): Promise<void> {
  let settings: ReconcileSettings;
  try {
    settings = reconcileSettings(process.env);
  } catch (error) {
    const failure = describeFailure(error);
    fail(failure.exitCode, [failure.message], undefined);
    return;
  }
  let code: ExitCode | undefined;
  await runWithDatabase({ create: false }, async ({ db }) => {
    code = await reconcileWith(db, settings, flags);
  });
  if (code !== undefined && (process.exitCode ?? 0) === EXIT.ok) process.exitCode = code;
}

async function reconcileWith(db: SqlDatabase, settings: ReconcileSettings, flags: ReconcileFlags): Promise<ExitCode> {
  // A bad policy file is a configuration error: the database session reports it (exit 1).
  const policy = await loadPolicy(settings.config.policyFile);
  const client = new LastPassClient({
    ...settings.lastpass,
    // Debug lines (one per call, never a secret) only on request, and never on stdout, which holds the data.
    logger: createLogger({ level: flags.verbose === true ? 'debug' : 'silent' }, process.stderr),
    retry: CLI_RETRY,
  });
  let report: ReconcileReport;
  try {
    report = await reconcileAccounts(
      { store: new SqlReconcileStore(db), directory: new LastPassDirectoryAdapter(client), clock: { now: () => Date.now() }, policy },
      { runId: randomUUID(), fix: flags.fix === true },
    );
  } catch (error) {
    if (!(error instanceof LastPassError)) throw error;
    const failure = describeFailure(error);
    return fail(failure.exitCode, [failure.message, ...(flags.verbose === true ? failure.detail : [])], settings.lastpass.provhash);
  } finally {
    await client.close().catch(() => undefined);
  }
  if (flags.json === true) writeJson(reportJson(report));
  else writeOut(renderReport(report));
  return exitCodeOf(report);
}

function fail(code: ExitCode, lines: readonly string[], provhash: Secret | undefined): ExitCode {
  // The client already scrubs the hash from LastPass's texts; this is the last line of defence.
  const secret = provhash?.reveal() ?? '';
  const masked = lines.map((line) => (secret === '' ? line : line.split(secret).join(MASK)));
  process.stderr.write(`lpprov: ${masked.join('\n')}\n`);
  process.exitCode = code;
  return code;
}
