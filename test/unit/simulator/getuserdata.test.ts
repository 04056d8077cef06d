import { describe, expect, it } from 'vitest';

import { addUsers, seedActive, startHarness } from './support/harness.ts';

interface UserData {
  total: number;
  count: number;
  Users: Record<string, Record<string, unknown>> | [];
  Groups: Record<string, string[]> | [];
  invited?: string[];
}

const EASTERN = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

describe('getuserdata', () => {
  it('answers an empty account with PHP-style empty arrays and no status key', async () => {
    const h = await startHarness();
    for (const data of [undefined, null, 'all', '', {}]) {
      expect((await h.api('getuserdata', data)).text).toBe('{"total":0,"count":0,"Users":[],"Groups":[]}');
    }
  });

  it('lists a never-logged-in user with nulls, "" last_login, string numbers, and in invited', async () => {
    const h = await startHarness();
    await h.api('batchadd', [{ username: 'new@example.com', fullname: 'New Person' }]);
    const data = await h.apiJson<UserData>('getuserdata', 'all');
    expect(data.invited).toEqual(['new@example.com']);
    expect(data.Users).toEqual({
      '4200001': {
        username: 'new@example.com',
        fullname: 'New Person',
        mpstrength: '0',
        created: expect.stringMatching(EASTERN) as unknown,
        last_pw_change: '',
        last_login: '',
        neverloggedin: true,
        disabled: false,
        admin: false,
        totalscore: null,
        legacytotalscore: null,
        hasSharingKeys: false,
        multifactor: null,
        duousername: null,
        sites: null,
        notes: null,
        formfills: null,
        applications: null,
        attachments: null,
        password_reset_required: false,
      },
    });
  });

  it('shows an accepted user as logged in, with string scores, counts and groups, and no longer invited', async () => {
    const h = await startHarness();
    await h.api('batchadd', [{ username: 'a@example.com', groups: ['Ops'] }]);
    await h.control('/_simulator/users/accept', { username: 'a@example.com' });
    const data = await h.apiJson<UserData>('getuserdata', { username: 'a@example.com' });
    expect(data.invited).toBeUndefined();
    const user = (data.Users as Record<string, Record<string, unknown>>)['4200001'];
    expect(user).toMatchObject({ neverloggedin: false, mpstrength: '75', totalscore: '0', sites: 0, groups: ['Ops'] });
    expect(user?.last_login).toMatch(EASTERN);
    expect(data.Groups).toEqual({ Ops: ['a@example.com'] });
  });

  it('filters by username (case-insensitive), disabled and admin, and answers Users [] for an unknown username', async () => {
    const h = await startHarness();
    await seedActive(h, 'a@example.com', { username: 'boss@example.com', admin: true }, 'c@example.com');
    await h.apiJson('disableuser', ['c@example.com']);
    const names = (d: UserData) => Object.values(d.Users).map((u) => (u as { username: string }).username);
    expect(names(await h.apiJson<UserData>('getuserdata', { username: 'A@EXAMPLE.COM' }))).toEqual(['a@example.com']);
    expect(names(await h.apiJson<UserData>('getuserdata', { disabled: 1 }))).toEqual(['c@example.com']);
    expect(names(await h.apiJson<UserData>('getuserdata', { admin: '1' }))).toEqual(['boss@example.com']);
    expect(names(await h.apiJson<UserData>('getuserdata', { disabled: 0 }))).toHaveLength(3);
    expect((await h.api('getuserdata', { username: 'ghost@example.com' })).text).toBe(
      '{"total":0,"count":0,"Users":[],"Groups":[]}',
    );
  });

  it('pages with pagesize and a 0-based pageindex, reporting total and count', async () => {
    const h = await startHarness();
    await addUsers(h, 'u1@x.io', 'u2@x.io', 'u3@x.io', 'u4@x.io', 'u5@x.io');
    const page = (index: number) => h.apiJson<UserData>('getuserdata', { pagesize: 2, pageindex: index });
    const pages = await Promise.all([0, 1, 2, 3].map(page));
    expect(pages.map((p) => [p.total, p.count])).toEqual([
      [5, 2],
      [5, 2],
      [5, 1],
      [5, 0],
    ]);
    expect(Object.keys(pages[0]?.Users ?? {})).toEqual(['4200001', '4200002']);
    expect(Object.keys(pages[2]?.Users ?? {})).toEqual(['4200005']);
    expect(pages[3]?.Users).toEqual([]);
    expect(pages[1]?.invited).toEqual(['u3@x.io', 'u4@x.io']);
    // numeric strings are read as PHP would
    expect((await h.apiJson<UserData>('getuserdata', { pagesize: '2', pageindex: '1' })).count).toBe(2);
  });

  it('restricts Groups to the users of the page', async () => {
    const h = await startHarness();
    await h.api('batchadd', [
      { username: 'a@x.io', groups: ['G1'] },
      { username: 'b@x.io', groups: ['G2'] },
    ]);
    expect((await h.apiJson<UserData>('getuserdata', { pagesize: 1, pageindex: 1 })).Groups).toEqual({ G2: ['b@x.io'] });
  });

  it('refuses bad paging values and cuts pages to maxPageSize when configured', async () => {
    const h = await startHarness({ behaviour: { maxPageSize: 2 } });
    expect(await h.apiJson('getuserdata', { pagesize: 0 })).toEqual({ status: 'FAIL', errors: ['pagesize must be a positive integer'] });
    expect(await h.apiJson('getuserdata', { pagesize: 5, pageindex: -1 })).toEqual({
      status: 'FAIL',
      errors: ['pageindex must be an integer from 0'],
    });
    await addUsers(h, 'a@x.io', 'b@x.io', 'c@x.io');
    const data = await h.apiJson<UserData>('getuserdata', { pagesize: 1000, pageindex: 0 });
    expect([data.total, data.count]).toEqual([3, 2]);
  });

  it('can list invited users only under invited (behaviour.invitedInUsers = false)', async () => {
    const h = await startHarness({ behaviour: { invitedInUsers: false } });
    await addUsers(h, 'inv@x.io');
    await seedActive(h, 'act@x.io');
    const data = await h.apiJson<UserData>('getuserdata', 'all');
    expect(data.total).toBe(1);
    expect(Object.values(data.Users).map((u) => (u as { username: string }).username)).toEqual(['act@x.io']);
    expect(data.invited).toEqual(['inv@x.io']);
  });

  it('omits groups for a user without any', async () => {
    const h = await startHarness();
    await addUsers(h, 'solo@x.io');
    const data = await h.apiJson<UserData>('getuserdata', 'all');
    expect(Object.keys((data.Users as Record<string, object>)['4200001'] ?? {})).not.toContain('groups');
  });
});
