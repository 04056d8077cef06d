import type { LastPassAccount } from '../account.ts';
import { accountUnder, readdressed } from '../account-identity.ts';
import { isRemoval, type LastPassCommand } from '../commands.ts';
import { describeGroupChange, type GroupChange, groupChange as sharedGroupChange, invitation, ownsGroup } from '../account-changes.ts';
import type { Policy } from '../policy/policy.ts';
import type { PersonRecord } from '../ports.ts';
import type { DirectoryUser } from './directory.ts';
import { FINDING_KINDS, type AccountsDiff, type Correction, type Finding, type FindingKind } from './findings.ts';
import { settledAccount } from '../planned-account.ts';
import type { UnfinishedCommand } from './reconcile-ports.ts';

export interface AccountsDiffInput {
  /** lpprov's people: desired state, planned account, lifecycle. */
  readonly people: readonly PersonRecord[];
  /** Every command not finished yet (pending, in_flight, awaiting_approval, dead). */
  readonly unfinished: readonly UnfinishedCommand[];
  /** Every LastPass user (`getuserdata`). */
  readonly users: readonly DirectoryUser[];
  /** Managed groups, group authority, lifecycle authority and the joiner settings. */
  readonly policy: Policy;
  /** Epoch ms; the diff reads no clock. */
  readonly now: number;
}

/** The resolution of an invitation cancelled because LastPass already has the account. */
export const ADOPTED = 'adopted existing LastPass user';

interface PersonResult {
  readonly findings: Finding[];
  readonly correction: Correction | undefined;
}

/**
 * Compares lpprov's planned accounts with LastPass's users: what is missing, unexpected, in the
 * wrong state or in the wrong managed groups, and what lpprov would enqueue to correct it. People
 * with commands still on their way are not judged (their plan is not in LastPass yet), except
 * that an unsent invitation for an account LastPass already has is adopted. Pure.
 */
export function diffAccounts(input: AccountsDiffInput): AccountsDiff {
  const users = new Map(input.users.map((user) => [user.username.toLowerCase(), user]));
  const queues = new Map<string, UnfinishedCommand[]>();
  for (const command of input.unfinished) queues.set(command.personId, [...(queues.get(command.personId) ?? []), command]);
  const accounts = new Map(input.people.map((person) => [person.personId, plannedAccount(person, queues, input.now)]));
  const owners = ownersOf(input.people, accounts, input.policy);

  const findings: Finding[] = [];
  const corrections: Correction[] = [];
  const known = new Set<string>();
  for (const [username, person] of owners) {
    const account = accounts.get(person.personId);
    if (account === undefined) continue;
    const pendingEmail = account.pendingEmail?.toLowerCase();
    known.add(username);
    if (pendingEmail !== undefined) known.add(pendingEmail);
    const direct = users.get(username);
    const confirmed = direct === undefined && pendingEmail !== undefined ? users.get(pendingEmail) : undefined;
    const queue = queues.get(person.personId) ?? [];
    const result =
      queue.length === 0
        ? settledPerson(input.policy, person, account, direct ?? confirmed, confirmed !== undefined)
        : busyPerson(input, person, account, direct ?? confirmed, confirmed !== undefined, queue);
    findings.push(...result.findings);
    if (result.correction !== undefined) corrections.push(result.correction);
  }
  for (const user of input.users) {
    if (!known.has(user.username.toLowerCase())) findings.push(strayUser(user, input.people, queues));
  }
  const order = (kind: FindingKind): number => FINDING_KINDS.indexOf(kind);
  findings.sort((a, b) => order(a.kind) - order(b.kind) || a.username.localeCompare(b.username));
  return { findings, corrections };
}

/**
 * The account a person's plan leads to: the stored one while commands are on their way (it is the
 * state once they have run), otherwise as settled (a leaver past the grace period has none).
 */
function plannedAccount(person: PersonRecord, queues: ReadonlyMap<string, readonly UnfinishedCommand[]>, now: number): LastPassAccount | undefined {
  return (queues.get(person.personId)?.length ?? 0) > 0 ? person.lastpass : settledAccount(person, now);
}

