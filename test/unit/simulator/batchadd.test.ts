import { describe, expect, it } from 'vitest';

import { addUsers, emailsOf, PROVHASH, startHarness, stateOf, userOf } from './support/harness.ts';

describe('batchadd', () => {
  it('creates invited users with their groups and attributes, and sends one invitation each', async () => {
    const h = await startHarness();
    const answer = await h.api('batchadd', [
      {
        username: 'Ada@Example.com',
        fullname: 'Ada Lovelace',
        groups: ['Engineering', 'London'],
        attribs: { Department: 'R&D', EmployeeNumber: '17' },
        duousername: 'ada',
        password: 'Initial-Pass-1',
        password_reset_required: true,
      },
      { username: 'bob@example.com' },
    ]);
    expect(answer.text).toBe('{"status":"OK"}');
    const ada = await userOf(h, 'ada@example.com');
    expect(ada).toMatchObject({
      username: 'ada@example.com',
      fullname: 'Ada Lovelace',
      status: 'invited',
      invited: true,
      active: false,
      groups: ['Engineering', 'London'],
      attribs: { Department: 'R&D', EmployeeNumber: '17' },
      duousername: 'ada',
      passwordResetRequired: true,
    });
    const emails = await emailsOf(h);
    expect(emails.map((e) => [e.to, e.kind])).toEqual([
      ['ada@example.com', 'invitation'],
      ['bob@example.com', 'invitation'],
    ]);
    const state = await stateOf(h);
    expect(state.groups).toEqual([
      { name: 'Engineering', members: ['ada@example.com'] },
      { name: 'London', members: ['ada@example.com'] },
    ]);
  });

  it('upserts an existing user by default: fields replaced, attribs merged, groups only added, no new invitation', async () => {
    const h = await startHarness();
    await h.api('batchadd', [{ username: 'c@example.com', fullname: 'Old', groups: ['A'], attribs: { k1: 'v1' } }]);
    await h.apiJson('disableuser', ['c@example.com']);
    const answer = await h.apiJson('batchadd', [{ username: 'C@example.com', fullname: 'New', groups: ['B'], attribs: { k2: 'v2' } }]);
    expect(answer).toEqual({ status: 'OK' });
    const user = await userOf(h, 'c@example.com');
    expect(user).toMatchObject({ fullname: 'New', groups: ['A', 'B'], attribs: { k1: 'v1', k2: 'v2' } });
    expect(user?.disabled).toBe(true); // an upsert does not re-enable
    expect((await emailsOf(h)).length).toBe(1);
    expect((await stateOf(h)).users.length).toBe(1);
  });

  it('can instead ignore or refuse an existing user (behaviour.batchaddExisting)', async () => {
    const ignoring = await startHarness({ behaviour: { batchaddExisting: 'ignore' } });
    await ignoring.api('batchadd', [{ username: 'd@example.com', fullname: 'First' }]);
    expect(await ignoring.apiJson('batchadd', [{ username: 'd@example.com', fullname: 'Second' }])).toEqual({ status: 'OK' });
    expect((await userOf(ignoring, 'd@example.com'))?.fullname).toBe('First');

    const refusing = await startHarness({ behaviour: { batchaddExisting: 'error' } });
    await addUsers(refusing, 'd@example.com');
    expect(await refusing.apiJson('batchadd', [{ username: 'd@example.com' }, { username: 'e@example.com' }])).toEqual({
      status: 'FAIL',
      errors: ['d@example.com already exists'],
    });
    expect(await userOf(refusing, 'e@example.com')).toMatchObject({ invited: true });
  });

  it('applies the valid entries of a batch and lists the refused ones under FAIL', async () => {
    const h = await startHarness();
    const answer = await h.apiJson('batchadd', [
      { username: 'ok@example.com' },
      { username: 'not-an-email' },
      { username: 'g@example.com', groups: 'Sales' },
      { username: 'p@example.com', password_reset_required: 'false' },
      'x',
    ]);
    expect(answer).toEqual({
      status: 'FAIL',
      errors: [
        'entry 1: username must be an email address',
        'g@example.com: groups must be an array of group names',
        'p@example.com: password_reset_required must be true or false',
        'entry 4: each user must be an object',
      ],
    });
    expect((await stateOf(h)).users.map((u) => u.username)).toEqual(['ok@example.com']);
  });

  it('refuses data that is not a non-empty array', async () => {
    const h = await startHarness();
    for (const data of [undefined, {}, [], { username: 'a@example.com' }]) {
      expect(await h.apiJson('batchadd', data)).toEqual({ status: 'FAIL', errors: ['data must be a non-empty array of users'] });
    }
  });

  it('refuses unknown groups when group auto-creation is off', async () => {
    const h = await startHarness({ behaviour: { autoCreateGroups: false } });
    await h.control('/_simulator/groups', { names: ['Known'] });
    const answer = await h.apiJson('batchadd', [
      { username: 'a@example.com', groups: ['Known'] },
      { username: 'b@example.com', groups: ['Known', 'Typo'] },
    ]);
    expect(answer).toEqual({ status: 'FAIL', errors: ['b@example.com: group "Typo" does not exist'] });
    expect(await userOf(h, 'b@example.com')).toBeUndefined();
  });

  it('refuses a batch above the configured maximum and applies none of it', async () => {
    const h = await startHarness({ faults: { batchMax: { batchadd: 2 } } });
    const answer = await h.apiJson('batchadd', [{ username: 'a@x.io' }, { username: 'b@x.io' }, { username: 'c@x.io' }]);
    expect(answer).toEqual({ status: 'FAIL', errors: ['too many entries for batchadd: 3 given, at most 2 per call'] });
    expect((await stateOf(h)).users).toEqual([]);
  });

  it('never shows the default password or the provisioning hash in the call log', async () => {
    const h = await startHarness();
    await h.api('batchadd', [{ username: 'a@example.com', password: 'Secret-Default-9' }]);
    const raw = await (await fetch(`${h.sim.url}/_simulator/calls`)).text();
    expect(raw).not.toContain('Secret-Default-9');
    expect(raw).not.toContain(PROVHASH);
    expect(raw).toContain('"password":"********"');
  });

  it('recreates a deleted user as a new invited account with a new id', async () => {
    const h = await startHarness();
    await addUsers(h, 'r@example.com');
    const first = await userOf(h, 'r@example.com');
    await h.apiJson('deluser', { username: 'r@example.com', deleteaction: 2 });
    await addUsers(h, 'r@example.com');
    const again = await userOf(h, 'r@example.com');
    expect(again?.invited).toBe(true);
    expect(again?.id).not.toBe(first?.id);
    expect((await emailsOf(h, '?to=r@example.com')).length).toBe(2);
  });
});
