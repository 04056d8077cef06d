import { describe, expect, it } from 'vitest';

import { runCli, startSim, tableRows, type Sim } from './support/lastpass-cli.ts';
import { CHILD_PROCESS_TEST_TIMEOUT_MS } from '../../support/lpprov-cli.ts';

async function seedDirectory(h: Sim): Promise<void> {
  await h.control('/users', {
    users: [
      { username: 'alice@x.io', fullname: 'Alice Archer', groups: ['Finance', 'Engineering'], lastLogin: '2024-03-01T15:30:00Z' },
      { username: 'bob@x.io', status: 'invited', groups: ['Engineering'] },
      { username: 'carol@x.io', fullname: 'Carol Cole', admin: true, disabled: true, multifactor: 'duo' },
      { username: 'dave@x.io', admin: true, multifactor: 'lastpassauth', groups: ['Engineering'] },
    ],
  });
}

interface JsonUser {
  id: string | null;
  username: string;
  status: string;
  admin: boolean;
  groups: string[];
  lastLogin: string | null;
  multifactor: string | null;
}

describe('lpprov lastpass users', { concurrent: true, timeout: CHILD_PROCESS_TEST_TIMEOUT_MS }, () => {
  it('lists every user as a table with status, admin, groups, last login (US/Eastern) and MFA', async (ctx) => {
    const h = await startSim(ctx);
    await seedDirectory(h);
    const { code, stdout, stderr } = await runCli(['users'], h.env);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toMatch(/^USERNAME +NAME +STATUS +ADMIN +GROUPS +LAST LOGIN \(US\/EASTERN\) +MFA$/);
    const rows = tableRows(stdout);
    expect(rows.map((row) => row.slice(0, 5))).toEqual([
      ['alice@x.io', 'Alice Archer', 'active', '', 'Finance, Engineering'],
      ['bob@x.io', '', 'invited', '', 'Engineering'],
      ['carol@x.io', 'Carol Cole', 'disabled', 'yes', ''],
      ['dave@x.io', '', 'active', 'yes', 'Engineering'],
    ]);
    expect(rows[0]?.[5]).toBe('2024-03-01 10:30:00'); // 15:30 UTC is 10:30 EST
    expect(rows[1]?.[5]).toBe('never');
    expect(rows.map((row) => row[6])).toEqual(['-', '-', 'duo', 'lastpassauth']);
    expect(stdout).toContain('4 users: 2 active, 1 invited, 1 disabled');
  });

  it('filters with --disabled and --admin, and prints JSON with --json', async (ctx) => {
    const h = await startSim(ctx);
    await seedDirectory(h);
    const [disabled, admins, both] = await Promise.all([
      runCli(['users', '--disabled'], h.env),
      runCli(['users', '--admin', '--json'], h.env),
      runCli(['users', '--admin', '--disabled', '--json'], h.env),
    ]);
    expect(disabled.code).toBe(0);
    expect(tableRows(disabled.stdout).map((row) => row[0])).toEqual(['carol@x.io']);
    expect(admins.code).toBe(0);
    const users = JSON.parse(admins.stdout) as JsonUser[];
    expect(users.map((u) => [u.username, u.status, u.admin])).toEqual([
      ['carol@x.io', 'disabled', true],
      ['dave@x.io', 'active', true],
    ]);
    expect(users[1]).toMatchObject({ multifactor: 'lastpassauth', groups: ['Engineering'] });
    expect(users[1]?.id).toMatch(/^\d+$/);
    expect((JSON.parse(both.stdout) as JsonUser[]).map((u) => u.username)).toEqual(['carol@x.io']);
  });

  it('reads every page of a large account', async (ctx) => {
    const h = await startSim(ctx);
    // The client asks for 1000 users a page: 2001 users take three pages.
    const users = Array.from({ length: 2001 }, (_, i) => ({ username: `user${String(i).padStart(4, '0')}@big.io` }));
    await h.control('/users', { users });
    const { code, stdout, stderr } = await runCli(['users', '--json'], h.env);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const listed = JSON.parse(stdout) as JsonUser[];
    expect(listed).toHaveLength(2001);
    expect(new Set(listed.map((u) => u.username)).size).toBe(2001);
    const calls = await h.control<{ calls: { data: { pageindex?: number } }[] }>('/calls?cmd=getuserdata');
    expect(calls.calls.map((call) => call.data.pageindex)).toEqual([0, 1, 2]);
  });
});

