import { describe, expect, it } from 'vitest';

import { seedActive, startHarness } from './support/harness.ts';

const FOLDERS = {
  folders: [
    {
      id: 5001,
      name: 'Shared-Finance',
      score: 72.5,
      users: [
        { username: 'Fin@x.io', readonly: true, give: false, sites: ['bank.example', 'tax.example'] },
        { username: 'boss@x.io', canAdminister: true },
      ],
    },
    { name: 'Shared-Old', deleted: true },
  ],
};

describe('getsfdata and getdetailedsfdata', () => {
  it('answer [] when the account has no shared folders', async () => {
    const h = await startHarness();
    expect((await h.api('getsfdata', 'all')).text).toBe('[]');
    expect((await h.api('getdetailedsfdata', 'all')).text).toBe('[]');
  });

  it('list seeded folders keyed by id with "0"/"1" flags and no status key', async () => {
    const h = await startHarness();
    await h.control('/_simulator/shared-folders', FOLDERS);
    expect(await h.apiJson('getsfdata', 'all')).toEqual({
      '5001': {
        sharedfoldername: 'Shared-Finance',
        score: 72.5,
        deleted: false,
        users: [
          { username: 'fin@x.io', readonly: '1', give: '0', can_administer: '0', superadmin: false },
          { username: 'boss@x.io', readonly: '0', give: '1', can_administer: '1', superadmin: false },
        ],
      },
      '100001': { sharedfoldername: 'Shared-Old', score: 0, deleted: true, users: [] },
    });
  });

  it('add sites per member in the detailed listing, and 0/1 numbers when configured', async () => {
    const h = await startHarness({ behaviour: { sharedFolderFlags: 'number' } });
    await h.control('/_simulator/shared-folders', FOLDERS);
    const detailed = await h.apiJson<Record<string, { users: Array<Record<string, unknown>> }>>('getdetailedsfdata', 'all');
    expect(detailed['5001']?.users[0]).toEqual({
      username: 'fin@x.io',
      readonly: 1,
      give: 0,
      can_administer: 0,
      superadmin: false,
      sites: ['bank.example', 'tax.example'],
    });
  });

  it('also list super admins in every folder, and drop members who leave the company', async () => {
    const h = await startHarness();
    await seedActive(h, 'fin@x.io', { username: 'root@x.io', superadmin: true });
    await h.control('/_simulator/shared-folders', { folders: [FOLDERS.folders[0]] });
    await h.apiJson('deluser', { username: 'fin@x.io', deleteaction: 1 });
    const data = await h.apiJson<Record<string, { users: Array<{ username: string; superadmin: boolean }> }>>('getsfdata');
    expect(data['5001']?.users.map((u) => [u.username, u.superadmin])).toEqual([
      ['boss@x.io', false],
      ['root@x.io', true],
    ]);
  });

  it('refuses malformed seeds with every problem listed', async () => {
    const h = await startHarness();
    const res = await h.controlRaw('POST', '/_simulator/shared-folders', { folders: [{ id: 'abc', users: [{ readonly: 'yes' }] }] });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { problems: string[] };
    expect(body.problems).toEqual([
      'folders[0].name must be a string',
      'folders[0].id must be numeric (LastPass folder ids are)',
      'folders[0].users[0].username must be a string',
      'folders[0].users[0].readonly must be true or false (got "yes")',
    ]);
  });
});