/**
 * One person per planned username. Two people can plan one account (HR and an identity provider
 * describing the same person); the one whose input has lifecycle authority decides, as when their
 * events are applied, then the lowest person id. The other is not judged, so two plans never
 * correct one account in opposite directions.
 */
function ownersOf(
  people: readonly PersonRecord[],
  accounts: ReadonlyMap<string, LastPassAccount | undefined>,
  policy: Policy,
): Map<string, PersonRecord> {
  const authoritative = (person: PersonRecord): boolean =>
    (person.personId.startsWith('scim:') ? 'idp' : 'hris') === policy.authority.lifecycle;
  const owners = new Map<string, PersonRecord>();
  for (const person of [...people].sort((a, b) => a.personId.localeCompare(b.personId))) {
    const username = accounts.get(person.personId)?.username.toLowerCase();
    if (username === undefined) continue;
    const current = owners.get(username);
    if (current === undefined || (authoritative(person) && !authoritative(current))) owners.set(username, person);
  }
  return owners;
}

/** A person with nothing on its way: LastPass should be exactly as planned. */
function settledPerson(
  policy: Policy,
  person: PersonRecord,
  account: LastPassAccount,
  user: DirectoryUser | undefined,
  emailConfirmed: boolean,
): PersonResult {
  const personId = person.personId;
  if (user === undefined) {
    if (account.disabled) {
      const detail = 'lpprov planned a disabled account; LastPass has none, so there is no access to take away';
      return { findings: [{ kind: 'missing', username: account.username, personId, detail, fix: undefined }], correction: undefined };
    }
    const add = addUser(policy, person, account);
    const detail = 'lpprov planned an active account; LastPass has none';
    return {
      findings: [{ kind: 'missing', username: account.username, personId, detail, fix: describeCommands([add]) }],
      correction: {
        personId,
        username: account.username,
        kinds: ['missing'],
        cancel: [],
        account: undefined,
        commands: [add],
        notBefore: undefined,
        decisions: [`reconcile: ${detail}: invite again`],
      },
    };
  }

  const findings: Finding[] = [];
  const kinds: FindingKind[] = [];
  const decisions: string[] = [];
  const commands: LastPassCommand[] = [];
  const username = user.username.toLowerCase();
  let recorded: LastPassAccount | undefined;
  if (emailConfirmed) {
    const { pendingEmail: _confirmed, ...rest } = account;
    recorded = { ...rest, username };
    const detail = `the email change from ${account.username} was confirmed: LastPass has the account under ${username}`;
    findings.push({ kind: 'email_confirmed', username, personId, detail, fix: 'record the new username' });
    kinds.push('email_confirmed');
    decisions.push(`reconcile: ${detail}`);
  }
  const state = stateCommand(account, user);
  if (state !== undefined) {
    const kind = state.kind === 'disable_user' ? 'disabled_but_active' : 'active_but_disabled';
    const detail =
      kind === 'disabled_but_active'
        ? 'lpprov planned the account disabled; LastPass has it active'
        : 'lpprov planned the account active; LastPass has it disabled';
    findings.push({ kind, username, personId, detail, fix: describeCommands([state]) });
    kinds.push(kind);
    commands.push(state);
    decisions.push(`reconcile: ${detail}`);
  }
  const groups = user.groups === undefined ? undefined : groupChange(policy, person, account, user.groups);
  if (groups !== undefined && (groups.add.length > 0 || groups.del.length > 0)) {
    const command: LastPassCommand = { kind: 'change_groups', username, add: groups.add, del: groups.del };
    const detail = groupDetail(groups);
    findings.push({ kind: 'group_drift', username, personId, detail, fix: describeCommands([command]) });
    kinds.push('group_drift');
    commands.push(command);
    decisions.push(`reconcile: managed groups differ (${detail})`);
  }
  if (kinds.length === 0) return { findings, correction: undefined };
  return {
    findings,
    correction: { personId, username, kinds, cancel: [], account: recorded, commands, notBefore: undefined, decisions },
  };
}

/**
 * A person with commands still on their way. An invitation not sent yet (pending, or dead) for an
 * account LastPass already has is adopted; anything else is left to the commands.
 */
