import { describe, expect, it } from 'vitest';

import { parsePolicy } from '../../../src/config/policy-file.ts';
import type { LastPassAccount } from '../../../src/core/account.ts';
import type { LastPassCommand } from '../../../src/core/commands.ts';
import type { Lifecycle } from '../../../src/core/lifecycle.ts';
import type { Policy } from '../../../src/core/policy/policy.ts';
import type { PersonRecord } from '../../../src/core/ports.ts';
import { ADOPTED, diffAccounts } from '../../../src/core/reconcile/diff-accounts.ts';
import type { DirectoryUser } from '../../../src/core/reconcile/directory.ts';
import type { UnfinishedCommand, UnfinishedStatus } from '../../../src/core/reconcile/reconcile-ports.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-03-02T09:00:00Z');

const policy = parsePolicy({
  managed_groups: { prefix: 'hr-' },
  group_rules: [{ when: { always: true }, groups: ['hr-all'] }],
});
const withAuthority = (groups: 'rules' | 'idp' | 'none', lifecycle: 'hris' | 'idp' = 'hris'): Policy => ({
  ...policy,
  authority: { groups, lifecycle },
});

const lifecycle = (o: Partial<Lifecycle> = {}): Lifecycle => ({
  state: 'active',
  epoch: 1,
  population: 'default',
  startsAt: NOW - 10 * DAY,
  leavesAt: undefined,
  graceEndsAt: undefined,
  legalHold: false,
  holdRemainingMs: undefined,
  ...o,
});

/** A person whose plan is `account` (by default active in hr-all and hr-eng, plus an admin's Finance). */
function person(id: string, o: { account?: Partial<LastPassAccount> | null; lifecycle?: Partial<Lifecycle> | null; desiredGroups?: string[] } = {}): PersonRecord {
  const username = `${id}@acme.example`;
  const account: LastPassAccount | undefined =
    o.account === null ? undefined : { username, fullname: `Person ${id}`, groups: ['Finance', 'hr-all', 'hr-eng'], disabled: false, ...o.account };
  return {
    personId: id,
    desired: { username, fullname: `Person ${id}`, groups: o.desiredGroups ?? ['hr-all', 'hr-eng'], active: account?.disabled !== true },
    lastpass: account,
    lifecycle: o.lifecycle === null ? undefined : lifecycle(o.lifecycle),
    lastSequence: undefined,
    lastEventTime: undefined,
  };
}

/** LastPass's user as planned for `person`, with overrides. */
function user(id: string, o: Partial<DirectoryUser> = {}): DirectoryUser {
  return {
    username: `${id}@acme.example`,
    fullname: `Person ${id}`,
    disabled: false,
    admin: false,
    invited: false,
    groups: ['Finance', 'hr-all', 'hr-eng'],
    ...o,
  };
}

let nextId = 100;
function unfinished(personId: string, command: LastPassCommand, status: UnfinishedStatus = 'pending', notBefore = NOW - 1000): UnfinishedCommand {
  return { id: nextId++, personId, kind: command.kind, status, command, notBefore };
}
const addUser = (id: string): LastPassCommand => ({ kind: 'add_user', username: `${id}@acme.example`, fullname: `Person ${id}`, groups: ['hr-all', 'hr-eng'] });

interface Case {
  readonly name: string;
  readonly people?: PersonRecord[];
  readonly unfinished?: UnfinishedCommand[];
  readonly users?: DirectoryUser[];
  readonly policy?: Policy;
  /** `kind username fix` per finding (`-` for no fix). */
  readonly findings: string[];
  /** `personId: command, command` per correction. */
  readonly corrections?: string[];
}

const show = (c: LastPassCommand): string =>
  c.kind === 'change_groups' ? `change_groups ${c.username} +[${c.add.join(',')}] -[${c.del.join(',')}]` : `${c.kind} ${'username' in c ? c.username : ''}`;

