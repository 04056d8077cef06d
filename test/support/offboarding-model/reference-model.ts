import { DAY } from './hris.ts';
import type { Department, HrChange } from './operations.ts';

/**
 * What LastPass should hold for one HR person, under the model-based test's policy (managed
 * groups `hr-`; everyone in hr-all, Sales in hr-sales, Engineering in hr-eng; invite at the
 * start; a leaver deactivated at the leave and deleted 30 days later unless on legal hold, a
 * contractor removed at the leave).
 * Written from the policy's description (docs/events.md, docs/configuration.md), not from the
 * planner: it says what LastPass must look like after each step, not which commands get it there.
 */
export const GRACE_MS = 30 * DAY;

export interface ExpectedAccount {
  username: string;
  status: 'invited' | 'active';
  pendingEmail: string | undefined;
  disabled: boolean;
  groups: string[];
}

type Phase = 'none' | 'active' | 'leaving' | 'withdrawn';

interface Schedule {
  inviteAt?: number;
  disableAt?: number;
  uninviteAt?: number;
  deleteAt?: number;
}

export interface AcceptedEvent {
  readonly change: HrChange;
  /** The snapshot the event carries. */
  readonly email: string;
  readonly department: Department;
  readonly terminated: boolean;
  readonly legalHold: boolean;
  /** effective_at, epoch ms. */
  readonly effectiveAt: number;
}

export class PersonModel {
  phase: Phase = 'none';
  startsAt: number | undefined;
  leavesAt: number | undefined;
  graceEndsAt: number | undefined;
  holdRemaining: number | undefined;
  hold = false;
  email = '';
  department: Department = 'Engineering';
  account: ExpectedAccount | undefined;
  schedule: Schedule = {};
  /** With group authority `idp`: the groups the identity provider pushes the person into. */
  pushed: string[] = [];
  readonly groupsFromRules: boolean;
  /** A contractor: removed at the leave, no grace period (deactivated instead while on legal hold). */
  readonly removedAtLeave: boolean;

  constructor(groupsFromRules: boolean, removedAtLeave = false) {
    this.groupsFromRules = groupsFromRules;
    this.removedAtLeave = removedAtLeave;
  }

  desiredGroups(): string[] {
    if (!this.groupsFromRules) return [...this.pushed].sort();
    const groups = ['hr-all'];
    if (this.department === 'Sales') groups.push('hr-sales');
    if (this.department === 'Engineering') groups.push('hr-eng');
    return groups.sort();
  }

  /** An event lpprov accepts (new, in order), at `now`. */
  event(e: AcceptedEvent, now: number): void {
    const target = this.#target(e, now);
    const wasLeaving = this.phase === 'leaving';
    this.email = e.email;
    this.department = e.department;
    this.hold = e.legalHold;
    const dated = e.change.type === 'joined' || e.change.type === 'rehired';
    if (dated) this.startsAt = e.effectiveAt;
    this.schedule = {};
    if (target === 'withdrawn') {
      this.phase = 'withdrawn';
      this.startsAt = undefined;
      this.leavesAt = undefined;
      if (this.account !== undefined) this.#withdraw(now);
    } else if (target === 'active') {
      this.phase = 'active';
      this.leavesAt = undefined;
      this.graceEndsAt = undefined;
      this.holdRemaining = undefined;
      this.#work(now);
    } else {
      this.#leave(e, now, wasLeaving);
    }
    this.runDue(now);
  }

