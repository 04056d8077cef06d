import { describe, expect, it } from 'vitest';

import { addUsers, seedActive, startHarness, stateOf, userOf } from './support/harness.ts';

describe('deluser', () => {
  it('0 deactivates: login blocked, data and memberships kept, still listed as disabled', async () => {
    const h = await startHarness();
    await seedActive(h, { username: 'a@x.io', groups: ['G'] });
    expect(await h.apiJson('deluser', { username: 'a@x.io', deleteaction: 0 })).toEqual({ status: 'OK' });
    expect(await userOf(h, 'a@x.io')).toMatchObject({ deactivated: true, disabled: true, groups: ['G'], active: true });
    const data = await h.apiJson<{ Users: Record<string, { disabled: boolean }> }>('getuserdata', { disabled: 1 });
    expect(Object.values(data.Users).map((u) => u.disabled)).toEqual([true]);
    expect((await h.control('/_simulator/users/login', { username: 'a@x.io' }).catch((e: Error) => e.message)) as string).toContain('409');
  });

  it('1 removes from the company and 2 deletes: both leave the listing and the groups', async () => {
    const h = await startHarness();
    await seedActive(h, { username: 'rm@x.io', groups: ['G'] }, { username: 'del@x.io', groups: ['G'] }, 'stay@x.io');
    expect(await h.apiJson('deluser', { username: 'rm@x.io', deleteaction: 1 })).toEqual({ status: 'OK' });
    expect(await h.apiJson('deluser', { username: 'del@x.io', deleteaction: '2' })).toEqual({ status: 'OK' });
    const data = await h.apiJson<{ total: number }>('getuserdata', 'all');
    expect(data.total).toBe(1);
    const state = await stateOf(h);
    expect(state.users.map((u) => [u.username, u.status, u.removed, u.deleted])).toEqual([
      ['stay@x.io', 'active', false, false],
      ['rm@x.io', 'removed', true, false],
      ['del@x.io', 'deleted', false, true],
    ]);
    expect(state.groups).toEqual([{ name: 'G', members: [] }]);
  });

  it('3 uninvites a pending invitation but refuses an accepted user', async () => {
    const h = await startHarness();
    await addUsers(h, 'pending@x.io');
    await seedActive(h, 'active@x.io');
    expect(await h.apiJson('deluser', { username: 'pending@x.io', deleteaction: 3 })).toEqual({ status: 'OK' });
    expect((await userOf(h, 'pending@x.io'))?.uninvited).toBe(true);
    expect(await h.apiJson('deluser', { username: 'active@x.io', deleteaction: 3 })).toEqual({
      status: 'FAIL',
      errors: ['active@x.io has already accepted the invitation; uninvite (3) applies to pending invitations only'],
    });
    expect((await userOf(h, 'active@x.io'))?.active).toBe(true);
  });

  it('refuses an unknown user, a second delete, and a missing or invalid deleteaction', async () => {
    const h = await startHarness();
    await seedActive(h, 'a@x.io');
    expect(await h.apiJson('deluser', { username: 'ghost@x.io', deleteaction: 2 })).toEqual({
      status: 'FAIL',
      errors: ['ghost@x.io does not exist'],
    });
    expect(await h.apiJson('deluser', { username: 'a@x.io' })).toEqual({ status: 'FAIL', errors: ['deleteaction must be 0, 1, 2 or 3'] });
    expect(await h.apiJson('deluser', { username: 'a@x.io', deleteaction: 4 })).toEqual({
      status: 'FAIL',
      errors: ['deleteaction must be 0, 1, 2 or 3'],
    });
    await h.apiJson('deluser', { username: 'a@x.io', deleteaction: 2 });
    expect(await h.apiJson('deluser', { username: 'a@x.io', deleteaction: 2 })).toEqual({
      status: 'FAIL',
      errors: ['a@x.io does not exist'],
    });
  });
});
