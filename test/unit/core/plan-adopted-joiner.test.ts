import { describe, expect, it } from 'vitest';

import { parsePolicy } from '../../../src/config/policy-file.ts';
import { parseHrEvent } from '../../../src/core/events/hr-event.ts';
import { changeOfHrEvent } from '../../../src/core/events/person-change.ts';
import { planHrEvent } from '../../../src/core/planner/plan-hr-event.ts';
import type { DirectoryUser } from '../../../src/core/reconcile/directory.ts';
import { accountOf, withExistingAccount } from '../../../src/core/planned-account.ts';
import { hrEvent } from '../../fixtures/hr-events.ts';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const P = 'P-ADOPT';
const EMAIL = 'p-adopt@acme.example';

const policy = parsePolicy({
  managed_groups: { prefix: 'hr-' },
  group_rules: [
    { when: { always: true }, groups: ['hr-all'] },
    { when: { path: 'worker.org.department', equals: 'Engineering' }, groups: ['hr-eng'] },
  ],
});

const existing = (o: Partial<DirectoryUser> = {}): DirectoryUser => ({
  username: EMAIL,
  fullname: 'Jane Doe',
  disabled: false,
  admin: false,
  invited: false,
  groups: ['Finance', 'hr-old'],
  ...o,
});

function plan(event: Record<string, unknown>, user: DirectoryUser) {
  const parsed = parseHrEvent(event);
  if (!parsed.ok) throw new Error(parsed.reason);
  // What adoptFromSnapshot hands the planner for someone new whose email LastPass already has.
  const person = withExistingAccount(undefined, P, accountOf(user));
  return planHrEvent({ change: changeOfHrEvent(parsed.event), person, pending: [], policy, now: T0 });
}

describe('planning a joiner LastPass already has (adopted from the snapshot)', () => {
  it('plans no invitation, only the managed group changes; unmanaged groups stay', () => {
    const result = plan(hrEvent({ personId: P, time: new Date(T0).toISOString() }), existing());
    expect(result.steps.map((s) => s.command)).toEqual([{ kind: 'change_groups', username: EMAIL, add: ['hr-all', 'hr-eng'], del: ['hr-old'] }]);
    expect(result.person.lastpass).toEqual({ username: EMAIL, fullname: 'Jane Doe', groups: ['Finance', 'hr-all', 'hr-eng'], disabled: false });
    expect(result.person.lifecycle).toMatchObject({ state: 'active', epoch: 1 });
  });

  it('re-enables a disabled account and corrects the name instead of inviting', () => {
    const result = plan(hrEvent({ personId: P, time: new Date(T0).toISOString() }), existing({ disabled: true, fullname: undefined, groups: ['hr-all', 'hr-eng'] }));
    expect(result.steps.map((s) => s.command)).toEqual([
      { kind: 'enable_user', username: EMAIL },
      { kind: 'update_user', username: EMAIL, fullname: 'Jane Doe' },
    ]);
  });

  it('a leaver lpprov never knew but LastPass has: the account is disabled, not ignored', () => {
    const result = plan(hrEvent({ personId: P, type: 'io.lpprov.hr.worker.left.v1', time: new Date(T0).toISOString() }), existing());
    expect(result.steps.map((s) => s.command.kind)).toContain('disable_user');
    expect(result.steps.map((s) => s.command.kind)).not.toContain('add_user');
  });
});
