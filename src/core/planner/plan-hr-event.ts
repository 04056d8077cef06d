import type { DesiredAccount, LastPassAccount } from '../account.ts';
import { describeGroupChange, groupChange, groupsAfter, hasChanges, invitation, knownAs, ownsGroup } from '../account-changes.ts';
import { withAliases } from '../account-identity.ts';
import { type DeleteAction, isRemoval, type LastPassCommand } from '../commands.ts';
import type { Worker } from '../events/hr-event.ts';
import type { PersonChange } from '../events/person-change.ts';
import type { Lifecycle, LifecycleState } from '../lifecycle.ts';
import { existingAccount } from '../planned-account.ts';
import type { LeaverAction, Population } from '../policy/policy.ts';
import { groupsOf, populationOf } from '../policy/resolve.ts';
import type { PendingCommand } from '../ports.ts';
import { accountBefore } from './account-before.ts';
import { waitingCommands } from './in-doubt.ts';
import type { HrPlan, HrPlanInput, PlannedStep } from './hr-plan.ts';

type Target = 'active' | 'leaving' | 'withdrawn';

const DELETE_OF: Record<LeaverAction, DeleteAction> = { deactivate: 'deactivate', remove: 'remove', delete: 'delete' };

/**
 * Plans one change (an HR event, a SCIM change) for one person: desired state from the snapshot and the policy, and the
 * commands that take the account there. Every command of the person not sent yet is planned
 * again: the plan starts from the account as it stands without them (`accountBefore`), so what
 * it enqueues is the whole way from there, and it cancels them. When the new plan is the same as
 * the unsent commands (a repeated event), they are kept as they are. Pure: no I/O, no clock.
 */
export function planHrEvent(input: HrPlanInput): HrPlan {
  const { change, person, policy, pending, now } = input;
  const { kept, unsent } = waitingCommands(pending);
  const worker = change.worker;
  const population = populationOf(policy, change.facts);
  const previous = person?.lifecycle;
  const kind = change.kind;
  const desired: DesiredAccount = {
    username: worker.email.work.toLowerCase(),
    fullname: fullnameOf(worker, person?.desired.fullname),
    groups: desiredGroups(input),
    active: true,
  };
  const record = {
    personId: worker.person_id,
    lastSequence: change.sequence ?? person?.lastSequence,
    lastEventTime: Math.max(change.at, person?.lastEventTime ?? 0),
  };

  if (!population.manage) {
    return {
      person: { ...record, desired, lastpass: person?.lastpass, lifecycle: previous },
      steps: [],
      cancel: undefined,
      decisions: [`population "${population.name}" is not managed: nothing planned`],
    };
  }

  const effectiveAt = change.effectiveAt;
  const ctx: Context = {
    input,
    population,
    desired,
    previous,
    base: accountBefore(existingAccount(person, now, unsent.some((p) => isRemoval(p.command))), unsent),
    invitationUnsent: unsent.some((p) => p.command.kind === 'add_user'),
    unsent,
    kept,
    legalHold: worker.flags?.legal_hold === true || policy.legalHoldPersonIds.includes(worker.person_id),
    effectiveAt,
    // A joiner or rehire names the start; any other event keeps the one known.
    startsAt: kind === 'joined' || kind === 'rehired' ? effectiveAt : previous?.startsAt,
  };
  const target = targetOf(change, previous, now);
  const draft = target === 'active' ? planActive(ctx) : target === 'leaving' ? planLeaving(ctx) : planWithdrawn(ctx);
  return finish(ctx, target, draft, record);
}

interface Context {
  readonly input: HrPlanInput;
  readonly population: Population;
  readonly desired: DesiredAccount;
  readonly previous: Lifecycle | undefined;
  /** The account without the person's unsent commands; undefined when there is none (yet). */
  readonly base: LastPassAccount | undefined;
  /** An invitation was waiting to go out: it is planned again, or cancelled for good. */
  readonly invitationUnsent: boolean;
  /** The waiting commands this plan replaces (or keeps, when it plans the same). */
  readonly unsent: readonly PendingCommand[];
  /** Waiting commands that may have reached LastPass: counted as sent, left to their retry (in-doubt.ts). */
  readonly kept: readonly PendingCommand[];
  readonly legalHold: boolean;
  readonly effectiveAt: number;
  readonly startsAt: number | undefined;
}