function busyPerson(
  input: AccountsDiffInput,
  person: PersonRecord,
  account: LastPassAccount,
  user: DirectoryUser | undefined,
  emailConfirmed: boolean,
  queue: readonly UnfinishedCommand[],
): PersonResult {
  const personId = person.personId;
  const failed = failedOffboarding(input, person, account, user, queue);
  if (failed !== undefined) return failed;
  const invitations = queue.filter((c) => c.command.kind === 'add_user' && (c.status === 'pending' || c.status === 'dead'));
  // A command in flight may be the invitation itself going out; a parked one waits for an operator.
  const settledQueue = queue.every((c) => c.status === 'pending' || c.status === 'dead');
  const forThisUser = invitations.every((c) => c.command.kind === 'add_user' && c.command.username.toLowerCase() === user?.username.toLowerCase());
  if (user !== undefined && !emailConfirmed && invitations.length > 0 && settledQueue && forThisUser) {
    return adopt(input, person, account, user, invitations);
  }
  const differences = user === undefined ? ['LastPass has no account'] : differencesOf(input.policy, person, account, user);
  if (differences.length === 0) return { findings: [], correction: undefined };
  const username = (user?.username ?? account.username).toLowerCase();
  const detail = `${differences.join('; ')}; ${queueDetail(queue)} still on their way`;
  return { findings: [{ kind: 'in_progress', username, personId, detail, fix: undefined }], correction: undefined };
}

/** A leaver's step due this long and not sent is stuck, not on its way. */
export const STUCK_AFTER_MS = 15 * 60_000;

/**
 * Someone who has left whose LastPass account is still active, while the commands that should
 * take it away are dead or stuck: the promise that nobody who left keeps a vault is broken. The
 * fix cancels every unsent command of the person, disables the account now under the address
 * LastPass has it, and plans its removals again: at their time, or right after the disable for
 * one that was due.
 */
function failedOffboarding(
  input: AccountsDiffInput,
  person: PersonRecord,
  account: LastPassAccount,
  user: DirectoryUser | undefined,
  queue: readonly UnfinishedCommand[],
): PersonResult | undefined {
  const { now } = input;
  const lifecycle = person.lifecycle;
  const left = lifecycle?.state === 'terminated' && lifecycle.leavesAt !== undefined && lifecycle.leavesAt <= now;
  if (!left || user === undefined || user.disabled) return undefined;
  const dead = queue.filter((c) => c.status === 'dead');
  const stuck = queue.filter((c) => c.status === 'pending' && c.notBefore <= now - STUCK_AFTER_MS);
  // Re-enabled in LastPass (by an administrator, say) while only later steps are queued: nothing
  // due would disable it, and the leaver would keep the vault until the removal.
  const onItsWay = queue.some((c) => c.status !== 'dead' && (c.status !== 'pending' || c.notBefore <= now));
  const waitingOnly = dead.length === 0 && stuck.length === 0 && account.disabled && !onItsWay ? queue.filter((c) => c.status === 'pending').sort((a, b) => a.notBefore - b.notBefore) : [];
  if (dead.length === 0 && stuck.length === 0 && waitingOnly.length === 0) return undefined;
  const username = user.username.toLowerCase();
  const unsent = queue.filter((c) => c.status === 'pending' || c.status === 'dead');
  // Removals still to come keep their time; one that was due (the policy removes at the leave,
  // and it died) runs right after the disable.
  const later = unsent
    .filter((c) => isRemoval(c.command))
    .map((c) => ({ command: readdressed(c.command, username), notBefore: Math.max(c.notBefore, now), precondition: { epoch: lifecycle.epoch, notOnLegalHold: true } }));
  const why = [
    dead.length > 0 ? `${dead.length} dead (${dead.map((c) => `#${c.id} ${c.kind}`).join(', ')})` : '',
    stuck.length > 0 ? `${stuck.length} due since ${new Date(Math.min(...stuck.map((c) => c.notBefore))).toISOString()} and not sent` : '',
    waitingOnly[0] !== undefined ? `nothing due would disable it (next: #${waitingOnly[0].id} ${waitingOnly[0].kind} at ${new Date(waitingOnly[0].notBefore).toISOString()})` : '',
  ].filter((part) => part !== '').join('; ');
  const detail = `left on ${new Date(lifecycle.leavesAt ?? now).toISOString()}, but LastPass has the account active; its commands: ${why}`;
  const disable: LastPassCommand = { kind: 'disable_user', username };
  return {
    findings: [{ kind: 'offboarding_failed', username, personId: person.personId, detail, fix: `cancel ${unsent.length} unsent command(s); ${describeCommands([disable, ...later.map((l) => l.command)])}` }],
    correction: {
      personId: person.personId,
      username,
      kinds: ['offboarding_failed'],
      cancel: unsent.map((c) => c.id),
      cancelReason: 'reconcile: offboarding failed; replaced by a disable now',
      account: { ...accountUnder(account, username), disabled: true },
      commands: [disable],
      notBefore: undefined,
      later,
      decisions: [`reconcile: ${detail}: disable now`],
    },
  };
}

