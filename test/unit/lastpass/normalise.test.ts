import { describe, expect, it } from 'vitest';

import { mapEntries, toBoolean, toNumber, toText } from '../../../src/lastpass/coerce.ts';
import { normaliseReportPage } from '../../../src/lastpass/normalise-events.ts';
import { normaliseExpiredPasswordPage } from '../../../src/lastpass/normalise-expired-passwords.ts';
import { normaliseSharedFolders } from '../../../src/lastpass/normalise-shared-folders.ts';
import { mergeUserData, normaliseUserDataPage } from '../../../src/lastpass/normalise-user-data.ts';
import {
  EXPIRED_PAGE_1,
  EXPIRED_PAGE_2,
  GETDETAILEDSFDATA,
  GETSFDATA,
  GETUSERDATA_EMPTY_LEGACY,
  GETUSERDATA_NOT_FOUND,
  GETUSERDATA_RECORDED,
  REPORTING_PAGE,
  REPORTING_SIEM,
} from './support/reference-answers.ts';

describe('coercion', () => {
  it.each([
    ['100', 100],
    [' 75 ', 75],
    [42, 42],
    ['', null],
    [null, null],
    [undefined, null],
    ['abc', null],
    [Number.NaN, null],
  ])('toNumber(%j) = %j', (input, expected) => {
    expect(toNumber(input)).toBe(expected);
  });

  it.each([
    [true, true],
    [false, false],
    [1, true],
    [0, false],
    ['1', true],
    ['0', false],
    ['true', true],
    ['false', false],
    ['', null],
    [null, null],
  ])('toBoolean(%j) = %j', (input, expected) => {
    expect(toBoolean(input)).toBe(expected);
  });

  it('toText turns "" and null into null', () => {
    expect(toText('')).toBeNull();
    expect(toText(null)).toBeNull();
    expect(toText('x')).toBe('x');
  });

  it('reads [] as an empty map', () => {
    expect(mapEntries([])).toEqual([]);
    expect(mapEntries({ a: 1 })).toEqual([['a', 1]]);
  });
});

describe('getuserdata normalisation', () => {
  const page = normaliseUserDataPage(GETUSERDATA_RECORDED);

  it('turns Users keyed by id into a list, keeping the id', () => {
    expect(page.users.map((user) => [user.id, user.username])).toEqual([
      ['101', 'ann@example.com'],
      ['102', 'bob@example.com'],
      ['103', 'cy@example.com'],
    ]);
    expect(page.total).toBe(3);
    expect(page.count).toBe(3);
  });

  it('coerces string numbers and keeps flags as booleans', () => {
    const ann = page.users[0];
    expect(ann).toMatchObject({
      masterPasswordStrength: 100,
      totalScore: 75,
      admin: true,
      disabled: false,
      neverLoggedIn: false,
      sites: 12,
      attachments: 2,
      multifactor: 'lastpassauth',
      duoUsername: 'ann',
      passwordResetRequired: false,
      groups: ['Engineering', 'Admins'],
      lastLogin: '2022-06-20 09:00:00',
    });
  });

  it('reads "" and null of a never-logged-in user as null', () => {
    const bob = page.users[1];
    expect(bob).toMatchObject({
      fullname: null,
      lastLogin: null,
      totalScore: null,
      masterPasswordStrength: 0,
      multifactor: null,
      duoUsername: null,
      sites: null,
      notes: null,
      neverLoggedIn: true,
      disabled: true,
      passwordResetRequired: true,
    });
  });

  it('takes a user\'s groups from the Groups map when the user has no groups key', () => {
    expect(page.users[1]?.groups).toEqual(['Engineering']);
    // An explicit [] stays empty even though nothing else is known.
    expect(page.users[2]?.groups).toEqual([]);
  });

  it('lists groups and invitations', () => {
    expect(page.groups).toEqual([
      { name: 'Engineering', members: ['ann@example.com', 'bob@example.com'] },
      { name: 'Admins', members: ['ann@example.com'] },
    ]);
    expect(page.invited).toEqual(['dee@example.com']);
  });

  it('reads {"Users":[]} (not found) and the legacy empty answer as empty', () => {
    for (const body of [GETUSERDATA_NOT_FOUND, GETUSERDATA_EMPTY_LEGACY]) {
      const empty = normaliseUserDataPage(body);
      expect(empty).toEqual({ total: null, count: 0, users: [], groups: [], invited: [] });
    }
  });

  it('merges pages by user id and group name', () => {
    const first = normaliseUserDataPage({
      total: '3',
      count: '2',
      Users: { '1': { username: 'a@x.com' }, '2': { username: 'b@x.com' } },
      Groups: { G: ['a@x.com'] },
    });
    const second = normaliseUserDataPage({
      total: '3',
      count: '1',
      Users: { '2': { username: 'b@x.com' }, '3': { username: 'c@x.com' } },
      Groups: { G: ['c@x.com', 'a@x.com'] },
      invited: ['d@x.com'],
    });
    expect(first.total).toBe(3);
    const merged = mergeUserData([first, second]);
    expect(merged.users.map((user) => user.username)).toEqual(['a@x.com', 'b@x.com', 'c@x.com']);
    expect(merged.groups).toEqual([{ name: 'G', members: ['a@x.com', 'c@x.com'] }]);
    expect(merged.invited).toEqual(['d@x.com']);
  });
});