/** A plan before epochs and cancellations are settled. */
interface Draft {
  readonly steps: PlannedStep[];
  readonly account: LastPassAccount | undefined;
  readonly lifecycle: Omit<Lifecycle, 'epoch' | 'population' | 'legalHold'>;
  readonly decisions: string[];
}

/** What the change asks for, given where the person is. */
function targetOf(change: PersonChange, previous: Lifecycle | undefined, now: number): Target {
  const kind = change.kind;
  const status = change.worker.employment_status;
  const leaveAhead = previous?.state === 'terminated' && previous.leavesAt !== undefined && previous.leavesAt > now;
  switch (kind) {
    case 'change_cancelled':
      if (change.cancelled === 'joined') return 'withdrawn';
      if (change.cancelled === 'left') return 'active';
      return previous?.state === 'terminated' ? 'leaving' : 'active';
    case 'joined':
      // A corrected joiner (another start date) keeps a leave that is still ahead.
      return status === 'terminated' || leaveAhead ? 'leaving' : 'active';
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

function planActive(ctx: Context): Draft {
  const { input, startsAt } = ctx;
  const changes = joinerChanges(ctx, ctx.base);
  const state: LifecycleState = startsAt !== undefined && startsAt > input.now ? 'prehire' : 'active';
  if (ctx.previous?.state === 'terminated') changes.decisions.unshift('back from a leave: the leave steps not sent are cancelled');
  return {
    steps: changes.steps,
    account: changes.account,
    lifecycle: { state, startsAt, leavesAt: undefined, graceEndsAt: undefined, holdRemainingMs: undefined, accountEndsAt: undefined },
    decisions: changes.decisions,
  };
}

/**
 * What someone working (now, or until a leave ahead) needs: an invitation when there is no
 * account, else the account enabled, named, addressed and grouped as desired.
 */
function joinerChanges(ctx: Context, account: LastPassAccount | undefined): { steps: PlannedStep[]; account: LastPassAccount; decisions: string[] } {
  const { input, desired, previous, population, startsAt } = ctx;
  const { now, policy } = input;
  const steps: PlannedStep[] = [];
  const decisions: string[] = [];
  if (account === undefined) {
    // Any event before the start keeps the invitation at its time: a mover for a prehire does not
    // invite early. Without a known start, invite now.
    const inviteAt = startsAt === undefined ? now : Math.max(now, startsAt + policy.joiner.inviteOffsetMs);
    const add = invitation(policy, desired);
    steps.push(inviteAt > now ? scheduled(add, inviteAt, false) : { command: add });
    decisions.push(inviteAt > now ? `invitation scheduled for ${new Date(inviteAt).toISOString()}` : 'new account: invite now');
    return { steps, account: { username: desired.username, fullname: desired.fullname, groups: [...desired.groups], disabled: false }, decisions };
  }
  const username = account.username;
  if (account.disabled) {
    steps.push({ command: { kind: 'enable_user', username } });
    decisions.push('the account is disabled (a leave within its grace period, or an adopted account): re-enable it');
  }
  if (desired.fullname !== account.fullname) {
    steps.push({ command: { kind: 'update_user', username, fullname: desired.fullname } });
    decisions.push(account.fullname === '' ? `name: "${desired.fullname}"` : `name changed: "${account.fullname}" → "${desired.fullname}"`);
  }
  let pendingEmail = account.pendingEmail;
  let planned = username;
  let aliases = account.aliases;
  const { kind: _add, username: _name, ...reinvite } = invitation(policy, { username: desired.username, fullname: desired.fullname, groups: account.groups });
  if (!knownAs(account, desired.username)) {
    steps.push({ command: { kind: 'update_email', oldEmail: username, newEmail: desired.username, reinvite } });
    // An earlier change still pending may yet be confirmed: the account could end up there.
    aliases = withAliases(account, [account.pendingEmail], username).aliases;
    pendingEmail = desired.username;
    decisions.push(`email change ${username} → ${desired.username}: pending until the user confirms`);
  } else if (pendingEmail !== undefined && pendingEmail !== desired.username) {
    // Back to the address the account had, while a change to another one was asked for: LastPass
    // may have moved the account there (the user confirmed) or not. Ask from there; if it is not
    // there, the command finds the account under its old name and has nothing to do.
    steps.push({ command: { kind: 'update_email', oldEmail: pendingEmail, newEmail: desired.username, reinvite } });
    aliases = withAliases(account, [username], pendingEmail).aliases;
    planned = pendingEmail;
    pendingEmail = desired.username;
    decisions.push(`email back to ${desired.username} while the change to ${account.pendingEmail} is pending: ask LastPass to move it back`);
  }
  const previousGroups = input.person?.desired.groups ?? [];
  const change = groupChange(policy, account.groups, desired.groups, (g) => ownsGroup(policy, previousGroups, g));
  if (hasChanges(change)) {
    steps.push({ command: { kind: 'change_groups', username, add: change.add, del: change.del } });
    decisions.push(`managed groups (population "${population.name}", ${policy.authority.groups === 'idp' ? 'identity provider' : 'group rules'}): ${describeGroupChange(change)}`);
  }
  const wasPrivileged = previous !== undefined && policy.populations.find((p) => p.name === previous.population)?.privileged === true;
  if (population.privileged && previous !== undefined && !wasPrivileged && policy.security.requireMasterPasswordChangeOnPrivilegedMove) {
    steps.push({ command: { kind: 'require_master_password_change', username } });
    decisions.push(`moved into privileged population "${population.name}": require a master password change`);
  }
  const next: LastPassAccount = {
    username: planned,
    fullname: desired.fullname,
    groups: groupsAfter(account.groups, change),
    disabled: false,
    ...(pendingEmail === undefined ? {} : { pendingEmail }),
    ...(aliases === undefined || aliases.length === 0 ? {} : { aliases }),
  };
  return { steps, account: next, decisions };
}

function planLeaving(ctx: Context): Draft {
  const { input, previous, population, startsAt } = ctx;
  const { now, change } = input;
  const leaver = population.leaver;
  const decisions: string[] = [];
  const steps: PlannedStep[] = [];
  const immediate = change.immediate;
  const alreadyLeaving = previous?.state === 'terminated';
  // A leave that has taken effect stays as it was. One still ahead moves when a new `left` gives
  // another date (HR corrected the termination date); other events (a late mover) keep it.
  const tookEffect = alreadyLeaving && previous.leavesAt !== undefined && previous.leavesAt <= now;
  const newDate = change.kind === 'left' && !tookEffect;
  const leavesAt = immediate
    ? now
    : alreadyLeaving && previous.leavesAt !== undefined && !newDate
      ? previous.leavesAt
      : Math.max(now, ctx.effectiveAt);
  const action = immediate ? leaver.onImmediate : leaver.onEffective;
  const neverStarts = startsAt !== undefined && leavesAt < startsAt;

  let account = ctx.base;
  let accountEndsAt: number | undefined;
  let graceEndsAt: number | undefined;
  let holdRemainingMs: number | undefined;
  const gone = (): string => (ctx.invitationUnsent ? 'left before the invitation went out: invitation cancelled' : 'no account to take away');
  if (neverStarts) {
    if (account === undefined) decisions.push(gone());
    else {
      const withdrawn = withdrawal(ctx, account, leavesAt, 'left before starting');
      steps.push(...withdrawn.steps);
      decisions.push(...withdrawn.decisions);
      account = withdrawn.account;
      accountEndsAt = withdrawn.endsAt;
    }
  } else {
    if (leavesAt > now) {
      // Working until the leave: the invitation (at the start) and any change still apply.
      const joiner = joinerChanges(ctx, account);
      steps.push(...joiner.steps);
      decisions.push(...joiner.decisions);
      account = joiner.account;
    } else if (account === undefined) {
      decisions.push(gone());
    }
    if (account !== undefined) {
      const username = account.username;
      // Legal hold keeps the account: remove or delete becomes a plain deactivation.
      const effective: LeaverAction = ctx.legalHold ? 'deactivate' : action;
      if (!account.disabled) {
        if (leaver.disableMultifactor) steps.push(at({ kind: 'disable_multifactor', username }, leavesAt, ctx, false));
        if (leaver.requireMasterPasswordChange) steps.push(at({ kind: 'require_master_password_change', username }, leavesAt, ctx, false));
      }
      if (effective !== 'deactivate') {
        steps.push(at({ kind: 'delete_user', username, action: DELETE_OF[effective] }, leavesAt, ctx, true));
        decisions.push(`${immediate ? 'immediate revocation' : 'leaver'}: ${effective} at ${new Date(leavesAt).toISOString()}`);
        accountEndsAt = leavesAt;
      } else if (!account.disabled) {
        steps.push(at({ kind: 'disable_user', username }, leavesAt, ctx, false));
        decisions.push(`${immediate ? 'immediate revocation' : 'leaver'}: deactivate at ${new Date(leavesAt).toISOString()}`);
      }
      if (accountEndsAt === undefined && leaver.afterGrace !== undefined) {
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
          accountEndsAt = due;
        }
      }
      if (effective === 'deactivate') account = { ...account, disabled: true };
    }
  }
  return {
    steps,
    account,
    lifecycle: {
      state: account === undefined && !alreadyLeaving ? 'withdrawn' : 'terminated',
      startsAt,
      leavesAt,
      graceEndsAt,
      holdRemainingMs,
      accountEndsAt,
    },
    decisions,
  };
}

function planWithdrawn(ctx: Context): Draft {
  const withdrawn = ctx.base === undefined ? undefined : withdrawal(ctx, ctx.base, ctx.input.now, 'joiner withdrawn after the invitation went out');
  const decisions =
    withdrawn?.decisions ?? [ctx.invitationUnsent ? 'joiner withdrawn before the invitation: invitation cancelled' : 'joiner withdrawn: no account'];
  return {
    steps: withdrawn?.steps ?? [],
    account: withdrawn?.account,
    lifecycle: {
      state: 'withdrawn',
      startsAt: undefined,
      leavesAt: undefined,
      graceEndsAt: undefined,
      holdRemainingMs: undefined,
      accountEndsAt: withdrawn?.endsAt,
    },
    decisions,
  };
}

/**
 * Withdraws the invitation of someone who will not work here (`deluser` 3, uninvite). Someone
 * who already accepted it has a vault: LastPass refuses the uninvite, and the gateway deactivates
 * the account instead, so the population's removal after the grace period is planned as for a
 * leaver; after a withdrawn invitation it finds nothing left to remove.
 */
function withdrawal(ctx: Context, account: LastPassAccount, time: number, why: string): { steps: PlannedStep[]; account: LastPassAccount; endsAt: number | undefined; decisions: string[] } {
  // A withdrawal already sent (its answer lost, waiting for its retry) is not planned twice: taking
  // the second back in a later plan would undo what the first did.
  const sent = ctx.kept.some((p) => p.command.kind === 'delete_user' && p.command.action === 'uninvite');
  const steps: PlannedStep[] = sent ? [] : [at({ kind: 'delete_user', username: account.username, action: 'uninvite' }, time, ctx, false)];
  const decisions = [`${why}: withdraw the invitation (uninvite; an invitation already accepted is deactivated instead)`];
  const grace = ctx.population.leaver.afterGrace;
  // Without a removal after the grace period, the account ends only if the invitation was still
  // open: the dispatcher learns which from LastPass's answer (an accepted one is kept, deactivated).
  let endsAt: number | undefined;
  if (grace !== undefined && !ctx.legalHold) {
    endsAt = time + grace.afterMs;
    steps.push(at({ kind: 'delete_user', username: account.username, action: DELETE_OF[grace.action] }, endsAt, ctx, true));
    decisions.push(`${grace.action} scheduled for ${new Date(endsAt).toISOString()}, in case the invitation had been accepted`);
  } else if (grace !== undefined) {
    decisions.push(`legal hold: no ${grace.action} after the grace period`);
  }
  return { steps, account: { ...account, disabled: true }, endsAt, decisions };
}

/**
 * Settles the draft: unchanged unsent commands are kept (no churn, same epoch); otherwise every
 * unsent one is cancelled and the draft's steps replace them, in a new lifecycle epoch when the
 * person's course changed, so that a scheduled step of the old course that could not be cancelled
 * (in flight, parked for approval) is cancelled when it fires.
 */
function finish(ctx: Context, target: Target, draft: Draft, record: Pick<HrPlan['person'], 'personId' | 'lastSequence' | 'lastEventTime'>): HrPlan {
  const { input, previous, population, legalHold, desired } = ctx;
  const pending = ctx.unsent;
  const person = { ...record, desired: { ...desired, active: target === 'active' } };
  const keep = pending.length > 0 && pending.every((p) => p.dead !== true) && sameSteps(pending, draft.steps, input.now);
  const changedCourse = previous?.state !== draft.lifecycle.state || target !== 'active' || pending.length > 0;
  const epoch = (previous?.epoch ?? 0) + (keep || !changedCourse ? 0 : 1);
  const lifecycle: Lifecycle = { ...draft.lifecycle, epoch, population: population.name, legalHold };
  // Kept commands that may have reached LastPass belong to this plan now: their precondition
  // must not fail for the new epoch when they are tried again.
  const restampIds = ctx.kept.filter((p) => p.precondition !== undefined && epoch !== (previous?.epoch ?? 0)).map((p) => p.id);
  const restamp = restampIds.length > 0 ? { ids: restampIds, epoch } : undefined;
  if (keep) {
    return {
      person: { ...person, lastpass: draft.account, lifecycle },
      steps: [],
      cancel: undefined,
      restamp,
      decisions: [target === 'leaving' ? 'the planned leave is unchanged' : 'the planned commands are unchanged'],
    };
  }
  const steps = draft.steps.map((step) => (step.precondition === undefined ? step : { ...step, precondition: { ...step.precondition, epoch } }));
  const decisions = [...draft.decisions];
  if (steps.length === 0 && pending.length === 0) decisions.push('nothing to change');
  return {
    person: { ...person, lastpass: draft.account, lifecycle },
    steps,
    cancel: pending.length > 0 ? { ids: pending.map((p) => p.id), reason: cancelReason(input) } : undefined,
    restamp,
    decisions,
  };
}

/** A step at a time: scheduled (with its precondition) when later than now. */
function at(command: LastPassCommand, time: number, ctx: Context, destructive: boolean): PlannedStep {
  return time > ctx.input.now ? scheduled(command, time, destructive) : { command };
}

/** The epoch is filled in once the plan's lifecycle is known (finish). */
function scheduled(command: LastPassCommand, time: number, destructive: boolean): PlannedStep {
  return { command, notBefore: time, precondition: { epoch: 0, notOnLegalHold: destructive } };
}

/** True when the unsent commands are exactly the planned steps (same commands, same times). */
function sameSteps(pending: readonly PendingCommand[], steps: readonly PlannedStep[], now: number): boolean {
  if (pending.length !== steps.length) return false;
  return steps.every((step, i) => {
    const p = pending[i];
    if (p === undefined || JSON.stringify(p.command) !== JSON.stringify(step.command)) return false;
    // A step due now matches a pending one that is due (it was planned earlier, or is waiting out a backoff).
    return step.notBefore === undefined ? p.notBefore <= now || p.notBefore === undefined : p.notBefore === step.notBefore;
  });
}

function cancelReason(input: HrPlanInput): string {
  return `superseded by ${input.change.kind} event ${input.change.origin}/${input.change.id}`;
}

/** Display name from the snapshot; an absent name keeps the one already known (absent ≠ cleared). */
function fullnameOf(worker: Worker, known: string | undefined): string {
  const { name } = worker;
  const composed = name.display ?? [name.preferred ?? name.given, name.family].filter((p) => p != null && p !== '').join(' ');
  return composed !== '' ? composed : (known ?? '');
}

/**
 * The managed groups a person should be in: from the identity provider's group pushes when the
 * policy gives it authority over groups (and the event carries them), otherwise from the rules.
 */
function desiredGroups(input: HrPlanInput): string[] {
  const { change, policy, person } = input;
  if (policy.authority.groups === 'idp') {
    const pushed = change.groups;
    if (pushed != null) return [...new Set(pushed)].sort();
    return [...(person?.desired.groups ?? [])];
  }
  if (policy.authority.groups === 'none') return [];
  return groupsOf(policy, change.facts);
}
