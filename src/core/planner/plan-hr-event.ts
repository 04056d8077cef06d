import type { DesiredAccount, LastPassAccount } from '../account.ts';
import type { DeleteAction, LastPassCommand } from '../commands.ts';
import { eventKind, type HrEvent } from '../events/hr-event.ts';
import type { Lifecycle } from '../lifecycle.ts';
import { isManagedGroup, type LeaverAction, type Population } from '../policy/policy.ts';
import { groupsOf, populationOf } from '../policy/resolve.ts';
import type { PendingCommand } from '../ports.ts';
import type { HrPlan, HrPlanInput, PlannedStep } from './hr-plan.ts';

type Target = 'active' | 'leaving' | 'withdrawn';

const DELETE_OF: Record<LeaverAction, DeleteAction> = { deactivate: 'deactivate', remove: 'remove', delete: 'delete' };

/**
 * Plans one HR event for one person: desired state from the snapshot and the policy, diffed
 * against the planned LastPass account, into a minimal ordered list of commands, plus which of
 * the person's pending commands it makes obsolete. Pure: no I/O, no clock (`now` is given).
 */
export function planHrEvent(input: HrPlanInput): HrPlan {
  const { event, person, policy } = input;
  const worker = event.data.worker;
  const population = populationOf(policy, event.data);
  const previous = person?.lifecycle;
  const desired: DesiredAccount = {
    username: worker.email.work.toLowerCase(),
    fullname: fullnameOf(event, person?.desired.fullname),
    groups: desiredGroups(input),
    active: true,
  };
  const base = {
    personId: worker.person_id,
    lastSequence: event.sequence == null ? person?.lastSequence : Number(event.sequence),
    lastEventTime: Math.max(Date.parse(event.time), person?.lastEventTime ?? 0),
  };

  if (!population.manage) {
    return {
      person: { ...base, desired, lastpass: person?.lastpass, lifecycle: previous },
      steps: [],
      cancel: undefined,
      decisions: [`population "${population.name}" is not managed: nothing planned`],
    };
  }

  const ctx: Context = {
    input,
    population,
    desired,
    previous,
    account: accountNow(input),
    legalHold: worker.flags?.legal_hold === true || policy.legalHoldPersonIds.includes(worker.person_id),
    effectiveAt: Date.parse(event.data.effective_at),
  };
  const target = targetOf(event, previous);
  const result =
    target === 'active' ? planActive(ctx) : target === 'leaving' ? planLeaving(ctx) : planWithdrawn(ctx);
  // Scheduled steps fire only into the lifecycle epoch they were planned for.
  const steps = result.steps.map((step) =>
    step.precondition === undefined ? step : { ...step, precondition: { ...step.precondition, epoch: result.lifecycle.epoch } },
  );
  return {
    person: { ...base, desired: { ...desired, active: target === 'active' }, lastpass: result.account, lifecycle: result.lifecycle },
    steps,
    cancel: result.cancel.length > 0 ? { ids: result.cancel, reason: result.cancelReason } : undefined,
    decisions: result.decisions,
  };
}

interface Context {
  readonly input: HrPlanInput;
  readonly population: Population;
  readonly desired: DesiredAccount;
  readonly previous: Lifecycle | undefined;
  /** The planned account, or undefined when there is none (never made, withdrawn, deleted). */
  readonly account: LastPassAccount | undefined;
  readonly legalHold: boolean;
  readonly effectiveAt: number;
}

interface Result {
  readonly steps: PlannedStep[];
  readonly cancel: number[];
  readonly cancelReason: string;
  readonly account: LastPassAccount | undefined;
  readonly lifecycle: Lifecycle;
  readonly decisions: string[];
}

/** What the event asks for, given where the person is. */
function targetOf(event: HrEvent, previous: Lifecycle | undefined): Target {
  const kind = eventKind(event.type);
  const status = event.data.worker.employment_status;
  switch (kind) {
    case 'change_cancelled':
      if (event.data.cancelled?.type === 'io.lpprov.hr.worker.joined.v1') return 'withdrawn';
      if (event.data.cancelled?.type === 'io.lpprov.hr.worker.left.v1') return 'active';
      return previous?.state === 'terminated' ? 'leaving' : 'active';
    case 'joined':
    case 'rehired':
      return status === 'terminated' ? 'leaving' : 'active';
    case 'left':
      return 'leaving';
    case 'moved':
    case 'attributes_changed':
      // Only a rehire or a cancelled leave brings a leaver back; a mover after a leaver keeps the leave.
      return previous?.state === 'terminated' || status === 'terminated' ? 'leaving' : 'active';
  }
}

