import { describe, expect, it } from 'vitest';

import { seedActive, startHarness, stateOf, userOf } from './support/harness.ts';

describe('batchchangegrp', () => {
  it('adds and removes memberships, creating unknown groups, and answers OK', async () => {
    const h = await startHarness();
    await seedActive(h, { username: 'a@x.io', groups: ['Old'] }, 'b@x.io');
    const answer = await h.api('batchchangegrp', [
      { username: 'a@x.io', add: ['New'], del: ['Old'] },
      { username: 'b@x.io', add: ['New'] },
    ]);
    expect(answer.text).toBe('{"status":"OK"}');
    expect((await userOf(h, 'a@x.io'))?.groups).toEqual(['New']);
    expect((await stateOf(h)).groups).toEqual([
      { name: 'Old', members: [] },
      { name: 'New', members: ['a@x.io', 'b@x.io'] },
    ]);
  });

  it('treats adding an existing membership or deleting a missing one as a no-op', async () => {
    const h = await startHarness();
    await seedActive(h, { username: 'a@x.io', groups: ['G'] });
    expect(await h.apiJson('batchchangegrp', [{ username: 'a@x.io', add: ['G'], del: ['Nope'] }])).toEqual({ status: 'OK' });
    expect((await userOf(h, 'a@x.io'))?.groups).toEqual(['G']);
  });

  it('answers WARN with "<email> does not exist" when some users are unknown', async () => {
    const h = await startHarness();
    await seedActive(h, 'a@x.io');
    expect(
      await h.apiJson('batchchangegrp', [
        { username: 'a@x.io', add: ['G'] },
        { username: 'ghost@x.io', add: ['G'] },
      ]),
    ).toEqual({ status: 'WARN', errors: ['ghost@x.io does not exist'] });
    expect((await userOf(h, 'a@x.io'))?.groups).toEqual(['G']);
  });

  it('answers FAIL when no entry applies', async () => {
    const h = await startHarness();
    await seedActive(h, 'a@x.io');
    expect(
      await h.apiJson('batchchangegrp', [
        { username: 'ghost@x.io', del: ['G'] },
        { username: 'a@x.io' },
        { username: 'a@x.io', add: ['G'], del: ['G'] },
        { username: 'a@x.io', add: 'G' },
      ]),
    ).toEqual({
      status: 'FAIL',
      errors: [
        'ghost@x.io does not exist',
        'a@x.io: neither add nor del names a group',
        'a@x.io: group "G" is in both add and del',
        'a@x.io: add and del must be arrays of group names',
      ],
    });
    expect(await h.apiJson('batchchangegrp', [])).toEqual({
      status: 'FAIL',
      errors: ['data must be a non-empty array of {username, add, del}'],
    });
  });

  it('refuses unknown groups when auto-creation is off, and batches above the maximum', async () => {
    const h = await startHarness({ behaviour: { autoCreateGroups: false }, faults: { batchMax: 2 } });
    await seedActive(h, 'a@x.io', 'b@x.io');
    await h.control('/_simulator/groups', { names: ['Known'] });
    expect(
      await h.apiJson('batchchangegrp', [
        { username: 'a@x.io', add: ['Known'] },
        { username: 'b@x.io', add: ['Unknown'] },
      ]),
    ).toEqual({ status: 'WARN', errors: ['b@x.io: group "Unknown" does not exist'] });
    const three = ['a@x.io', 'b@x.io', 'a@x.io'].map((username) => ({ username, add: ['Known'] }));
    expect(await h.apiJson('batchchangegrp', three)).toEqual({
      status: 'FAIL',
      errors: ['too many entries for batchchangegrp: 3 given, at most 2 per call'],
    });
  });
});
