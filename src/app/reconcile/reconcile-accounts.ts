import type { Policy } from '../../core/policy/policy.ts';
import type { Clock, PersonRecord, PlannedCommand } from '../../core/ports.ts';
import { ADOPTED, diffAccounts } from '../../core/reconcile/diff-accounts.ts';
import type { LastPassDirectory } from '../../core/reconcile/directory.ts';
import { FINDING_KINDS, type Correction, type Finding, type FindingKind } from '../../core/reconcile/findings.ts';
import type { ReconcileStore, UnfinishedCommand } from '../../core/reconcile/reconcile-ports.ts';

/** The inbox source of reconciliation's corrections (`lpprov audit`). */
export const RECONCILE_SOURCE = 'reconcile';

export interface ReconcileDeps {
  readonly store: ReconcileStore;
  readonly directory: LastPassDirectory;
  readonly clock: Clock;
  readonly policy: Policy;
  /** Called after corrections were committed, so a dispatcher can start on them at once. */
  readonly onCommitted?: () => void;
}

export interface ReconcileRequest {
  /** Names the run in idempotency keys and the audit trail. */
  readonly runId: string;
  /** Enqueue the corrections; false: report only. */
  readonly fix: boolean;
  /** Stops enqueueing between people (shutdown); the rest count as skipped. */
  readonly signal?: AbortSignal;
}

/**
 * - report_only: nothing is done about it automatically (an unexpected user, work in progress).
 * - fixable: a run with `fix` would correct it.
 * - fixed: the correction was committed (commands enqueued, the account recorded).
 * - skipped: the person changed while the run was going (a new event, the dispatcher took a
 *   command), or the run was stopped; the next run looks again.
 */
export type FindingOutcome = 'report_only' | 'fixable' | 'fixed' | 'skipped';

export interface ReportedFinding extends Finding {
  readonly outcome: FindingOutcome;
}

export interface ReconcileReport {
  readonly runId: string;
  readonly fix: boolean;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly people: number;
  readonly lastpassUsers: number;
  readonly findings: readonly ReportedFinding[];
  readonly counts: Readonly<Record<FindingKind, number>>;
  /** Findings that are drift: all but in_progress. */
  readonly drift: number;
  /** People whose correction was committed, and the commands that enqueued. */
  readonly corrected: number;
  readonly enqueued: number;
  readonly skipped: number;
}

/**
 * Compares LastPass with lpprov's plan and, with `fix`, corrects what differs through the outbox
 * (the dispatcher sends it; nothing here calls LastPass but `getuserdata`). Each person's
 * correction is one transaction that first checks the person and their unfinished commands are
 * still as they were read, so a correction never races a newer plan. The user list is kept as the
 * snapshot planning adopts existing accounts from, in report-only runs too.
 */
export async function reconcileAccounts(deps: ReconcileDeps, request: ReconcileRequest): Promise<ReconcileReport> {
  const startedAt = deps.clock.now();
  const users = await deps.directory.listUsers();
  // Commands are read before people: a command enqueued between the two reads shows up as a
  // changed person when the correction is made, never as a person who seems settled.
  const { unfinished, people } = await deps.store.plans();
  const diff = diffAccounts({ people, unfinished, users, policy: deps.policy, now: startedAt });
  await deps.store.saveSnapshot(users, startedAt);

  const outcomes = new Map<string, FindingOutcome>();
  let enqueued = 0;
  if (request.fix) {
    const byId = new Map(people.map((p) => [p.personId, p]));
    for (const correction of diff.corrections) {
      const person = byId.get(correction.personId);
      const queue = unfinished.filter((c) => c.personId === correction.personId);
      const applied =
        person !== undefined && request.signal?.aborted !== true
          ? await applyCorrection(deps, request.runId, correction, person, queue)
          : undefined;
      if (applied !== undefined) enqueued += applied;
      outcomes.set(correction.personId, applied === undefined ? 'skipped' : 'fixed');
    }
    if (enqueued > 0) deps.onCommitted?.();
  }

  const findings = diff.findings.map((finding): ReportedFinding => {
    const corrected = finding.fix !== undefined && finding.personId !== undefined;
    const outcome = !corrected ? 'report_only' : request.fix ? (outcomes.get(finding.personId ?? '') ?? 'skipped') : 'fixable';
    return { ...finding, outcome };
  });
  const counts = Object.fromEntries(FINDING_KINDS.map((kind) => [kind, findings.filter((f) => f.kind === kind).length])) as Record<
    FindingKind,
    number
  >;
  return {
    runId: request.runId,
    fix: request.fix,
    startedAt,
    finishedAt: deps.clock.now(),
    people: people.length,
    lastpassUsers: users.length,
    findings,
    counts,
    drift: findings.filter((f) => f.kind !== 'in_progress').length,
    corrected: [...outcomes.values()].filter((o) => o === 'fixed').length,
    enqueued,
    skipped: [...outcomes.values()].filter((o) => o === 'skipped').length,
  };
}

/**
 * One person's correction in one transaction, only while the person and their unfinished commands
 * are as the diff saw them. Returns the number of commands enqueued, or undefined when skipped.
 */
async function applyCorrection(
  deps: ReconcileDeps,
  runId: string,
  correction: Correction,
  seen: PersonRecord,
  seenQueue: readonly UnfinishedCommand[],
): Promise<number | undefined> {
  const now = deps.clock.now();
  const { personId } = correction;
  return deps.store.withPerson(personId, async ({ person, unfinished: queue }, scope) => {
    const unchanged =
      person !== undefined &&
      JSON.stringify(person) === JSON.stringify(seen) &&
      JSON.stringify(queue.map((c) => [c.id, c.status])) === JSON.stringify(seenQueue.map((c) => [c.id, c.status]));
    if (!unchanged) return undefined;
    if (correction.cancel.length > 0) await scope.outbox.cancel(correction.cancel, correction.cancelReason ?? ADOPTED, now);
    if (correction.account !== undefined) await scope.people.save({ ...person, lastpass: correction.account }, now);
    const commands: PlannedCommand[] = [
      ...correction.commands.map(
        (command): PlannedCommand => ({
          command,
          idempotencyKey: `${RECONCILE_SOURCE}|${runId}|${personId}|${command.kind}`,
          ...(correction.notBefore === undefined ? {} : { notBefore: correction.notBefore }),
        }),
      ),
      ...(correction.later ?? []).map(
        (step, index): PlannedCommand => ({
          command: step.command,
          idempotencyKey: `${RECONCILE_SOURCE}|${runId}|${personId}|later-${index}|${step.command.kind}`,
          notBefore: step.notBefore,
          precondition: step.precondition,
        }),
      ),
    ];
    // The run id is the correlation id: one run's commands and log lines can be followed together.
    const enqueued = await scope.outbox.enqueue(personId, commands, now, runId);
    await scope.inbox.record({
      source: RECONCILE_SOURCE,
      eventId: `${runId}|${personId}`,
      personId,
      eventType: `reconcile.${correction.kinds.join('+')}`,
      outcome: 'applied',
      receivedAt: now,
      correlationId: runId,
      decisions: correction.decisions,
    });
    return enqueued;
  });
}
