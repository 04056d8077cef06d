import { isRemoval } from '../core/commands.ts';
import { isStaleEvent } from '../core/events/event-order.ts';
import { eventTypeOf, type InputSource, type PersonChange } from '../core/events/person-change.ts';
import { planHrEvent } from '../core/planner/plan-hr-event.ts';
import type { Policy } from '../core/policy/policy.ts';
import type { PersonRecord, PlannedCommand, TransactionScope } from '../core/ports.ts';
import type { HrInputResult } from './hr-input.ts';
import { existingAccount, withExistingAccount } from '../core/planned-account.ts';
import { adoptFromSnapshot } from './reconcile/adopt-from-snapshot.ts';

const sourceOfPerson = (person: PersonRecord): InputSource => (person.personId.startsWith('scim:') ? 'idp' : 'hris');

/**
 * Applies one change (an HR event, or a SCIM change) inside the caller's transaction:
 * dedupe on (source, id), drop stale events, plan, cancel what the plan makes obsolete, store the
 * person and enqueue the commands. One path for every input, so every input gets the same policy.
 * The inbox row keeps the event, its correlation id and why the plan is what it is (lpprov audit);
 * every command enqueued carries the correlation id into the dispatcher's log lines.
 */
export async function applyPersonChange(
  scope: TransactionScope,
  policy: Policy,
  change: PersonChange,
  now: number,
  correlationId?: string,
): Promise<HrInputResult> {
  if (await scope.inbox.has(change.origin, change.id)) return 'duplicate';

  const personId = change.personId;
  const person = await scope.people.get(personId);
  const inboxEntry = {
    source: change.origin,
    eventId: change.id,
    personId,
    eventType: eventTypeOf(change.kind),
    receivedAt: now,
    event: change.recorded,
    ...(correlationId === undefined ? {} : { correlationId }),
  };
  const incoming = { sequence: change.sequence, time: change.at };
  if (person !== undefined && isStaleEvent(person, incoming)) {
    await scope.inbox.record({ ...inboxEntry, outcome: 'stale', decisions: [staleDecision(person, incoming)] });
    return 'stale';
  }

  // HR and an identity provider may both describe the same LastPass account; the policy says
  // which one decides (reference/hr-lifecycle.md §4.6). The other may only take access away sooner.
  // Two people of one source naming the same account (two SCIM users with one email): the one
  // that has it keeps it, and the other plans nothing, so deleting one cannot disable the other.
  const username = change.worker.email.work.toLowerCase();
  const thisSource = change.source;
  const others: PersonRecord[] = [];
  for (const other of await scope.people.findByUsername(username)) {
    if (other.personId !== personId && (await accountAt(scope, other, now)) !== undefined) others.push(other);
  }
  const otherSource = others.find((p) => sourceOfPerson(p) !== thisSource);
  const sameSource = others.find((p) => sourceOfPerson(p) === thisSource);
  if (otherSource !== undefined && policy.authority.lifecycle !== thisSource) {
    const disabled = await accelerateLeave(scope, otherSource, change, now, correlationId);
    const decision =
      `${policy.authority.lifecycle === 'idp' ? 'the identity provider' : 'HR'} decides the lifecycle of ${username} ` +
      `(policy authority.lifecycle, account planned for ${otherSource.personId}): ` +
      (disabled ? `this leave disables the account now (a command of ${otherSource.personId}), nothing else` : 'nothing planned');
    await scope.inbox.record({ ...inboxEntry, outcome: 'not_authoritative', decisions: [decision] });
    return 'applied';
  }
  // The source that decides takes the account from the other one (the IdP created it, then HR,
  // which decides, names it); within one source a newcomer takes it from someone who has left.
  let takenOver: { readonly person: PersonRecord | undefined; readonly decision: string } | undefined;
  const hasAccount = person !== undefined && (await accountAt(scope, person, now)) !== undefined;
  if (otherSource !== undefined && !hasAccount) {
    const why = `${thisSource === 'idp' ? 'the identity provider' : 'HR'} decides (policy authority.lifecycle)`;
    takenOver = await takeOverAccount(scope, otherSource, personId, person, now, why);
  } else if (sameSource !== undefined && !hasAccount && !sameSource.desired.active) {
    takenOver = await takeOverAccount(scope, sameSource, personId, person, now, 'who left');
  } else if (sameSource !== undefined && !hasAccount) {
    const decision = `account ${username} is already planned for ${sameSource.personId} from the same source: nothing planned`;
    await scope.inbox.record({ ...inboxEntry, outcome: 'account_taken', decisions: [decision] });
    return 'applied';
  }

  const pending = person === undefined ? [] : await scope.outbox.pendingFor(personId);
  // An account LastPass already has is adopted, not invited again (docs/cli.md, lpprov reconcile).
  const current = takenOver?.person ?? (await adoptFromSnapshot(scope, policy, person, change));
  const plan = planHrEvent({ change, person: current, pending, policy, now });
  if (plan.cancel !== undefined) await scope.outbox.cancel(plan.cancel.ids, plan.cancel.reason, now);
  if (plan.restamp !== undefined) await scope.outbox.restamp(plan.restamp.ids, plan.restamp.epoch);
  await scope.people.save(plan.person, now);
  await scope.outbox.enqueue(personId, plan.steps.map((step, index) => planned(change, step, index)), now, correlationId);
  const decisions = takenOver === undefined ? plan.decisions : [takenOver.decision, ...plan.decisions];
  await scope.inbox.record({ ...inboxEntry, outcome: 'applied', decisions });
  return 'applied';
}