  #target(e: AcceptedEvent, now: number): 'active' | 'leaving' | 'withdrawn' {
    const leaveAhead = this.phase === 'leaving' && this.leavesAt !== undefined && this.leavesAt > now;
    switch (e.change.type) {
      case 'cancel_joined':
        return 'withdrawn';
      case 'cancel_left':
        return 'active';
      case 'joined':
        return e.terminated || leaveAhead ? 'leaving' : 'active';
      case 'rehired':
        return e.terminated ? 'leaving' : 'active';
      case 'left':
        return 'leaving';
      case 'moved':
      case 'email':
      case 'hold':
        return this.phase === 'leaving' || e.terminated ? 'leaving' : 'active';
    }
  }

  /** Someone working: the account is there (or invited at the start), enabled and as desired. */
  #work(now: number): void {
    if (this.account === undefined) {
      const inviteAt = Math.max(now, this.startsAt ?? now);
      this.schedule.inviteAt = inviteAt;
      return;
    }
    const account = this.account;
    account.disabled = false;
    if (account.username !== this.email && account.pendingEmail !== this.email) {
      if (account.status === 'active') account.pendingEmail = this.email;
      // An invitation nobody accepted is withdrawn and sent to the new address.
      else this.account = { ...account, username: this.email, pendingEmail: undefined };
    }
    (this.account ?? account).groups = this.desiredGroups();
  }

  #leave(e: AcceptedEvent, now: number, wasLeaving: boolean): void {
    const immediate = e.change.type === 'left' && e.change.immediate;
    const tookEffect = wasLeaving && this.leavesAt !== undefined && this.leavesAt <= now;
    const newDate = e.change.type === 'left' && !tookEffect;
    const leavesAt = immediate ? now : wasLeaving && this.leavesAt !== undefined && !newDate ? this.leavesAt : Math.max(now, e.effectiveAt);
    this.leavesAt = leavesAt;
    const neverStarts = this.startsAt !== undefined && leavesAt < this.startsAt;
    if (neverStarts) {
      this.phase = this.account === undefined && !wasLeaving ? 'withdrawn' : 'leaving';
      if (this.account !== undefined) this.#withdraw(leavesAt);
      return;
    }
    if (leavesAt > now) this.#work(now);
    const hasAccount = this.account !== undefined || this.schedule.inviteAt !== undefined;
    this.phase = !hasAccount && !wasLeaving ? 'withdrawn' : 'leaving';
    if (!hasAccount) return;
    if (this.removedAtLeave) {
      // Removed at the leave (or at once, when a hold that kept it ends); on hold only disabled.
      if (this.hold) {
        if (this.account?.disabled !== true) this.schedule.disableAt = leavesAt;
      } else {
        this.schedule.deleteAt = Math.max(leavesAt, now);
      }
      return;
    }
    if (this.account?.disabled !== true) this.schedule.disableAt = leavesAt;
    let graceEnds = wasLeaving && this.graceEndsAt !== undefined && !newDate ? this.graceEndsAt : leavesAt + GRACE_MS;
    if (this.hold) {
      this.holdRemaining = this.holdRemaining ?? Math.max(0, graceEnds - now);
    } else {
      // Off hold again: the grace left when the hold began runs from now.
      if (this.holdRemaining !== undefined) graceEnds = now + this.holdRemaining;
      this.holdRemaining = undefined;
      this.schedule.deleteAt = graceEnds;
    }
    this.graceEndsAt = graceEnds;
  }

  /**
   * Someone who will not work here: a pending invitation is withdrawn; one already accepted has a
   * vault, which is deactivated then and deleted after the grace period (unless on legal hold).
   */
  #withdraw(at: number): void {
    this.schedule.uninviteAt = at;
    // Without a grace period (contractors) an accepted invitation stays deactivated.
    if (!this.hold && !this.removedAtLeave) this.schedule.deleteAt = at + GRACE_MS;
  }

  /** Runs every scheduled step due by `until`, oldest first (at one time: invite, disable, removal). */
  runDue(until: number): void {
    for (;;) {
      const due = (['inviteAt', 'disableAt', 'uninviteAt', 'deleteAt'] as const)
        .map((key) => [key, this.schedule[key]] as const)
        .filter((entry): entry is readonly [typeof entry[0], number] => entry[1] !== undefined && entry[1] <= until)
        .sort((a, b) => a[1] - b[1])[0];
      if (due === undefined) return;
      const [key] = due;
      delete this.schedule[key];
      switch (key) {
        case 'inviteAt':
          this.account = { username: this.email, status: 'invited', pendingEmail: undefined, disabled: false, groups: this.desiredGroups() };
          break;
        case 'disableAt':
          if (this.account !== undefined) this.account.disabled = true;
          break;
        case 'uninviteAt':
          if (this.account?.status === 'active') this.account.disabled = true;
          else this.account = undefined;
          break;
        case 'deleteAt':
          this.account = undefined;
          break;
      }
    }
  }

  /** The person accepted the invitation in LastPass: false when there is nothing to accept. */
  accept(): boolean {
    if (this.account?.status !== 'invited' || this.account.disabled) return false;
    this.account.status = 'active';
    return true;
  }

  /** The person confirmed the pending email change: false when none is pending. */
  confirm(): boolean {
    const account = this.account;
    if (account?.pendingEmail === undefined) return false;
    account.username = account.pendingEmail;
    account.pendingEmail = undefined;
    return true;
  }
}
