import type { ReconcileReport } from '../../app/reconcile/reconcile-accounts.ts';
import { EXIT as LASTPASS_EXIT } from '../lastpass/exit-codes.ts';

/**
 * Exit statuses of `lpprov reconcile` (docs/cli.md): those of `lpprov lastpass` for configuration
 * and LastPass failures, with the database's failures as in `lpprov outbox`, and one more for drift.
 */
export const EXIT = {
  ...LASTPASS_EXIT,
  /** LastPass differs from lpprov's plan and nothing (or not everything) was corrected. */
  drift: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `
Exit codes:
  0  no drift; with --fix: every correction was enqueued (unexpected users are only reported)
  1  configuration, usage or database error (LASTPASS_CID/LASTPASS_PROVHASH not set, schema not migrated)
  2  LastPass refused the request, or listed fewer users than it counts; repeating it will not help
  3  authentication failed: LastPass refused LASTPASS_CID or LASTPASS_PROVHASH
  4  LastPass unreachable, throttled (429) or failing (5xx) after retries; try again later
  5  drift found and not corrected (without --fix; with --fix: a person changed during the run)

Needs DATABASE_URL (like lpprov outbox) and LASTPASS_CID and LASTPASS_PROVHASH (and LASTPASS_URL
for a simulator started with lpprov simulator). Reads POLICY_FILE for the managed groups.`;

/** Without --fix any drift is a finding to act on; with it, only corrections that did not happen. */
export function exitCodeOf(report: ReconcileReport): ExitCode {
  if (report.fix) return report.findings.some((f) => f.outcome === 'skipped') ? EXIT.drift : EXIT.ok;
  return report.drift > 0 ? EXIT.drift : EXIT.ok;
}
