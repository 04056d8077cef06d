import { describe, expect, it } from 'vitest';

import { parseData } from '../../../src/cli/lastpass/call.command.ts';
import { incompleteness } from '../../../src/cli/lastpass/completeness.ts';
import { describeFailure } from '../../../src/cli/lastpass/failure.ts';
import { groupEntries, renderGroups } from '../../../src/cli/lastpass/groups-view.ts';
import { permissionsOf, renderSharedFolders } from '../../../src/cli/lastpass/shared-folders-view.ts';
import { cleanCell, renderTable } from '../../../src/cli/lastpass/table.ts';
import { renderUsers, userEntries } from '../../../src/cli/lastpass/users-view.ts';
import { ConfigError } from '../../../src/config/config-error.ts';
import {
  LastPassAuthError,
  LastPassRejectedError,
  LastPassRemovedCommandError,
  LastPassTransientError,
  type LastPassUser,
  type UserData,
} from '../../../src/lastpass/index.ts';

function user(username: string, patch: Partial<LastPassUser> = {}): LastPassUser {
  return {
    id: String(username.length),
    username,
    fullname: null,
    masterPasswordStrength: null,
    created: null,
    lastPasswordChange: null,
    lastLogin: null,
    neverLoggedIn: true,
    disabled: false,
    admin: false,
    totalScore: null,
    legacyTotalScore: null,
    hasSharingKeys: null,
    multifactor: null,
    duoUsername: null,
    linkedAccount: null,
    sites: null,
    notes: null,
    formFills: null,
    applications: null,
    attachments: null,
    passwordResetRequired: null,
    groups: [],
    ...patch,
  };
}

const NO_FILTER = { disabledOnly: false, adminsOnly: false };

describe('table', () => {
  it('aligns columns two spaces apart without trailing blanks', () => {
    expect(renderTable(['A', 'LONG HEADER'], [['wide value', 'x'], ['b', '']])).toBe(
      'A           LONG HEADER\n' + '----------  -----------\n' + 'wide value  x\n' + 'b\n',
    );
  });

  it('shows control characters (newlines, escape sequences) as spaces', () => {
    expect(cleanCell('two\nlines\u001b[31mred\u0007')).toBe('two lines [31mred ');
    expect(renderTable(['X'], [['a\r\nb']]).split('\n')).toHaveLength(4);
  });
});

describe('users view', () => {
  it('derives the status: disabled wins over invited, which wins over active', () => {
    const data: UserData = {
      total: 3,
      users: [user('c@x.io', { disabled: true }), user('a@x.io', { neverLoggedIn: false }), user('b@x.io')],
      groups: [],
      invited: ['B@x.io', 'c@x.io', 'only-invited@x.io'],
    };
    expect(userEntries(data, NO_FILTER).map((e) => [e.username, e.status, e.id === null])).toEqual([
      ['a@x.io', 'active', false],
      ['b@x.io', 'invited', false],
      ['c@x.io', 'disabled', false],
      ['only-invited@x.io', 'invited', true],
    ]);
    // Filtered, an email known only as an invitation cannot be placed, so it is left out.
    expect(userEntries(data, { disabledOnly: true, adminsOnly: false }).map((e) => e.username)).toEqual(['c@x.io']);
  });

  it('filters again on its side, in case a server ignores a filter', () => {
    const data: UserData = { total: 2, users: [user('a@x.io', { admin: true }), user('b@x.io')], groups: [], invited: [] };
    expect(userEntries(data, { disabledOnly: false, adminsOnly: true }).map((e) => e.username)).toEqual(['a@x.io']);
  });

  it('renders never-logged-in users and users without MFA readably', () => {
    const text = renderUsers(userEntries({ total: 1, users: [user('a@x.io')], groups: [], invited: [] }, NO_FILTER));
    expect(text).toContain('a@x.io');
    expect(text).toMatch(/active +never +-\n/);
    expect(text).toContain('1 user: 1 active, 0 invited, 0 disabled');
    expect(renderUsers([])).toBe('No users.\n');
  });

  it('flags a listing shorter than the total LastPass reported', () => {
    const data = (total: number | null): UserData => ({ total, users: [user('a@x.io')], groups: [], invited: [] });
    expect(incompleteness(data(1))).toBeNull();
    expect(incompleteness(data(null))).toBeNull();
    expect(incompleteness(data(3))).toBe('LastPass reports 3 users but lpprov read only 1; this listing is incomplete');
  });
});

describe('groups and shared-folders views', () => {
  it('sorts groups and members and drops repeated members', () => {
    const entries = groupEntries([
      { name: 'Zeta', members: ['b@x.io', 'a@x.io', 'b@x.io'] },
      { name: 'Alpha', members: [] },
    ]);
    expect(entries).toEqual([
      { name: 'Alpha', memberCount: 0, members: [] },
      { name: 'Zeta', memberCount: 2, members: ['a@x.io', 'b@x.io'] },
    ]);
    expect(renderGroups([])).toBe('No groups with members.\n');
  });

  it('names the permissions of a member', () => {
    const member = { username: 'a@x.io', readOnly: false, give: false, canAdminister: false, superAdmin: false };
    expect(permissionsOf(member)).toBe('read-write');
    expect(permissionsOf({ ...member, readOnly: true, give: true, canAdminister: true, superAdmin: true })).toBe(
      'read-only, can share, manage, super admin',
    );
    expect(renderSharedFolders([], true)).toBe('No shared folders.\n');
  });
});

describe('failures', () => {
  it('maps each kind of failure to its exit code', () => {
    expect(describeFailure(new ConfigError(['LASTPASS_CID: bad'])).exitCode).toBe(1);
    expect(describeFailure(new LastPassRejectedError('deluser', 'LastPass deluser: status FAIL')).exitCode).toBe(2);
    expect(describeFailure(new LastPassRemovedCommandError('pushsitestousers', 'removed')).exitCode).toBe(2);
    expect(describeFailure(new LastPassAuthError('getuserdata', 'LastPass getuserdata: refused')).exitCode).toBe(3);
    const transient = new LastPassTransientError('getsfdata', 'LastPass getsfdata: HTTP 429', {
      httpStatus: 429,
      retryAfterMs: 30_000,
      mayHaveApplied: false,
    });
    const failure = describeFailure(transient);
    expect(failure.exitCode).toBe(4);
    expect(failure.message).toContain('try again later');
    expect(failure.detail).toEqual([
      'error: LastPassTransientError',
      'cmd: getsfdata',
      'retryable: true',
      'httpStatus: 429',
      'retryAfterMs: 30000',
      'mayHaveApplied: false',
    ]);
  });
});

describe('call --data', () => {
  it('parses JSON of any kind', () => {
    expect(parseData('{"username":"a@x.io"}')).toEqual({ username: 'a@x.io' });
    expect(parseData('"all"')).toBe('all');
    expect(parseData('[1, 2]')).toEqual([1, 2]);
  });

  it('refuses text that is not JSON without quoting it back', () => {
    expect(() => parseData('{"password": "s3cret-value"')).toThrow(/^--data is not valid JSON/);
    try {
      parseData('{"password": "s3cret-value"');
    } catch (error) {
      expect(String(error)).not.toContain('s3cret');
    }
  });
});
