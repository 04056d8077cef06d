import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { Secret } from '../../../src/core/secret.ts';
import { LastPassRejectedError, LastPassRemovedCommandError } from '../../../src/lastpass/errors.ts';
import type { LastPassClient } from '../../../src/lastpass/lastpass.client.ts';
import {
  BATCHCHANGEGRP_WARN,
  DISABLEUSER_SUCCESS,
  EXPIRED_PAGE_1,
  EXPIRED_PAGE_2,
  GETDETAILEDSFDATA,
  GETSFDATA,
  GETUSERDATA_NOT_FOUND,
  REPORTING_PAGE,
  REPORTING_SIEM,
} from './support/reference-answers.ts';
import { startScriptedServer, type ScriptedServer } from './support/scripted-server.ts';
import { testClient } from './support/test-client.ts';

let server: ScriptedServer;
let client: LastPassClient;

beforeEach(async () => {
  server = await startScriptedServer();
  ({ client } = testClient(server.url, { userDataPageSize: 2 }));
});

afterEach(async () => {
  await client.close();
  await server.close();
});

function sent(index = 0): { cmd: unknown; data: unknown } {
  const body = server.requests[index]?.body ?? {};
  return { cmd: body['cmd'], data: body['data'] };
}

function usersPage(ids: number[], total: number): object {
  return {
    total,
    count: ids.length,
    Users: ids.length === 0 ? [] : Object.fromEntries(ids.map((id) => [String(id), { username: `u${id}@x.com` }])),
    Groups: [],
  };
}

describe('user commands', () => {
  it('batchAdd sends LastPass field names, the password in clear only on the wire', async () => {
    const result = await client.batchAdd([
      {
        username: 'ann@example.com',
        fullname: 'Ann',
        groups: ['Eng'],
        attribs: { Department: 'R&D' },
        duoUsername: 'ann',
        securidUsername: 'ann-rsa',
        password: new Secret('Default-Pw-1'),
        passwordResetRequired: true,
      },
      { username: 'bob@example.com' },
    ]);
    expect(sent()).toEqual({
      cmd: 'batchadd',
      data: [
        {
          username: 'ann@example.com',
          fullname: 'Ann',
          groups: ['Eng'],
          attribs: { Department: 'R&D' },
          duousername: 'ann',
          securidusername: 'ann-rsa',
          password: 'Default-Pw-1',
          password_reset_required: true,
        },
        { username: 'bob@example.com' },
      ],
    });
    expect(result).toEqual({
      status: 'OK',
      complete: true,
      items: [
        { username: 'ann@example.com', result: 'applied' },
        { username: 'bob@example.com', result: 'applied' },
      ],
      unattributedErrors: [],
    });
  });

  it('batch commands with nobody in them send nothing', async () => {
    expect((await client.batchAdd([])).items).toEqual([]);
    expect((await client.disableUsers([])).complete).toBe(true);
    expect(server.requests).toHaveLength(0);
  });

  it('updateUser', async () => {
    await client.updateUser({ username: 'a@x.com', fullname: 'A B', duoUsername: 'ab' });
    expect(sent()).toEqual({ cmd: 'updateuser', data: { username: 'a@x.com', fullname: 'A B', duousername: 'ab' } });
  });

  it.each([
    ['deactivate', 0],
    ['remove', 1],
    ['delete', 2],
    ['uninvite', 3],
    [2, 2],
  ] as const)('deleteUser(%j) sends deleteaction %i', async (action, number) => {
    await client.deleteUser('a@x.com', action);
    expect(sent()).toEqual({ cmd: 'deluser', data: { username: 'a@x.com', deleteaction: number } });
  });

  it('disableUsers sends emails and reads changed and unchanged users', async () => {
    server.script({ body: DISABLEUSER_SUCCESS });
    const result = await client.disableUsers(['ann@example.com', 'bob@example.com']);
    expect(sent()).toEqual({ cmd: 'disableuser', data: ['ann@example.com', 'bob@example.com'] });
    expect(result).toEqual({
      status: 'success',
      complete: false,
      items: [
        { username: 'ann@example.com', result: 'applied' },
        { username: 'bob@example.com', result: 'unchanged' },
      ],
      unattributedErrors: [],
    });
  });

  it('enableUsers', async () => {
    server.script({ body: { status: 'success', enabled_users: ['a@x.com'] } });
    const result = await client.enableUsers(['a@x.com']);
    expect(sent()).toEqual({ cmd: 'enableuser', data: ['a@x.com'] });
    expect(result.complete).toBe(true);
  });

  it('changeGroups leaves out empty lists and resolves WARN per user', async () => {
    server.script({ body: BATCHCHANGEGRP_WARN });
    const result = await client.changeGroups([
      { username: 'ann@example.com', add: ['Eng'], del: [] },
      { username: 'ghost@example.com', del: ['Ops'] },
    ]);
    expect(sent()).toEqual({
      cmd: 'batchchangegrp',
      data: [
        { username: 'ann@example.com', add: ['Eng'] },
        { username: 'ghost@example.com', del: ['Ops'] },
      ],
    });
    expect(result.items).toEqual([
      { username: 'ann@example.com', result: 'applied' },
      { username: 'ghost@example.com', result: 'failed', message: 'ghost@example.com does not exist' },
    ]);
  });

  it.each([
    ['reinviteUser', 'reinviteuser'],
    ['resetPassword', 'resetpassword'],
    ['requireMasterPasswordChange', 'requiremasterpasswordchange'],
    ['disableMultifactor', 'disablemultifactor'],
  ] as const)('%s sends %s with the username', async (method, cmd) => {
    await client[method]('a@x.com');
    expect(sent()).toEqual({ cmd, data: { username: 'a@x.com' } });
  });

  it('a WARN for a single-user command is that user\'s rejection', async () => {
    server.script({ body: { status: 'WARN', errors: ['a@x.com is not invited'] } });
    await expect(client.reinviteUser('a@x.com')).rejects.toMatchObject({
      name: 'LastPassRejectedError',
      status: 'WARN',
      errors: ['a@x.com is not invited'],
    });
  });

  it('updateEmail', async () => {
    await client.updateEmail('old@x.com', 'new@x.com');
    expect(sent()).toEqual({ cmd: 'updateemail', data: { oldemail: 'old@x.com', newemail: 'new@x.com' } });
  });
});