/**
 * The account as it stands once obsolete leaver steps are set aside: a delete whose time has
 * passed and that is no longer pending has run, so the account is gone.
 */
function accountNow({ person, pending, now }: HrPlanInput): LastPassAccount | undefined {
  const account = person?.lastpass;
  const lifecycle = person?.lifecycle;
  if (account === undefined || lifecycle === undefined) return account;
  const deletePending = pending.some((p) => p.command.kind === 'delete_user' && p.command.action !== 'deactivate');
  const graceOver = lifecycle.graceEndsAt !== undefined && now >= lifecycle.graceEndsAt && !lifecycle.legalHold;
  return lifecycle.state === 'terminated' && graceOver && !deletePending ? undefined : account;
}

function planActive(ctx: Context): Result {
  const { input, desired, previous, population } = ctx;
  const { now, policy } = input;
  const kind = eventKind(input.event.type);
  const decisions: string[] = [];
  const steps: PlannedStep[] = [];
  // Whatever was pending (a scheduled leave, an outdated invitation) is replaced by this plan.
  const obsolete = input.pending;
  const cancelledDisable = obsolete.some((p) => isDisable(p.command));
  const cancelledAdd = obsolete.some((p) => p.command.kind === 'add_user');
  const account = cancelledAdd ? undefined : ctx.account;
  const startsAt = kind === 'joined' || kind === 'rehired' ? ctx.effectiveAt : previous?.startsAt;

  let next: LastPassAccount;
  if (account === undefined) {
    // Any event before the start keeps the invitation at its time: a mover for a prehire does not
    // invite early. Without a known start, invite now.
    const inviteAt = startsAt === undefined ? now : Math.max(now, startsAt + policy.joiner.inviteOffsetMs);
    const add: LastPassCommand = {
      kind: 'add_user',
      username: desired.username,
      fullname: desired.fullname,
      groups: [...desired.groups],
      ...(policy.joiner.defaultPassword ? { defaultPassword: true, passwordResetRequired: policy.joiner.passwordResetRequired } : {}),
    };
    steps.push(inviteAt > now ? scheduled(add, inviteAt, ctx, false) : { command: add });
    decisions.push(inviteAt > now ? `invitation scheduled for ${new Date(inviteAt).toISOString()}` : 'new account: invite now');
    next = { username: desired.username, fullname: desired.fullname, groups: [...desired.groups], disabled: false };
  } else {
    const username = account.username;
    const disabled = account.disabled && !cancelledDisable;
    if (disabled) {
      steps.push({ command: { kind: 'enable_user', username } });
      decisions.push('the account is disabled (a leave within its grace period, or an adopted account): re-enable it');
    } else if (cancelledDisable) {
      decisions.push('the pending leave was cancelled before it ran');
    }
    if (desired.fullname !== account.fullname) {
      steps.push({ command: { kind: 'update_user', username, fullname: desired.fullname } });
      decisions.push(`name changed: "${account.fullname}" → "${desired.fullname}"`);
    }
    let pendingEmail = account.pendingEmail;
    if (desired.username !== username && desired.username !== account.pendingEmail) {
      steps.push({ command: { kind: 'update_email', oldEmail: username, newEmail: desired.username } });
      pendingEmail = desired.username;
      decisions.push(`email change ${username} → ${desired.username}: pending until the user confirms`);
    }
    const add = desired.groups.filter((g) => !account.groups.includes(g));
    const managed = (g: string): boolean => isManagedGroup(policy, g) || idpOwned(input, g);
    const del = account.groups.filter((g) => managed(g) && !desired.groups.includes(g));
    if ((add.length > 0 || del.length > 0) && policy.authority.groups !== 'none') {
      steps.push({ command: { kind: 'change_groups', username, add, del } });
      const change = [...add.map((g) => `+${g}`), ...del.map((g) => `-${g}`)].join(' ');
      decisions.push(`managed groups (population "${population.name}", group rules): ${change}`);
    }
    const wasPrivileged = previous !== undefined && policy.populations.find((p) => p.name === previous.population)?.privileged === true;
    if (population.privileged && previous !== undefined && !wasPrivileged && policy.security.requireMasterPasswordChangeOnPrivilegedMove) {
      steps.push({ command: { kind: 'require_master_password_change', username } });
      decisions.push(`moved into privileged population "${population.name}": require a master password change`);
    }
    const unmanagedKept = account.groups.filter((g) => !managed(g));
    next = {
      username,
      fullname: desired.fullname,
      groups: [...new Set([...unmanagedKept, ...desired.groups])].sort(),
      disabled: false,
      ...(pendingEmail === undefined ? {} : { pendingEmail }),
    };
  }
  if (steps.length === 0 && obsolete.length === 0) decisions.push('nothing to change');
  const state = startsAt !== undefined && startsAt > now ? 'prehire' : 'active';
  const changedCourse = obsolete.length > 0 || previous?.state !== state;
  return {
    steps,
    cancel: obsolete.map((p) => p.id),
    cancelReason: cancelReason(input),
    account: next,
    lifecycle: {
      state,
      epoch: (previous?.epoch ?? 0) + (changedCourse ? 1 : 0),
      population: population.name,
      startsAt,
      leavesAt: undefined,
      graceEndsAt: undefined,
      legalHold: ctx.legalHold,
      holdRemainingMs: undefined,
    },
    decisions,
  };
}

