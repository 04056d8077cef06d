import type { ReconcileSchedule } from '../../core/reconcile/reconcile-ports.ts';
import { reconcileAccounts, type ReconcileDeps, type ReconcileReport } from './reconcile-accounts.ts';

/** What the interval logs through (pino's logger fits). */
export interface ReconcileLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface ReconcileIntervalDeps {
  readonly reconcile: ReconcileDeps;
  readonly schedule: ReconcileSchedule;
  readonly log: ReconcileLog;
  /** This process, as the schedule's lease owner. */
  readonly owner: string;
  readonly newRunId: () => string;
}

export interface ReconcileIntervalSettings {
  readonly intervalMs: number;
  /** Enqueue corrections; false: report findings as warnings only. */
  readonly fix: boolean;
}

export interface RunningReconcileInterval {
  /** No new run starts; a run under way stops enqueueing and is waited for. */
  stop(): Promise<void>;
}

// How often a replica asks whether a run is due: the interval, but at least once a minute, so with
// several replicas the runs stay about one interval apart whichever replica takes the turn.
const MAX_TICK_MS = 60_000;
// A crashed run's turn passes on after this long; a longer run may overlap the next, which is safe
// (each correction re-checks the person) but wasteful.
const LEASE_MS = 15 * 60_000;
// Findings logged one per line per run; the rest are counted in the summary line.
const MAX_LOGGED_FINDINGS = 100;

/**
 * Reconciles every `intervalMs`: one run at a time in this process, and through the database's
 * schedule one run per interval across all replicas. Failures (LastPass unreachable, say) are
 * logged and the next turn tries again.
 */
export function startReconcileInterval(deps: ReconcileIntervalDeps, settings: ReconcileIntervalSettings): RunningReconcileInterval {
  const abort = new AbortController();
  const tickMs = Math.min(settings.intervalMs, MAX_TICK_MS);
  let running: Promise<void> | undefined;

  const turn = async (): Promise<void> => {
    const { schedule, owner, log } = deps;
    if (!(await schedule.claim(owner, deps.reconcile.clock.now(), settings.intervalMs, LEASE_MS))) return;
    try {
      const report = await reconcileAccounts(deps.reconcile, { runId: deps.newRunId(), fix: settings.fix, signal: abort.signal });
      logReport(log, report);
    } finally {
      await schedule.release(owner);
    }
  };
  const tick = (): void => {
    if (running !== undefined || abort.signal.aborted) return; // the previous run is still going
    running = turn()
      .catch((error: unknown) => deps.log.error({ err: error }, 'reconciliation failed; the next turn tries again'))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, tickMs);
  timer.unref();

  return {
    async stop() {
      clearInterval(timer);
      abort.abort();
      await running;
    },
  };
}

function logReport(log: ReconcileLog, report: ReconcileReport): void {
  const drift = report.findings.filter((f) => f.kind !== 'in_progress');
  for (const finding of drift.slice(0, MAX_LOGGED_FINDINGS)) {
    log.warn(
      { runId: report.runId, finding: finding.kind, username: finding.username, personId: finding.personId, detail: finding.detail, fix: finding.fix, outcome: finding.outcome },
      `reconciliation: ${finding.kind} ${finding.username}`,
    );
  }
  const nonZero = Object.fromEntries(Object.entries(report.counts).filter(([, n]) => n > 0));
  log.info(
    {
      runId: report.runId,
      fix: report.fix,
      counts: nonZero,
      drift: report.drift,
      corrected: report.corrected,
      enqueued: report.enqueued,
      skipped: report.skipped,
      unlogged: Math.max(0, drift.length - MAX_LOGGED_FINDINGS),
      people: report.people,
      lastpassUsers: report.lastpassUsers,
      durationMs: report.finishedAt - report.startedAt,
    },
    'reconciliation finished',
  );
}