describe('getuserdata', () => {
  it('pages from 0 to the end by default', async () => {
    server.respond((request) => {
      const data = request.body['data'] as { pageindex: number };
      return { body: [usersPage([1, 2], 5), usersPage([3, 4], 5), usersPage([5], 5)][data.pageindex] ?? {} };
    });
    const data = await client.getUserData();
    expect(server.requests.map((request) => request.body['data'])).toEqual([
      { pagesize: 2, pageindex: 0 },
      { pagesize: 2, pageindex: 1 },
      { pagesize: 2, pageindex: 2 },
    ]);
    expect(data.users.map((user) => user.username)).toEqual(['u1@x.com', 'u2@x.com', 'u3@x.com', 'u4@x.com', 'u5@x.com']);
    expect(data.total).toBe(5);
  });

  it('stops on an empty page when the total is a multiple of the page size', async () => {
    server.respond((request) => {
      const data = request.body['data'] as { pageindex: number };
      return { body: [usersPage([1, 2], 4), usersPage([3, 4], 4)][data.pageindex] ?? usersPage([], 4) };
    });
    const data = await client.getUserData();
    expect(server.requests).toHaveLength(2);
    expect(data.users).toHaveLength(4);
  });

  it('stops when a server ignoring paging repeats the same users', async () => {
    server.script({ body: { Users: { '1': { username: 'a@x.com' }, '2': { username: 'b@x.com' } } } });
    const data = await client.getUserData();
    expect(server.requests).toHaveLength(2);
    expect(data.users).toHaveLength(2);
  });

  it('filters: disabled users only, admins only, one page', async () => {
    server.script({ body: usersPage([], 0) });
    await client.getUserData({ disabledOnly: true });
    await client.getUserData({ adminsOnly: true, pageSize: 50, pageIndex: 3 });
    expect(sent(0).data).toEqual({ disabled: 1, pagesize: 2, pageindex: 0 });
    expect(sent(1).data).toEqual({ admin: 1, pagesize: 50, pageindex: 3 });
    expect(server.requests).toHaveLength(2);
  });

  it('one user by username, without paging; unknown gives no users', async () => {
    server.script({ body: GETUSERDATA_NOT_FOUND });
    const data = await client.getUserData({ username: 'ghost@x.com' });
    expect(sent().data).toEqual({ username: 'ghost@x.com' });
    expect(data.users).toEqual([]);
  });
});

