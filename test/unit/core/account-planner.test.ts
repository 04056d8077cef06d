import { describe, expect, it } from 'vitest';

import type { DesiredAccount, LastPassAccount } from '../../../src/core/account.ts';
import { planAccount } from '../../../src/core/account-planner.ts';

const desired: DesiredAccount = { username: 'jane@acme.example', fullname: 'Jane Doe', groups: ['hr-all'], active: true };
const existing: LastPassAccount = { username: 'jane@acme.example', fullname: 'Jane Doe', groups: ['hr-all'], disabled: false };

describe('planAccount', () => {
  it.each([
    {
      name: 'joiner: adds the user with its groups',
      desired,
      current: undefined,
      commands: [{ kind: 'add_user', username: 'jane@acme.example', fullname: 'Jane Doe', groups: ['hr-all'] }],
    },
    { name: 'no change: plans nothing', desired, current: existing, commands: [] },
    {
      name: 'terminated before ever being added: plans nothing',
      desired: { ...desired, active: false },
      current: undefined,
      commands: [],
    },
    {
      name: 'leaver: disables',
      desired: { ...desired, active: false },
      current: existing,
      commands: [{ kind: 'disable_user', username: 'jane@acme.example' }],
    },
    {
      name: 'rehire of a disabled account: enables',
      desired,
      current: { ...existing, disabled: true },
      commands: [{ kind: 'enable_user', username: 'jane@acme.example' }],
    },
    {
      name: 'name change: updates the user',
      desired: { ...desired, fullname: 'Jane Smith' },
      current: existing,
      commands: [{ kind: 'update_user', username: 'jane@acme.example', fullname: 'Jane Smith' }],
    },
    {
      name: 'mover: adds new and removes old groups in one command',
      desired: { ...desired, groups: ['hr-all', 'hr-sales'] },
      current: { ...existing, groups: ['hr-all', 'hr-it'] },
      commands: [{ kind: 'change_groups', username: 'jane@acme.example', add: ['hr-sales'], del: ['hr-it'] }],
    },
    {
      name: 'leaver with other changes: disabling comes first',
      desired: { ...desired, active: false, fullname: 'J. Doe' },
      current: existing,
      commands: [
        { kind: 'disable_user', username: 'jane@acme.example' },
        { kind: 'update_user', username: 'jane@acme.example', fullname: 'J. Doe' },
      ],
    },
  ])('$name', ({ desired: want, current, commands }) => {
    expect(planAccount(want, current).commands).toEqual(commands);
  });

  it('plans nothing when its own result is planned again (idempotent)', () => {
    const first = planAccount({ ...desired, groups: ['a', 'b'] }, { ...existing, groups: ['c'] });
    expect(first.commands).not.toHaveLength(0);
    expect(planAccount({ ...desired, groups: ['a', 'b'] }, first.next).commands).toEqual([]);
  });
});