/**
 * The person takes over an account planned for someone else: a person of the same source who has
 * left (an IdP user deleted and created again with the same email; an HR rehire under a new worker
 * id), as a rehire within the grace period would; or a person of the other source when this one
 * decides the lifecycle. The holder's unsent commands (a scheduled removal, an invitation) are
 * cancelled, so the account is corrected, never deleted and invited again.
 */
async function takeOverAccount(
  scope: TransactionScope,
  holder: PersonRecord,
  personId: string,
  person: PersonRecord | undefined,
  now: number,
  why: string,
): Promise<{ readonly person: PersonRecord | undefined; readonly decision: string }> {
  const account = holder.lastpass;
  if (account === undefined) throw new Error('takeOverAccount needs a holder with an account');
  const unsent = await scope.outbox.pendingFor(holder.personId);
  if (unsent.length > 0) {
    await scope.outbox.cancel(
      unsent.map((c) => c.id),
      `account ${account.username} taken over by ${personId}`,
      now,
    );
  }
  await scope.people.save({ ...holder, lastpass: undefined }, now);
  const cancelled = unsent.length === 0 ? '' : `; ${unsent.length} unsent command(s) of theirs cancelled`;
  // An invitation that never went out leaves no account to take over: the planner invites anew.
  const created = !unsent.some((c) => c.command.kind === 'add_user');
  return {
    person: created ? withExistingAccount(person, personId, account) : person,
    decision: `account ${account.username} was planned for ${holder.personId}, ${why}: taken over${cancelled}`,
  };
}

/** The person's planned account if it still exists (a removal that has run ends it). */
async function accountAt(scope: TransactionScope, person: PersonRecord, now: number): Promise<PersonRecord['lastpass']> {
  if (person.lastpass === undefined) return undefined;
  const unsent = await scope.outbox.pendingFor(person.personId);
  return existingAccount(person, now, unsent.some((c) => isRemoval(c.command)));
}

function staleDecision(
  applied: Pick<PersonRecord, 'lastSequence' | 'lastEventTime'>,
  incoming: { readonly sequence: number | undefined; readonly time: number },
): string {
  if (incoming.sequence !== undefined && applied.lastSequence !== undefined) {
    return `stale: sequence ${incoming.sequence} is not after ${applied.lastSequence} (the newest applied): ignored`;
  }
  const newest = applied.lastEventTime === undefined ? '' : ` (${new Date(applied.lastEventTime).toISOString()})`;
  return `stale: recorded at ${new Date(incoming.time).toISOString()}, before the newest applied event${newest}: ignored`;
}

/**
 * A deactivation from the source that does not decide may still disable the account now
 * (disabling is safe and reversible); it never schedules deletes, re-enables or changes profiles.
 */
async function accelerateLeave(
  scope: TransactionScope,
  owner: PersonRecord,
  change: PersonChange,
  now: number,
  correlationId: string | undefined,
): Promise<boolean> {
  const leaving = change.kind === 'left' || change.worker.employment_status === 'terminated';
  const account = owner.lastpass;
  if (!leaving || account === undefined || account.disabled) return false;
  await scope.people.save({ ...owner, lastpass: { ...account, disabled: true } }, now);
  await scope.outbox.enqueue(
    owner.personId,
    [{ command: { kind: 'disable_user', username: account.username }, idempotencyKey: `${change.origin}|${change.id}|accelerated-disable` }],
    now,
    correlationId,
  );
  return true;
}

function planned(change: PersonChange, step: ReturnType<typeof planHrEvent>['steps'][number], index: number): PlannedCommand {
  return {
    command: step.command,
    // One key per intended effect: this event's n-th command. A replay of the event is caught by
    // the inbox first; the key also stops a second enqueue if the same plan is ever rebuilt.
    idempotencyKey: `${change.origin}|${change.id}|${index}|${step.command.kind}`,
    ...(step.notBefore === undefined ? {} : { notBefore: step.notBefore }),
    ...(step.precondition === undefined ? {} : { precondition: step.precondition }),
  };
}
