import { describe, expect, it } from 'vitest';

import { seedActive, startHarness, userOf } from './support/harness.ts';

describe('disableuser and enableuser', () => {
  it('disables, then lists an already-disabled user under unchanged_users', async () => {
    const h = await startHarness();
    await seedActive(h, 'a@x.io', 'b@x.io');
    expect((await h.api('disableuser', ['a@x.io'])).text).toBe('{"status":"success","disabled_users":["a@x.io"]}');
    expect(await h.apiJson('disableuser', ['A@x.io', 'b@x.io'])).toEqual({
      status: 'success',
      disabled_users: ['b@x.io'],
      unchanged_users: ['a@x.io'],
    });
    expect(await userOf(h, 'a@x.io')).toMatchObject({ disabled: true, disabledByAdmin: true });
  });

  it('re-enables, and lists an enabled user under unchanged_users', async () => {
    const h = await startHarness();
    await seedActive(h, 'a@x.io', 'b@x.io');
    await h.apiJson('disableuser', ['a@x.io']);
    expect(await h.apiJson('enableuser', ['a@x.io', 'b@x.io'])).toEqual({
      status: 'success',
      enabled_users: ['a@x.io'],
      unchanged_users: ['b@x.io'],
    });
    expect((await userOf(h, 'a@x.io'))?.disabled).toBe(false);
  });

  it('names unknown users in error (partial) and FAILs when no user is known', async () => {
    const h = await startHarness();
    await seedActive(h, 'a@x.io');
    expect(await h.apiJson('disableuser', ['a@x.io', 'ghost@x.io'])).toEqual({
      status: 'success',
      disabled_users: ['a@x.io'],
      error: 'ghost@x.io does not exist',
    });
    expect(await h.apiJson('enableuser', ['g1@x.io', 'g2@x.io'])).toEqual({ status: 'FAIL', error: 'g1@x.io, g2@x.io do not exist' });
  });

  it('can list unknown users under unchanged_users instead (behaviour.unknownUsersInUnchanged)', async () => {
    const h = await startHarness({ behaviour: { unknownUsersInUnchanged: true } });
    expect(await h.apiJson('disableuser', ['ghost@x.io'])).toEqual({ status: 'success', unchanged_users: ['ghost@x.io'] });
  });

  it('does not lift a deluser deleteaction 0 deactivation unless configured', async () => {
    const strict = await startHarness();
    await seedActive(strict, 'a@x.io');
    await strict.apiJson('deluser', { username: 'a@x.io', deleteaction: 0 });
    expect(await strict.apiJson('enableuser', ['a@x.io'])).toEqual({ status: 'success', unchanged_users: ['a@x.io'] });
    expect((await userOf(strict, 'a@x.io'))?.disabled).toBe(true);

    const lenient = await startHarness({ behaviour: { enableReversesDeactivate: true } });
    await seedActive(lenient, 'a@x.io');
    await lenient.apiJson('deluser', { username: 'a@x.io', deleteaction: 0 });
    expect(await lenient.apiJson('enableuser', ['a@x.io'])).toEqual({ status: 'success', enabled_users: ['a@x.io'] });
  });

  it('refuses data that is not a non-empty array of strings, and batches above the maximum', async () => {
    const h = await startHarness({ faults: { batchMax: { disableuser: 1 } } });
    await seedActive(h, 'a@x.io', 'b@x.io');
    const bad = { status: 'FAIL', error: 'data must be a non-empty array of email addresses' };
    expect(await h.apiJson('disableuser', 'a@x.io')).toEqual(bad);
    expect(await h.apiJson('enableuser', [])).toEqual(bad);
    expect(await h.apiJson('enableuser', [{ username: 'a@x.io' }])).toEqual(bad);
    expect(await h.apiJson('disableuser', ['a@x.io', 'b@x.io'])).toEqual({
      status: 'FAIL',
      error: 'too many entries for disableuser: 2 given, at most 1 per call',
    });
    expect((await userOf(h, 'a@x.io'))?.disabled).toBe(false);
  });
});
