import type { LastPassAccount } from '../account.ts';
import type { LastPassCommand } from '../commands.ts';
import type { Precondition } from '../ports.ts';

/**
 * What reconciliation can find for one LastPass username.
 * - missing: lpprov plans an account, LastPass has none.
 * - unexpected: a LastPass user lpprov plans no account for. Only reported: removing an account
 *   lpprov does not know (an admin, a service account) is an operator's decision.
 * - disabled_but_active: lpprov planned the account disabled, LastPass has it active.
 * - active_but_disabled: lpprov planned the account active, LastPass has it disabled.
 * - group_drift: the managed groups differ (unmanaged groups are never looked at).
 * - adoptable: lpprov's invitation has not gone out yet and LastPass already has the user: lpprov
 *   takes the account over instead of inviting it again.
 * - email_confirmed: an email change lpprov asked for was confirmed; the account is under the new
 *   address now.
 * - offboarding_failed: the person has left, LastPass still has the account active, and the
 *   commands that should take it away are dead-lettered or stuck (due long ago and not sent), or
 *   nothing due would disable it (re-enabled by hand while only the later removal is queued).
 *   The fix disables the account now, wherever it is, ahead of everything else.
 * - in_progress: LastPass differs from the plan while commands for the person are still on their
 *   way (pending, in flight, parked or dead): not drift, reported so it is visible.
 */
export const FINDING_KINDS = [
  'offboarding_failed',
  'missing',
  'unexpected',
  'disabled_but_active',
  'active_but_disabled',
  'group_drift',
  'adoptable',
  'email_confirmed',
  'in_progress',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export interface Finding {
  readonly kind: FindingKind;
  /** The LastPass username (lower-case). */
  readonly username: string;
  readonly personId: string | undefined;
  /** What differs, in words. */
  readonly detail: string;
  /** What `--fix` does about it, in words; undefined when nothing is done automatically. */
  readonly fix: string | undefined;
}

/** Everything that corrects one person, carried out in one transaction. */
export interface Correction {
  readonly personId: string;
  readonly username: string;
  /** The findings it settles. */
  readonly kinds: readonly FindingKind[];
  /** Unsent commands to cancel (an invitation made obsolete by adoption, stuck leaver steps). */
  readonly cancel: readonly number[];
  /** Why they are cancelled; absent: adopted. */
  readonly cancelReason?: string;
  /** The person's planned account from now on; undefined: unchanged. */
  readonly account: LastPassAccount | undefined;
  /** Commands to enqueue, in order. */
  readonly commands: readonly LastPassCommand[];
  /** Epoch ms before which the commands must not run; undefined: now. */
  readonly notBefore: number | undefined;
  /** Scheduled steps enqueued after `commands`, each at its time (a leaver's removal after the grace period). */
  readonly later?: readonly { readonly command: LastPassCommand; readonly notBefore: number; readonly precondition: Precondition }[];
  /** Why, for the audit trail. */
  readonly decisions: readonly string[];
}

export interface AccountsDiff {
  /** Sorted by kind (in FINDING_KINDS order), then username. */
  readonly findings: readonly Finding[];
  readonly corrections: readonly Correction[];
}
