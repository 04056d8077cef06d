import { describe, expect, it } from 'vitest';

import { addUsers, emailsOf, seedActive, startHarness, userOf } from './support/harness.ts';

describe('updateemail', () => {
  it('stays pending, the user listed under the old email, until the user confirms', async () => {
    const h = await startHarness();
    await seedActive(h, { username: 'old@x.io', groups: ['G'] });
    expect(await h.apiJson('updateemail', { oldemail: 'old@x.io', newemail: 'New@x.io' })).toEqual({ status: 'OK' });
    expect((await userOf(h, 'old@x.io'))?.pendingEmail).toBe('new@x.io');
    const before = await h.apiJson<{ Users: Record<string, { username: string }> }>('getuserdata', 'all');
    expect(Object.values(before.Users).map((u) => u.username)).toEqual(['old@x.io']);
    expect((await emailsOf(h)).map((e) => [e.to, e.kind])).toEqual([['new@x.io', 'email-change-confirmation']]);

    await h.control('/_simulator/users/confirm-email', { username: 'old@x.io' });
    const after = await h.apiJson<{ Users: Record<string, { username: string; groups: string[] }> }>('getuserdata', 'all');
    expect(Object.values(after.Users).map((u) => [u.username, u.groups])).toEqual([['new@x.io', ['G']]]);
    expect(await h.apiJson('updateemail', { oldemail: 'old@x.io', newemail: 'x@x.io' })).toEqual({
      status: 'FAIL',
      errors: ['old@x.io does not exist'],
    });
  });

  it('completes on the next login with the old username (LP-email)', async () => {
    const h = await startHarness();
    await seedActive(h, 'old@x.io');
    await h.apiJson('updateemail', { oldemail: 'old@x.io', newemail: 'new@x.io' });
    await h.control('/_simulator/users/login', { username: 'old@x.io' });
    expect(await userOf(h, 'new@x.io')).toMatchObject({ username: 'new@x.io', pendingEmail: null });
  });

  it('refuses an account not yet activated, an address in use, and the same address', async () => {
    const h = await startHarness();
    await addUsers(h, 'invited@x.io');
    await seedActive(h, 'a@x.io', 'b@x.io', 'c@x.io');
    expect(await h.apiJson('updateemail', { oldemail: 'invited@x.io', newemail: 'n@x.io' })).toEqual({
      status: 'FAIL',
      errors: ['invited@x.io has not activated the account yet'],
    });
    expect(await h.apiJson('updateemail', { oldemail: 'a@x.io', newemail: 'b@x.io' })).toEqual({
      status: 'FAIL',
      errors: ['b@x.io is already in use'],
    });
    await h.apiJson('updateemail', { oldemail: 'a@x.io', newemail: 'taken@x.io' });
    expect(await h.apiJson('updateemail', { oldemail: 'c@x.io', newemail: 'taken@x.io' })).toEqual({
      status: 'FAIL',
      errors: ['taken@x.io is already in use'],
    });
    expect(await h.apiJson('updateemail', { oldemail: 'c@x.io', newemail: 'C@x.io' })).toEqual({
      status: 'FAIL',
      errors: ['newemail is the current email'],
    });
    expect(await h.apiJson('updateemail', { oldemail: 'c@x.io' })).toEqual({
      status: 'FAIL',
      errors: ['data must be {"oldemail": <email>, "newemail": <email>}'],
    });
  });

  it('keeps the change pending when another user took the new address before confirmation', async () => {
    const h = await startHarness();
    await seedActive(h, 'old@x.io');
    await h.apiJson('updateemail', { oldemail: 'old@x.io', newemail: 'new@x.io' });
    await seedActive(h, 'new@x.io');
    const res = await h.controlRaw('POST', '/_simulator/users/confirm-email', { username: 'old@x.io' });
    expect(res.status).toBe(409);
    expect((await userOf(h, 'old@x.io'))?.pendingEmail).toBe('new@x.io');
    expect((await userOf(h, 'new@x.io'))?.username).toBe('new@x.io');
  });

  it('enforces the published 10 per second per old email', async () => {
    const h = await startHarness();
    await seedActive(h, 'a@x.io');
    const answers = [];
    for (let i = 0; i < 11; i++) answers.push(await h.apiJson<{ status: string; errors?: string[] }>('updateemail', { oldemail: 'a@x.io', newemail: `n${i}@x.io` }));
    expect(answers.slice(0, 10).every((a) => a.status === 'OK')).toBe(true);
    expect(answers[10]).toEqual({ status: 'FAIL', errors: [expect.stringMatching(/^too many email changes/) as unknown] });
    expect((await userOf(h, 'a@x.io'))?.pendingEmail).toBe('n9@x.io');
  });
});
