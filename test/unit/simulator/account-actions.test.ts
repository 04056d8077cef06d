import { describe, expect, it } from 'vitest';

import { addUsers, emailsOf, seedActive, startHarness, userOf } from './support/harness.ts';

describe('single-user commands', () => {
  it('reinviteuser sends another invitation to an invited user and refuses an accepted one', async () => {
    const h = await startHarness();
    await addUsers(h, 'inv@x.io');
    await seedActive(h, 'act@x.io');
    expect(await h.apiJson('reinviteuser', { username: 'inv@x.io' })).toEqual({ status: 'OK' });
    expect(await h.apiJson('reinviteuser', { username: 'act@x.io' })).toEqual({
      status: 'FAIL',
      errors: ['act@x.io has already accepted the invitation'],
    });
    expect((await emailsOf(h, '?to=inv@x.io')).map((e) => e.kind)).toEqual(['invitation', 'reinvitation']);
  });

  it('resetpassword emails an active user and refuses an invited or disabled one', async () => {
    const h = await startHarness();
    await addUsers(h, 'inv@x.io');
    await seedActive(h, 'act@x.io', { username: 'off@x.io', disabled: true });
    expect(await h.apiJson('resetpassword', { username: 'act@x.io' })).toEqual({ status: 'OK' });
    expect(await h.apiJson('resetpassword', { username: 'inv@x.io' })).toEqual({
      status: 'FAIL',
      errors: ['inv@x.io has not activated the account yet'],
    });
    expect(await h.apiJson('resetpassword', { username: 'off@x.io' })).toEqual({ status: 'FAIL', errors: ['off@x.io is disabled'] });
    expect((await emailsOf(h, '?kind=password-reset')).map((e) => e.to)).toEqual(['act@x.io']);
  });

  it('requiremasterpasswordchange sets password_reset_required', async () => {
    const h = await startHarness();
    await seedActive(h, 'a@x.io');
    expect(await h.apiJson('requiremasterpasswordchange', { username: 'a@x.io' })).toEqual({ status: 'OK' });
    const data = await h.apiJson<{ Users: Record<string, { password_reset_required: boolean }> }>('getuserdata', 'all');
    expect(Object.values(data.Users)[0]?.password_reset_required).toBe(true);
  });

  it('disablemultifactor clears the MFA method (and is OK when none is set)', async () => {
    const h = await startHarness();
    await seedActive(h, { username: 'a@x.io', multifactor: 'lastpassauth' });
    expect(await h.apiJson('disablemultifactor', { username: 'a@x.io' })).toEqual({ status: 'OK' });
    expect((await userOf(h, 'a@x.io'))?.multifactor).toBeNull();
    expect(await h.apiJson('disablemultifactor', { username: 'a@x.io' })).toEqual({ status: 'OK' });
  });

  it('updateuser changes fullname, duousername and securidusername only', async () => {
    const h = await startHarness();
    await seedActive(h, { username: 'a@x.io', groups: ['G'] });
    const answer = await h.apiJson('updateuser', {
      username: 'a@x.io',
      fullname: 'Renamed',
      duousername: 'duo-a',
      securidusername: 'sid-a',
      admin: true,
      groups: [],
    });
    expect(answer).toEqual({ status: 'OK' });
    expect(await userOf(h, 'a@x.io')).toMatchObject({
      fullname: 'Renamed',
      duousername: 'duo-a',
      securidusername: 'sid-a',
      admin: false,
      groups: ['G'],
    });
    expect(await h.apiJson('updateuser', { username: 'a@x.io', fullname: 7 })).toEqual({
      status: 'FAIL',
      errors: ['fullname must be a string'],
    });
  });

  it.each(['reinviteuser', 'resetpassword', 'requiremasterpasswordchange', 'disablemultifactor', 'updateuser'])(
    '%s refuses an unknown user and a missing username',
    async (cmd) => {
      const h = await startHarness();
      expect(await h.apiJson(cmd, { username: 'ghost@x.io' })).toEqual({ status: 'FAIL', errors: ['ghost@x.io does not exist'] });
      expect(await h.apiJson(cmd, {})).toEqual({ status: 'FAIL', errors: ['data must be {"username": <email>}'] });
    },
  );
});
