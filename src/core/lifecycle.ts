/**
 * Where a person is in their life at the company, as lpprov has planned it.
 * - prehire: joined with a future start; the invitation may be scheduled.
 * - active: employed; the account is (or will be) enabled with the rule groups.
 * - terminated: leaving or left; the account is (or will be) disabled, and removed or deleted
 *   after the grace period unless on legal hold.
 * - withdrawn: a joiner cancelled before starting; no account.
 */
export type LifecycleState = 'prehire' | 'active' | 'terminated' | 'withdrawn';

export interface Lifecycle {
  readonly state: LifecycleState;
  /**
   * Bumped whenever the plan for the person changes course (a leave, a rehire, a hold). Scheduled
   * commands carry the epoch they were planned in and are cancelled when they fire into another.
   */
  readonly epoch: number;
  readonly population: string;
  /** Start (`effective_at` of the joiner or rehire), epoch ms. */
  readonly startsAt: number | undefined;
  /** When access goes (the leave time), epoch ms. */
  readonly leavesAt: number | undefined;
  /** When the grace period ends and the account is removed or deleted. */
  readonly graceEndsAt: number | undefined;
  readonly legalHold: boolean;
  /** On legal hold, the grace time that was left when the hold began: the timer is frozen. */
  readonly holdRemainingMs: number | undefined;
  /**
   * When the account stops existing: the removal, deletion or withdrawn invitation planned for it
   * runs then. The planned account is kept until that step has run, so a rehire or a cancelled
   * leave before it finds the account as it is. Absent: the account stays (disabled or not).
   */
  readonly accountEndsAt?: number | undefined;
}