describe('reads', () => {
  it('getSharedFolders and getDetailedSharedFolders send "all"', async () => {
    server.script({ body: GETSFDATA }, { body: GETDETAILEDSFDATA });
    const folders = await client.getSharedFolders();
    const detailed = await client.getDetailedSharedFolders();
    expect(sent(0)).toEqual({ cmd: 'getsfdata', data: 'all' });
    expect(sent(1)).toEqual({ cmd: 'getdetailedsfdata', data: 'all' });
    expect(folders.map((folder) => folder.name)).toEqual(['Shared-Engineering', 'Shared-Finance']);
    expect(detailed[0]?.members[0]?.sites).toEqual(['github.com', 'aws.amazon.com']);
  });

  it('getEvents follows next with the same from/to', async () => {
    server.script(
      { body: { ...REPORTING_PAGE, next: 1714640400000001 } },
      { body: { status: 'OK', next: null, data: { Event1: { Time: '2024-05-01 08:00:00', Action: 'Make Admin' } } } },
    );
    const log = await client.getEvents({
      from: '2024-05-01 00:00:00',
      to: '2024-05-02 23:59:59',
      user: 'allusers',
      adminOnly: true,
      search: 'Admin',
    });
    expect(sent(0)).toEqual({
      cmd: 'reporting',
      data: { from: '2024-05-01 00:00:00', to: '2024-05-02 23:59:59', search: 'Admin', user: 'allusers', admin: '1' },
    });
    expect(sent(1).data).toMatchObject({ from: '2024-05-01 00:00:00', to: '2024-05-02 23:59:59', next: 1714640400000001 });
    expect(log.events.map((event) => event.action)).toEqual(['Failed Login Attempt', 'Deactivated User', 'Make Admin']);
    expect(log.next).toBeNull();
  });

  it('getEvents stops at maxPages and hands back the cursor', async () => {
    server.script({ body: { ...REPORTING_PAGE, next: 'cursor-2' } }, { body: { ...REPORTING_PAGE, next: 'cursor-3' } });
    const log = await client.getEvents({ from: 'a', to: 'b', maxPages: 1 });
    expect(server.requests).toHaveLength(1);
    expect(log.next).toBe('cursor-2');
  });

  it('getEvents in SIEM format', async () => {
    server.script({ body: REPORTING_SIEM });
    const log = await client.getEvents({ from: 'a', to: 'b', format: 'siem' });
    expect(sent().data).toEqual({ from: 'a', to: 'b', format: 'siem' });
    expect(log.events).toHaveLength(1);
    expect(log.events[0]?.id).toBe('77');
  });

  it('getExpiredMasterPasswords follows the continuation token', async () => {
    server.script({ body: EXPIRED_PAGE_1 }, { body: EXPIRED_PAGE_2 });
    const list = await client.getExpiredMasterPasswords({ limit: 1000 });
    expect(sent(0)).toEqual({ cmd: 'expiredmasterpwlist', data: { limit: 500 } });
    expect(sent(1).data).toEqual({ limit: 500, continuation_token: 'tok-2' });
    expect(list).toEqual({
      items: [
        { userId: 11, username: 'ann@example.com', lastPasswordChange: '2023-01-01 00:00:00' },
        { userId: 12, username: 'bob@example.com', lastPasswordChange: '2023-02-01 00:00:00' },
      ],
      continuationToken: null,
      remaining: 0,
    });
  });
});

describe('removed and unknown commands', () => {
  it('pushSitesToUsers and call("pushsitestousers") fail without a request', async () => {
    await expect(client.pushSitesToUsers()).rejects.toBeInstanceOf(LastPassRemovedCommandError);
    const error: unknown = await client.call('pushsitestousers', { users: 'all' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LastPassRemovedCommandError);
    expect(error).toMatchObject({ retryable: false, cmd: 'pushsitestousers' });
    expect((error as Error).message).toBe(
      'LastPass removed pushsitestousers from the Enterprise API; share a folder with a group instead',
    );
    expect(server.requests).toHaveLength(0);
  });

  it('call() sends any command and returns the classified body', async () => {
    server.script({ body: { status: 'OK', licenses: '25' } }, { body: { status: 'FAIL', errors: ['unknown cmd'] } });
    expect(await client.call('getlicenses', { detail: 1 })).toEqual({
      outcome: 'success',
      status: 'OK',
      errors: [],
      body: { status: 'OK', licenses: '25' },
    });
    expect(sent()).toEqual({ cmd: 'getlicenses', data: { detail: 1 } });
    await expect(client.call('nosuchcmd')).rejects.toBeInstanceOf(LastPassRejectedError);
  });

  it('call() with a known command uses that command\'s success spelling', async () => {
    server.script({ body: { status: 'WARN', errors: ['x@y.com does not exist'] } });
    expect(await client.call('batchchangegrp', [])).toMatchObject({ outcome: 'partial', status: 'WARN' });
  });
});