const cases: Case[] = [
  { name: 'nothing differs', people: [person('a')], users: [user('a')], findings: [] },
  {
    name: 'missing: an active planned account LastPass lacks is invited again with the managed groups only',
    people: [person('a')],
    users: [],
    findings: ['missing a@acme.example add_user'],
    corrections: ['a: add_user a@acme.example'],
  },
  {
    name: 'missing: a planned disabled account LastPass lacks is only reported (no access to take away)',
    people: [person('a', { account: { disabled: true } })],
    users: [],
    findings: ['missing a@acme.example -'],
  },
  {
    name: 'unexpected: a LastPass user nobody plans is only reported',
    people: [],
    users: [user('stray', { admin: true })],
    findings: ['unexpected stray@acme.example -'],
  },
  {
    name: 'disabled_but_active: a leaver still active is disabled',
    people: [person('a', { account: { disabled: true }, lifecycle: { state: 'terminated', leavesAt: NOW - DAY } })],
    users: [user('a')],
    findings: ['disabled_but_active a@acme.example disable_user'],
    corrections: ['a: disable_user a@acme.example'],
  },
  {
    name: 'active_but_disabled: an active person disabled in LastPass is enabled',
    people: [person('a')],
    users: [user('a', { disabled: true })],
    findings: ['active_but_disabled a@acme.example enable_user'],
    corrections: ['a: enable_user a@acme.example'],
  },
  {
    name: 'group_drift: managed groups missing and extra; unmanaged groups on either side are left alone',
    people: [person('a')],
    users: [user('a', { groups: ['Sales', 'hr-all', 'hr-old'] })],
    findings: ['group_drift a@acme.example change_groups +hr-eng -hr-old'],
    corrections: ['a: change_groups a@acme.example +[hr-eng] -[hr-old]'],
  },
  {
    name: 'state and groups together: one correction with both commands',
    people: [person('a')],
    users: [user('a', { disabled: true, groups: ['hr-all'] })],
    findings: ['active_but_disabled a@acme.example enable_user', 'group_drift a@acme.example change_groups +hr-eng'],
    corrections: ['a: enable_user a@acme.example, change_groups a@acme.example +[hr-eng] -[]'],
  },
  {
    name: 'group authority none: lpprov manages no groups, so there is no group drift',
    policy: withAuthority('none'),
    people: [person('a')],
    users: [user('a', { groups: ['hr-old'] })],
    findings: [],
  },
  {
    name: 'group authority idp: a group the identity provider gave is lpprov\'s even without the prefix',
    policy: withAuthority('idp'),
    people: [person('a', { account: { groups: ['Engineering'] }, desiredGroups: ['Engineering'] })],
    users: [user('a', { groups: [] })],
    findings: ['group_drift a@acme.example change_groups +Engineering'],
    corrections: ['a: change_groups a@acme.example +[Engineering] -[]'],
  },
  {
    name: 'an invitation-only listing has unknown groups: no group drift is judged',
    people: [person('a')],
    users: [user('a', { invited: true, groups: undefined })],
    findings: [],
  },
  {
    name: 'adoptable: a pending invitation for an account LastPass has is cancelled and the account corrected',
    people: [person('a', { account: { groups: ['hr-all', 'hr-eng'] } })],
    unfinished: [unfinished('a', addUser('a'))],
    users: [user('a', { disabled: true, groups: ['Finance', 'hr-old'], fullname: 'Ann A' })],
    findings: ['adoptable a@acme.example cancel #ID (pending); adopt the account; enable_user, change_groups +hr-all +hr-eng -hr-old'],
    corrections: ['a: enable_user a@acme.example, change_groups a@acme.example +[hr-all,hr-eng] -[hr-old]'],
  },
  {
    name: 'adoptable: a dead invitation is adopted too',
    people: [person('a', { account: { groups: ['hr-all', 'hr-eng'] } })],
    unfinished: [unfinished('a', addUser('a'), 'dead')],
    users: [user('a', { groups: ['hr-all', 'hr-eng'] })],
    findings: ['adoptable a@acme.example cancel #ID (dead); adopt the account'],
    corrections: ['a: '],
  },
  {
    name: 'in_progress: an invitation in flight is not adopted (it may be going out right now)',
    people: [person('a', { account: { groups: ['hr-all', 'hr-eng'] } })],
    unfinished: [unfinished('a', addUser('a'), 'in_flight')],
    users: [user('a', { groups: [] })],
    findings: ['in_progress a@acme.example -'],
  },
  {
    name: 'in_progress: a scheduled leave is not drift while the account is still active',
    people: [person('a', { account: { disabled: true }, lifecycle: { state: 'terminated', leavesAt: NOW + DAY } })],
    unfinished: [unfinished('a', { kind: 'disable_user', username: 'a@acme.example' }, 'pending', NOW + DAY)],
    users: [user('a')],
    findings: ['in_progress a@acme.example -'],
  },
  {
    name: 'a person with commands on their way and LastPass already as planned: nothing to say',
    people: [person('a')],
    unfinished: [unfinished('a', { kind: 'reset_password', username: 'a@acme.example' })],
    users: [user('a')],
    findings: [],
  },
  {
    name: 'email_confirmed: the account is found under the pending new address and recorded there',
    people: [person('a', { account: { pendingEmail: 'ann@acme.example' } })],
    users: [user('ann', { username: 'ann@acme.example', groups: ['Finance', 'hr-all'] })],
    findings: ['group_drift ann@acme.example change_groups +hr-eng', 'email_confirmed ann@acme.example record the new username'],
    corrections: ['a: change_groups ann@acme.example +[hr-eng] -[]'],
  },
  {
    name: 'a leaver past the grace period has no account; one LastPass still has is unexpected',
    people: [person('a', { account: { disabled: true }, lifecycle: { state: 'terminated', leavesAt: NOW - 40 * DAY, graceEndsAt: NOW - 10 * DAY } })],
    users: [user('a', { disabled: true })],
    findings: ['unexpected a@acme.example -'],
  },
  {
    name: 'a leaver past the grace period whose account is gone: nothing to say',
    people: [person('a', { account: { disabled: true }, lifecycle: { state: 'terminated', leavesAt: NOW - 40 * DAY, graceEndsAt: NOW - 10 * DAY } })],
    users: [],
    findings: [],
  },
  {
    name: 'legal hold keeps the disabled account past the grace period: still planned, still disabled',
    people: [
      person('a', {
        account: { disabled: true },
        lifecycle: { state: 'terminated', leavesAt: NOW - 40 * DAY, graceEndsAt: NOW - 10 * DAY, legalHold: true },
      }),
    ],
    users: [user('a')],
    findings: ['disabled_but_active a@acme.example disable_user'],
    corrections: ['a: disable_user a@acme.example'],
  },
  {
    name: 'a withdrawn joiner whose uninvite is pending: in progress, not unexpected',
    people: [person('a', { account: null, lifecycle: { state: 'withdrawn' } })],
    unfinished: [unfinished('a', { kind: 'delete_user', username: 'a@acme.example', action: 'uninvite' })],
    users: [user('a', { invited: true })],
    findings: ['in_progress a@acme.example -'],
  },
  {
    name: 'two people plan one account: the one with lifecycle authority (HR) decides',
    people: [person('a', { account: { disabled: true } }), { ...person('a'), personId: 'scim:a' }],
    users: [user('a')],
    findings: ['disabled_but_active a@acme.example disable_user'],
    corrections: ['a: disable_user a@acme.example'],
  },
  {
    name: 'two people plan one account: with the identity provider deciding, its person is judged',
    policy: withAuthority('rules', 'idp'),
    people: [person('a', { account: { disabled: true } }), { ...person('a'), personId: 'scim:a' }],
    users: [user('a')],
    findings: [],
  },
];

