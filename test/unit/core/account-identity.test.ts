import { describe, expect, it } from 'vitest';

import { accountUnder, addressOf, knownAddresses, readdressed, whenUnknown } from '../../../src/core/account-identity.ts';
import type { LastPassCommand } from '../../../src/core/commands.ts';
import type { PersonRecord } from '../../../src/core/ports.ts';

const person = (lastpass: PersonRecord['lastpass'], desired = 'ada.new@x.io'): PersonRecord => ({
  personId: 'P-1',
  desired: { username: desired, fullname: 'Ada', groups: [], active: true },
  lastpass,
  lastSequence: undefined,
  lastEventTime: undefined,
});

describe('account identity', () => {
  it('knows every address of a person: planned, pending, desired, lower-case and once each', () => {
    expect(knownAddresses(person({ username: 'Ada@x.io', fullname: '', groups: [], disabled: false, pendingEmail: 'ada.new@x.io', aliases: ['ada.2019@x.io'] }))).toEqual([
      'ada@x.io',
      'ada.new@x.io',
      'ada.2019@x.io',
    ]);
    expect(knownAddresses(person(undefined, 'ada@x.io'))).toEqual(['ada@x.io']);
  });

  it('readdresses every kind of command, the email change by its current address', () => {
    const commands: LastPassCommand[] = [
      { kind: 'add_user', username: 'a@x.io', groups: [] },
      { kind: 'disable_user', username: 'a@x.io' },
      { kind: 'delete_user', username: 'a@x.io', action: 'delete' },
      { kind: 'update_email', oldEmail: 'a@x.io', newEmail: 'c@x.io' },
      { kind: 'reset_password', username: 'a@x.io' },
    ];
    for (const command of commands) {
      expect(addressOf(command)).toBe('a@x.io');
      expect(addressOf(readdressed(command, 'b@x.io'))).toBe('b@x.io');
    }
    expect(readdressed({ kind: 'update_email', oldEmail: 'a@x.io', newEmail: 'c@x.io' }, 'b@x.io')).toEqual({
      kind: 'update_email',
      oldEmail: 'b@x.io',
      newEmail: 'c@x.io',
    });
  });

  it('records the account under its address: a confirmed change is no longer pending', () => {
    const account = { username: 'a@x.io', fullname: '', groups: ['g'], disabled: false, pendingEmail: 'b@x.io' };
    expect(accountUnder(account, 'B@x.io')).toEqual({ username: 'b@x.io', fullname: '', groups: ['g'], disabled: false, aliases: ['a@x.io'] });
    expect(accountUnder(account, 'z@x.io')).toEqual({ ...account, username: 'z@x.io', aliases: ['a@x.io'] });
  });

  it('goes where the account is; without one, taking access away is done, a working person is invited again, account actions fail', () => {
    expect(whenUnknown({ kind: 'disable_user', username: 'a@x.io' }, 'b@x.io', ['a@x.io', 'b@x.io'])).toEqual({ kind: 'readdress', to: 'b@x.io' });
    for (const command of [
      { kind: 'disable_user', username: 'a@x.io' },
      { kind: 'delete_user', username: 'a@x.io', action: 'remove' },
      { kind: 'disable_multifactor', username: 'a@x.io' },
      { kind: 'require_master_password_change', username: 'a@x.io' },
    ] as const) {
      expect(whenUnknown(command, undefined, ['a@x.io']).kind).toBe('done');
    }
    for (const command of [
      { kind: 'enable_user', username: 'a@x.io' },
      { kind: 'change_groups', username: 'a@x.io', add: ['g'], del: [] },
      { kind: 'update_email', oldEmail: 'a@x.io', newEmail: 'b@x.io' },
      { kind: 'update_user', username: 'a@x.io', fullname: 'A' },
    ] as const) {
      expect(whenUnknown(command, undefined, ['a@x.io', 'b@x.io'])).toMatchObject({ kind: 'invite' });
    }
    for (const command of [
      { kind: 'reset_password', username: 'a@x.io' },
      { kind: 'reinvite_user', username: 'a@x.io' },
    ] as const) {
      const decision = whenUnknown(command, undefined, ['a@x.io', 'b@x.io']);
      expect(decision).toMatchObject({ kind: 'failed' });
      expect(decision.kind === 'failed' ? decision.reason : '').toContain('a@x.io, b@x.io');
    }
  });
});