function planLeaving(ctx: Context): Result {
  const { input, previous, population } = ctx;
  const { now, event } = input;
  const leaver = population.leaver;
  const decisions: string[] = [];
  const immediate = event.data.phase === 'immediate' || event.data.worker.termination?.revoke_access_immediately === true;
  const alreadyLeaving = previous?.state === 'terminated';
  // A leave that has taken effect stays as it was. One still ahead moves when a new `left` gives
  // another date (HR corrected the termination date); other events (a late mover) keep it.
  const tookEffect = alreadyLeaving && previous.leavesAt !== undefined && previous.leavesAt <= now;
  const newDate = eventKind(event.type) === 'left' && !tookEffect;
  const leavesAt = immediate
    ? now
    : alreadyLeaving && previous.leavesAt !== undefined && !newDate
      ? previous.leavesAt
      : Math.max(now, ctx.effectiveAt);
  const action = immediate ? leaver.onImmediate : leaver.onEffective;

  // Everything pending is re-planned from here: joiner and mover steps are obsolete, leaver steps
  // come back below (unchanged ones are kept as they are).
  const obsolete = input.pending;
  const cancelledAdd = obsolete.some((p) => p.command.kind === 'add_user');
  const cancelledDisable = obsolete.some((p) => isDisable(p.command));
  const account = cancelledAdd ? undefined : ctx.account;

  const steps: PlannedStep[] = [];
  let next: LastPassAccount | undefined = account;
  let graceEndsAt: number | undefined;
  let holdRemainingMs: number | undefined;
  if (account === undefined) {
    decisions.push(cancelledAdd ? 'left before the invitation went out: invitation cancelled' : 'no account to take away');
  } else {
    const username = account.username;
    const neverStarted = previous?.startsAt !== undefined && leavesAt < previous.startsAt && !alreadyLeaving;
    if (neverStarted) {
      steps.push(at({ kind: 'delete_user', username, action: 'uninvite' }, leavesAt, ctx, false));
      decisions.push('left before starting: withdraw the invitation (uninvite)');
      next = undefined;
    } else {
      const disabled = account.disabled && !cancelledDisable;
      if (!disabled) {
        if (leaver.disableMultifactor) steps.push(at({ kind: 'disable_multifactor', username }, leavesAt, ctx, false));
        if (leaver.requireMasterPasswordChange) {
          steps.push(at({ kind: 'require_master_password_change', username }, leavesAt, ctx, false));
        }
        // Legal hold keeps the account: remove or delete becomes a plain deactivation.
        const effective: LeaverAction = ctx.legalHold ? 'deactivate' : action;
        steps.push(
          at(
            effective === 'deactivate' ? { kind: 'disable_user', username } : { kind: 'delete_user', username, action: DELETE_OF[effective] },
            leavesAt,
            ctx,
            effective !== 'deactivate',
          ),
        );
        decisions.push(`${immediate ? 'immediate revocation' : 'leaver'}: ${effective} at ${new Date(leavesAt).toISOString()}`);
        if (effective !== 'deactivate') next = undefined;
      }
      if (next !== undefined && leaver.afterGrace !== undefined) {
        const grace = leaver.afterGrace;
        graceEndsAt = alreadyLeaving && previous.graceEndsAt !== undefined && !newDate ? previous.graceEndsAt : leavesAt + grace.afterMs;
        if (ctx.legalHold) {
          holdRemainingMs = previous?.holdRemainingMs ?? Math.max(0, graceEndsAt - now);
          decisions.push(`legal hold: ${grace.action} after the grace period is held, timer frozen`);
        } else {
          const due = previous?.holdRemainingMs !== undefined ? now + previous.holdRemainingMs : graceEndsAt;
          graceEndsAt = due;
          steps.push(at({ kind: 'delete_user', username, action: DELETE_OF[grace.action] }, due, ctx, true));
          decisions.push(`${grace.action} scheduled for ${new Date(due).toISOString()} at the end of the grace period`);
        }
      }
      if (next !== undefined) next = { ...account, disabled: true };
    }
  }

  const epochBase = previous?.epoch ?? 0;
  const keep = unchangedPending(obsolete, steps);
  const lifecycle: Lifecycle = {
    state: next === undefined && account === undefined && !alreadyLeaving ? 'withdrawn' : 'terminated',
    epoch: epochBase + 1,
    population: population.name,
    startsAt: previous?.startsAt,
    leavesAt,
    graceEndsAt,
    legalHold: ctx.legalHold,
    holdRemainingMs,
  };
  if (keep) {
    // The same leave planned again (a repeated or merely informative event): nothing changes.
    return {
      steps: [],
      cancel: [],
      cancelReason: '',
      account: next,
      lifecycle: { ...lifecycle, epoch: epochBase },
      decisions: ['the planned leave is unchanged'],
    };
  }
  return {
    steps,
    cancel: obsolete.map((p) => p.id),
    cancelReason: cancelReason(input),
    account: next,
    lifecycle,
    decisions,
  };
}