describe('diffAccounts', () => {
  it.each(cases)('$name', (c) => {
    const diff = diffAccounts({
      people: c.people ?? [],
      unfinished: c.unfinished ?? [],
      users: c.users ?? [],
      policy: c.policy ?? policy,
      now: NOW,
    });
    expect(diff.findings.map((f) => `${f.kind} ${f.username} ${f.fix ?? '-'}`.replace(/#\d+/g, '#ID'))).toEqual(c.findings);
    expect(diff.corrections.map((x) => `${x.personId}: ${x.commands.map(show).join(', ')}`)).toEqual(c.corrections ?? []);
  });

  it('re-invites with the managed groups only, and a default password when the policy gives one', () => {
    const withPassword: Policy = { ...policy, joiner: { ...policy.joiner, defaultPassword: true, passwordResetRequired: false } };
    const diff = diffAccounts({ people: [person('a')], unfinished: [], users: [], policy: withPassword, now: NOW });
    expect(diff.corrections[0]?.commands).toEqual([
      {
        kind: 'add_user',
        username: 'a@acme.example',
        fullname: 'Person a',
        groups: ['hr-all', 'hr-eng'],
        defaultPassword: true,
        passwordResetRequired: false,
      },
    ]);
  });

  it('adopts: cancels the invitation, records the LastPass account with the corrections applied, waits for the start', () => {
    const scheduled = unfinished('a', addUser('a'), 'pending', NOW + 5 * DAY);
    const diff = diffAccounts({
      people: [person('a', { account: { groups: ['hr-all', 'hr-eng'] } })],
      unfinished: [scheduled],
      users: [user('a', { fullname: 'Ann A', groups: ['Finance', 'hr-old'] })],
      policy,
      now: NOW,
    });
    expect(diff.corrections).toEqual([
      {
        personId: 'a',
        username: 'a@acme.example',
        kinds: ['adoptable'],
        cancel: [scheduled.id],
        account: { username: 'a@acme.example', fullname: 'Ann A', groups: ['Finance', 'hr-all', 'hr-eng'], disabled: false },
        commands: [{ kind: 'change_groups', username: 'a@acme.example', add: ['hr-all', 'hr-eng'], del: ['hr-old'] }],
        notBefore: NOW + 5 * DAY,
        decisions: [`reconcile: ${ADOPTED} a@acme.example instead of inviting it again`, 'reconcile: then change_groups +hr-all +hr-eng -hr-old'],
      },
    ]);
  });

  it('records a confirmed email change without the pending address', () => {
    const diff = diffAccounts({
      people: [person('a', { account: { pendingEmail: 'ann@acme.example' } })],
      unfinished: [],
      users: [user('ann', { username: 'ann@acme.example' })],
      policy,
      now: NOW,
    });
    expect(diff.corrections[0]?.account).toEqual({
      username: 'ann@acme.example',
      fullname: 'Person a',
      groups: ['Finance', 'hr-all', 'hr-eng'],
      disabled: false,
    });
  });

  describe('offboarding_failed', () => {
    const leaver = (o: Partial<Lifecycle> = {}) =>
      person('l', { account: { disabled: true }, lifecycle: { state: 'terminated', leavesAt: NOW - DAY, epoch: 4, ...o } });
    const disable: LastPassCommand = { kind: 'disable_user', username: 'l@acme.example' };
    const remove: LastPassCommand = { kind: 'delete_user', username: 'l@acme.example', action: 'delete' };

    it('is a leaver whose account is active while the disable is dead: disable now, the removal planned again', () => {
      const dead = unfinished('l', disable, 'dead', NOW - DAY);
      const scheduled = unfinished('l', remove, 'pending', NOW + 29 * DAY);
      const diff = diffAccounts({ people: [leaver()], unfinished: [dead, scheduled], users: [user('l')], policy, now: NOW });
      expect(diff.findings.map((f) => f.kind)).toEqual(['offboarding_failed']);
      expect(diff.findings[0]?.detail).toMatch(/^left on .*, but LastPass has the account active; its commands: 1 dead \(#\d+ disable_user\)$/);
      expect(diff.corrections).toEqual([
        expect.objectContaining({
          kinds: ['offboarding_failed'],
          cancel: [dead.id, scheduled.id],
          commands: [disable],
          later: [{ command: remove, notBefore: NOW + 29 * DAY, precondition: { epoch: 4, notOnLegalHold: true } }],
          account: expect.objectContaining({ username: 'l@acme.example', disabled: true }) as unknown,
        }),
      ]);
    });

    it('plans a dead removal at the leave (on_effective: delete) again right after the disable', () => {
      const dead = unfinished('l', remove, 'dead', NOW - DAY);
      const diff = diffAccounts({ people: [leaver()], unfinished: [dead], users: [user('l')], policy, now: NOW });
      expect(diff.corrections[0]).toMatchObject({ cancel: [dead.id], commands: [disable], later: [{ command: remove, notBefore: NOW }] });
    });

    it('is a leaver whose disable has been due for long and not sent (held behind something stuck)', () => {
      const stuck = unfinished('l', disable, 'pending', NOW - 60 * 60_000);
      expect(diffAccounts({ people: [leaver()], unfinished: [stuck], users: [user('l')], policy, now: NOW }).findings.map((f) => f.kind)).toEqual([
        'offboarding_failed',
      ]);
    });

    it('disables the account under the address LastPass has it (a confirmed email change)', () => {
      const p = person('l', { account: { disabled: true, pendingEmail: 'lee@acme.example' }, lifecycle: { state: 'terminated', leavesAt: NOW - DAY } });
      const diff = diffAccounts({ people: [p], unfinished: [unfinished('l', disable, 'dead')], users: [user('lee', { username: 'lee@acme.example' })], policy, now: NOW });
      expect(diff.corrections[0]?.commands).toEqual([{ kind: 'disable_user', username: 'lee@acme.example' }]);
    });

    it('is a leaver re-enabled in LastPass while only the removal after the grace period is queued', () => {
      const done = { ...unfinished('l', remove, 'pending', NOW + 29 * DAY) };
      const diff = diffAccounts({ people: [leaver()], unfinished: [done], users: [user('l')], policy, now: NOW });
      expect(diff.findings.map((f) => f.kind)).toEqual(['offboarding_failed']);
      expect(diff.findings[0]?.detail).toMatch(/LastPass has the account active; its commands: nothing due would disable it \(next: #\d+ delete_user at /);
      expect(diff.corrections[0]).toMatchObject({ commands: [disable], later: [{ command: remove, notBefore: NOW + 29 * DAY }] });
    });

    it('is not a disable on its way, a disabled account, or a leave still ahead', () => {
      const onItsWay = unfinished('l', disable, 'pending', NOW - 1000);
      expect(diffAccounts({ people: [leaver()], unfinished: [onItsWay], users: [user('l')], policy, now: NOW }).findings.map((f) => f.kind)).toEqual(['in_progress']);
      const dead = unfinished('l', disable, 'dead');
      expect(diffAccounts({ people: [leaver()], unfinished: [dead], users: [user('l', { disabled: true })], policy, now: NOW }).findings).toEqual([]);
      expect(
        diffAccounts({ people: [leaver({ leavesAt: NOW + DAY })], unfinished: [dead], users: [user('l')], policy, now: NOW }).findings.map((f) => f.kind),
      ).toEqual(['in_progress']);
    });
  });

  it('names the person an unexpected account belongs to, and why lpprov plans none', () => {
    const diff = diffAccounts({
      people: [person('w', { account: null, lifecycle: { state: 'withdrawn' } })],
      unfinished: [],
      users: [user('w', { invited: true, groups: undefined }), user('x', { disabled: true, groups: [] })],
      policy,
      now: NOW,
    });
    expect(diff.findings.map((f) => [f.username, f.personId, f.detail])).toEqual([
      ['w@acme.example', 'w', 'invited, groups unknown; person w was withdrawn before starting: no account planned'],
      ['x@acme.example', undefined, 'disabled, no groups; lpprov knows no person with this username'],
    ]);
  });
});