describe('lpprov lastpass groups', { concurrent: true, timeout: CHILD_PROCESS_TEST_TIMEOUT_MS }, () => {
  it('lists each group with its member count, and the members with --json', async (ctx) => {
    const h = await startSim(ctx);
    await seedDirectory(h);
    const [table, json] = await Promise.all([runCli(['groups'], h.env), runCli(['groups', '--json'], h.env)]);
    expect(table.code).toBe(0);
    expect(tableRows(table.stdout)).toEqual([
      ['Engineering', '3'],
      ['Finance', '1'],
    ]);
    expect(table.stdout).toContain('2 groups');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      { name: 'Engineering', memberCount: 3, members: ['alice@x.io', 'bob@x.io', 'dave@x.io'] },
      { name: 'Finance', memberCount: 1, members: ['alice@x.io'] },
    ]);
  });
});

describe('lpprov lastpass shared-folders', { concurrent: true, timeout: CHILD_PROCESS_TEST_TIMEOUT_MS }, () => {
  async function seedFolders(h: Sim): Promise<void> {
    await seedDirectory(h);
    await h.control('/shared-folders', {
      folders: [
        {
          id: 200001,
          name: 'Finance Vault',
          score: 87,
          users: [
            { username: 'alice@x.io', readonly: true, give: false, sites: ['bank.example', 'payroll.example'] },
            { username: 'dave@x.io', readonly: false, give: true, canAdminister: true, sites: ['bank.example'] },
          ],
        },
        { id: 200002, name: 'Archive', deleted: true, users: [] },
      ],
    });
  }

  it('lists folders with members and permissions', async (ctx) => {
    const h = await startSim(ctx);
    await seedFolders(h);
    const { code, stdout } = await runCli(['shared-folders'], h.env);
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toMatch(/^FOLDER +ID +SCORE +MEMBER +PERMISSIONS$/);
    expect(tableRows(stdout)).toEqual([
      ['Archive (deleted)', '200002', expect.any(String), '-', ''],
      ['Finance Vault', '200001', '87', 'alice@x.io', 'read-only'],
      ['', '', '', 'dave@x.io', 'read-write, can share, manage'],
    ]);
    expect(stdout).not.toContain('bank.example');
    expect(stdout).toContain('2 shared folders, 2 memberships');
  });

  it('adds the sites with --detailed, in the table and in JSON', async (ctx) => {
    const h = await startSim(ctx);
    await seedFolders(h);
    const [table, json] = await Promise.all([
      runCli(['shared-folders', '--detailed'], h.env),
      runCli(['shared-folders', '--detailed', '--json'], h.env),
    ]);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/ +SITES$/);
    expect(tableRows(table.stdout).map((row) => [row[3], row[5]])).toEqual([
      ['-', ''],
      ['alice@x.io', 'bank.example, payroll.example'],
      ['dave@x.io', 'bank.example'],
    ]);
    const folders = JSON.parse(json.stdout) as { id: string; name: string; deleted: boolean; members: unknown[] }[];
    expect(folders.map((f) => [f.id, f.name, f.deleted])).toEqual([
      ['200002', 'Archive', true],
      ['200001', 'Finance Vault', false],
    ]);
    expect(folders[1]?.members).toEqual([
      { username: 'alice@x.io', readOnly: true, give: false, canAdminister: false, superAdmin: false, sites: ['bank.example', 'payroll.example'] },
      { username: 'dave@x.io', readOnly: false, give: true, canAdminister: true, superAdmin: false, sites: ['bank.example'] },
    ]);
  });
});