describe('shared folders normalisation', () => {
  it('coerces 0/1, "0"/"1" and booleans, lists folders with their id', () => {
    expect(normaliseSharedFolders(GETSFDATA)).toEqual([
      {
        id: '5001',
        name: 'Shared-Engineering',
        score: 88.5,
        deleted: false,
        members: [{ username: 'ann@example.com', readOnly: false, give: true, canAdminister: true, superAdmin: false }],
      },
      {
        id: '5002',
        name: 'Shared-Finance',
        score: 40,
        deleted: false,
        members: [
          { username: 'bob@example.com', readOnly: true, give: false, canAdminister: false, superAdmin: false },
          { username: 'root@example.com', readOnly: true, give: true, canAdminister: true, superAdmin: true },
        ],
      },
    ]);
  });

  it('keeps sites of getdetailedsfdata and reads [] as no folders', () => {
    expect(normaliseSharedFolders(GETDETAILEDSFDATA)[0]?.members[0]?.sites).toEqual(['github.com', 'aws.amazon.com']);
    expect(normaliseSharedFolders([])).toEqual([]);
  });
});

describe('reporting normalisation', () => {
  it('reads the default Event1..N map in order with a null next', () => {
    const page = normaliseReportPage(REPORTING_PAGE);
    expect(page.next).toBeNull();
    expect(page.events).toEqual([
      {
        id: 'Event1',
        time: '2024-05-02 10:00:00',
        username: 'ann@example.com',
        ipAddress: '203.0.113.9',
        action: 'Failed Login Attempt',
        data: null,
      },
      {
        id: 'Event2',
        time: '2024-05-02 09:00:00',
        username: 'bob@example.com',
        ipAddress: '203.0.113.10',
        action: 'Deactivated User',
        data: 'cy@example.com',
      },
    ]);
  });

  it('reads the SIEM list with its ID', () => {
    const page = normaliseReportPage(REPORTING_SIEM);
    expect(page.events).toEqual([
      {
        id: '77',
        time: '2024-05-02 10:00:00',
        username: 'ann@example.com',
        ipAddress: '203.0.113.9',
        action: 'Make Admin',
        data: 'bob@example.com',
      },
    ]);
  });

  it('keeps a numeric or string next cursor as sent, and reads empty data as no events', () => {
    expect(normaliseReportPage({ status: 'OK', next: 1714658400123456, data: [] })).toEqual({
      events: [],
      next: 1714658400123456,
    });
    expect(normaliseReportPage({ status: 'OK', next: '2024-05-02 09:00:00.123456', data: {} }).next).toBe(
      '2024-05-02 09:00:00.123456',
    );
  });
});

describe('expiredmasterpwlist normalisation', () => {
  it('reads items with numeric ids and the continuation', () => {
    expect(normaliseExpiredPasswordPage(EXPIRED_PAGE_1)).toEqual({
      items: [{ userId: 11, username: 'ann@example.com', lastPasswordChange: '2023-01-01 00:00:00' }],
      continuationToken: 'tok-2',
      remaining: 1,
    });
    expect(normaliseExpiredPasswordPage(EXPIRED_PAGE_2)).toEqual({
      items: [{ userId: 12, username: 'bob@example.com', lastPasswordChange: '2023-02-01 00:00:00' }],
      continuationToken: null,
      remaining: 0,
    });
  });
});