/**
 * Takes over the account LastPass already has: the unsent invitation is cancelled, the account is
 * recorded as planned, and only the corrections (enable or disable, managed groups) are enqueued,
 * not before the invitation would have gone out (a future joiner gets their groups at the start).
 */
function adopt(
  input: AccountsDiffInput,
  person: PersonRecord,
  account: LastPassAccount,
  user: DirectoryUser,
  invitations: readonly UnfinishedCommand[],
): PersonResult {
  const { policy, now } = input;
  const username = user.username.toLowerCase();
  const commands: LastPassCommand[] = [];
  const state = stateCommand(account, user);
  if (state !== undefined) commands.push(state);
  // Unknown groups (an invitation-only listing): add the wanted ones, which is a no-op where held.
  const groups = groupChange(policy, person, account, user.groups ?? []);
  if (groups.add.length > 0 || groups.del.length > 0) commands.push({ kind: 'change_groups', username, add: groups.add, del: groups.del });
  const kept = (user.groups ?? []).filter((g) => !groups.del.includes(g));
  const adopted: LastPassAccount = {
    ...account,
    username,
    fullname: user.fullname ?? account.fullname,
    groups: [...new Set([...kept, ...groups.add])].sort(),
  };
  const startAt = Math.max(...invitations.map((c) => c.notBefore));
  const ids = invitations.map((c) => `#${c.id} (${c.status})`).join(', ');
  const detail = `LastPass already has ${username} (${statusOf(user)}); lpprov's invitation ${ids} has not gone out`;
  const fix = [`cancel ${ids}`, 'adopt the account', ...(commands.length > 0 ? [describeCommands(commands)] : [])].join('; ');
  return {
    findings: [{ kind: 'adoptable', username, personId: person.personId, detail, fix }],
    correction: {
      personId: person.personId,
      username,
      kinds: ['adoptable'],
      cancel: invitations.map((c) => c.id),
      account: adopted,
      commands,
      notBefore: startAt > now ? startAt : undefined,
      decisions: [`reconcile: ${ADOPTED} ${username} instead of inviting it again`, ...(commands.length > 0 ? [`reconcile: then ${describeCommands(commands)}`] : [])],
    },
  };
}

/** A LastPass user no planned account claims. */
function strayUser(user: DirectoryUser, people: readonly PersonRecord[], queues: ReadonlyMap<string, readonly UnfinishedCommand[]>): Finding {
  const username = user.username.toLowerCase();
  const related = people.filter(
    (p) =>
      p.desired.username.toLowerCase() === username ||
      p.lastpass?.username.toLowerCase() === username ||
      (queues.get(p.personId) ?? []).some((c) => commandUsername(c) === username),
  );
  const busy = related.find((p) => (queues.get(p.personId)?.length ?? 0) > 0);
  if (busy !== undefined) {
    const detail = `lpprov plans no account for it; ${queueDetail(queues.get(busy.personId) ?? [])} still on their way`;
    return { kind: 'in_progress', username, personId: busy.personId, detail, fix: undefined };
  }
  const person = related[0];
  const about = person === undefined ? 'lpprov knows no person with this username' : `person ${person.personId} ${whyNoAccount(person)}`;
  const groups = user.groups === undefined ? 'groups unknown' : user.groups.length === 0 ? 'no groups' : `groups: ${user.groups.join(', ')}`;
  return {
    kind: 'unexpected',
    username,
    personId: person?.personId,
    detail: `${statusOf(user)}${user.admin ? ' admin' : ''}, ${groups}; ${about}`,
    fix: undefined,
  };
}