function planWithdrawn(ctx: Context): Result {
  const { input, previous, population } = ctx;
  const obsolete = input.pending;
  const cancelledAdd = obsolete.some((p) => p.command.kind === 'add_user');
  const account = cancelledAdd ? undefined : ctx.account;
  const steps: PlannedStep[] = [];
  const decisions: string[] = [];
  if (account !== undefined) {
    steps.push({ command: { kind: 'delete_user', username: account.username, action: 'uninvite' } });
    decisions.push('joiner withdrawn after the invitation went out: uninvite');
  } else {
    decisions.push(cancelledAdd ? 'joiner withdrawn before the invitation: invitation cancelled' : 'joiner withdrawn: no account');
  }
  return {
    steps,
    cancel: obsolete.map((p) => p.id),
    cancelReason: cancelReason(input),
    account: undefined,
    lifecycle: {
      state: 'withdrawn',
      epoch: (previous?.epoch ?? 0) + 1,
      population: population.name,
      startsAt: undefined,
      leavesAt: undefined,
      graceEndsAt: undefined,
      legalHold: ctx.legalHold,
      holdRemainingMs: undefined,
    },
    decisions,
  };
}

/** A step at a time: scheduled (with its precondition) when later than now. */
function at(command: LastPassCommand, time: number, ctx: Context, destructive: boolean): PlannedStep {
  return time > ctx.input.now ? scheduled(command, time, ctx, destructive) : { command };
}

/** The epoch is filled in once the plan's lifecycle is known (planHrEvent). */
function scheduled(command: LastPassCommand, time: number, _ctx: Context, destructive: boolean): PlannedStep {
  return { command, notBefore: time, precondition: { epoch: 0, notOnLegalHold: destructive } };
}

/** True when the pending commands are exactly the planned steps (same commands, same times). */
function unchangedPending(pending: readonly PendingCommand[], steps: readonly PlannedStep[]): boolean {
  if (pending.length !== steps.length || pending.length === 0) return false;
  return steps.every((step, i) => {
    const p = pending[i];
    return p !== undefined && JSON.stringify(p.command) === JSON.stringify(step.command) && p.notBefore === (step.notBefore ?? p.notBefore);
  });
}

function isDisable(command: LastPassCommand): boolean {
  return command.kind === 'disable_user' || (command.kind === 'delete_user' && command.action === 'deactivate');
}

function cancelReason(input: HrPlanInput): string {
  return `superseded by ${eventKind(input.event.type)} event ${input.event.source}/${input.event.id}`;
}

/** Display name from the snapshot; an absent name keeps the one already known (absent ≠ cleared). */
function fullnameOf(event: HrEvent, known: string | undefined): string {
  const { name } = event.data.worker;
  const composed = name.display ?? [name.preferred ?? name.given, name.family].filter((p) => p != null && p !== '').join(' ');
  return composed !== '' ? composed : (known ?? '');
}

/**
 * The managed groups a person should be in: from the identity provider's group pushes when the
 * policy gives it authority over groups (and the event carries them), otherwise from the rules.
 */
function desiredGroups(input: HrPlanInput): string[] {
  const { event, policy, person } = input;
  if (policy.authority.groups === 'idp') {
    const pushed = event.data.groups;
    if (pushed != null) return [...new Set(pushed)].sort();
    return [...(person?.desired.groups ?? [])];
  }
  if (policy.authority.groups === 'none') return [];
  return groupsOf(policy, event.data);
}

/** With IdP group authority, a group lpprov put the person in because the IdP said so is lpprov's to take away. */
function idpOwned(input: HrPlanInput, group: string): boolean {
  return input.policy.authority.groups === 'idp' && (input.person?.desired.groups.includes(group) ?? false);
}
