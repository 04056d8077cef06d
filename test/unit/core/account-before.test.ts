import { describe, expect, it } from 'vitest';

import type { LastPassAccount } from '../../../src/core/account.ts';
import type { LastPassCommand } from '../../../src/core/commands.ts';
import { accountBefore } from '../../../src/core/planner/account-before.ts';
import type { PendingCommand } from '../../../src/core/ports.ts';

const unsent = (...commands: LastPassCommand[]): PendingCommand[] => commands.map((command, i) => ({ id: i + 1, kind: command.kind, command, notBefore: 0 }));
const planned: LastPassAccount = { username: 'a@x.io', fullname: 'Ada L', groups: ['hr-all', 'hr-sales'], disabled: true, pendingEmail: 'b@x.io' };

describe('accountBefore', () => {
  it('is the planned account when nothing is unsent', () => {
    expect(accountBefore(planned, [])).toEqual(planned);
    expect(accountBefore(undefined, [])).toBeUndefined();
  });

  it('takes back each unsent command, newest first', () => {
    const before = accountBefore(
      planned,
      unsent(
        { kind: 'change_groups', username: 'a@x.io', add: ['hr-sales'], del: ['hr-eng'] },
        { kind: 'update_user', username: 'a@x.io', fullname: 'Ada L' },
        { kind: 'update_email', oldEmail: 'a@x.io', newEmail: 'b@x.io' },
        { kind: 'disable_user', username: 'a@x.io' },
      ),
    );
    expect(before).toEqual({ username: 'a@x.io', fullname: '', groups: ['hr-all', 'hr-eng'], disabled: false });
  });

  it('has no account before an unsent invitation, whatever came after it', () => {
    expect(accountBefore(planned, unsent({ kind: 'add_user', username: 'a@x.io', groups: [] }, { kind: 'disable_user', username: 'a@x.io' }))).toBeUndefined();
  });

  it('keeps the account for a removal (planned until it runs) and re-disables for an unsent enable', () => {
    const active = { ...planned, disabled: false };
    expect(accountBefore(active, unsent({ kind: 'delete_user', username: 'a@x.io', action: 'delete' }))).toEqual(active);
    expect(accountBefore(active, unsent({ kind: 'enable_user', username: 'a@x.io' }))).toEqual({ ...active, disabled: true });
    expect(accountBefore(active, unsent({ kind: 'delete_user', username: 'a@x.io', action: 'deactivate' }))).toEqual(active);
  });
});