function whyNoAccount(person: PersonRecord): string {
  switch (person.lifecycle?.state) {
    case 'withdrawn':
      return 'was withdrawn before starting: no account planned';
    case 'terminated':
      return 'left and the account was planned to be removed or deleted';
    case 'prehire':
    case 'active':
      return 'has no account planned';
    case undefined:
      return 'is not managed (a population lpprov does not manage, or no plan yet)';
  }
}

/** What differs between the planned account and LastPass's user, in words. */
function differencesOf(policy: Policy, person: PersonRecord, account: LastPassAccount, user: DirectoryUser): string[] {
  const differences: string[] = [];
  if (account.disabled !== user.disabled) differences.push(`planned ${account.disabled ? 'disabled' : 'active'}, LastPass ${statusOf(user)}`);
  const groups = user.groups === undefined ? undefined : groupChange(policy, person, account, user.groups);
  if (groups !== undefined && (groups.add.length > 0 || groups.del.length > 0)) differences.push(groupDetail(groups));
  return differences;
}

function stateCommand(account: LastPassAccount, user: DirectoryUser): LastPassCommand | undefined {
  const username = user.username.toLowerCase();
  if (account.disabled && !user.disabled) return { kind: 'disable_user', username };
  if (!account.disabled && user.disabled) return { kind: 'enable_user', username };
  return undefined;
}

/**
 * Managed groups to add and remove so LastPass holds the planned ones: the planned groups lpprov
 * owns (or that the person's desired state names) that LastPass lacks, and the owned groups
 * LastPass has that the plan does not, by the rules the planner uses (account-changes.ts).
 */
function groupChange(policy: Policy, person: PersonRecord, account: LastPassAccount, have: readonly string[]): GroupChange {
  const owned = (g: string): boolean => ownsGroup(policy, person.desired.groups, g);
  return sharedGroupChange(policy, have, plannedGroups(policy, person, account), owned);
}

/** The planned groups lpprov stands for: unmanaged ones an admin gave are not lpprov's to restore. */
function plannedGroups(policy: Policy, person: PersonRecord, account: LastPassAccount): string[] {
  return account.groups.filter((g) => ownsGroup(policy, person.desired.groups, g) || person.desired.groups.includes(g));
}

/** A fresh invitation with the groups lpprov wants. */
function addUser(policy: Policy, person: PersonRecord, account: LastPassAccount): LastPassCommand {
  return invitation(policy, { username: account.username, fullname: account.fullname, groups: plannedGroups(policy, person, account) });
}

function groupDetail({ add, del }: GroupChange): string {
  return [add.length > 0 ? `missing ${add.join(', ')}` : '', del.length > 0 ? `extra ${del.join(', ')}` : ''].filter((p) => p !== '').join('; ');
}

function statusOf(user: DirectoryUser): string {
  return user.disabled ? 'disabled' : user.invited ? 'invited' : 'active';
}

function queueDetail(queue: readonly UnfinishedCommand[]): string {
  const counts = new Map<string, number>();
  for (const c of queue) counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
  const parts = [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
  return `${queue.length} command${queue.length === 1 ? '' : 's'} (${parts})`;
}

function commandUsername(c: UnfinishedCommand): string {
  return (c.command.kind === 'update_email' ? c.command.oldEmail : c.command.username).toLowerCase();
}

/** The commands in words, e.g. `change_groups +hr-eng -hr-old`. */
export function describeCommands(commands: readonly LastPassCommand[]): string {
  return commands.map((c) => (c.kind === 'change_groups' ? `${c.kind} ${describeGroupChange(c)}`.trimEnd() : c.kind)).join(', ');
}
