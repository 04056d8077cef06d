import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { LastPassCommand } from '../../../src/core/commands.ts';
import { LastPassGatewayAdapter } from '../../../src/lastpass/lastpass-gateway.ts';
import type { LastPassClient } from '../../../src/lastpass/lastpass.client.ts';
import { AUTH_ERROR_XML } from './support/reference-answers.ts';
import { startScriptedServer, type RecordedRequest, type Reply, type ScriptedServer } from './support/scripted-server.ts';
import { testClient } from './support/test-client.ts';

let server: ScriptedServer;
let client: LastPassClient;
let gateway: LastPassGatewayAdapter;

beforeEach(async () => {
  server = await startScriptedServer();
  ({ client } = testClient(server.url, { retry: { retries: 0 } }));
  gateway = new LastPassGatewayAdapter(client);
});

afterEach(async () => {
  await client.close();
  await server.close();
});

type Answer = Reply | ((request: RecordedRequest) => Reply);

/** Answers per command; anything else gets {"status":"OK"}. */
function answerByCommand(answers: Record<string, Answer>): void {
  server.respond((request) => {
    const answer = answers[request.cmd];
    if (answer === undefined) return { body: { status: 'OK' } };
    return typeof answer === 'function' ? answer(request) : answer;
  });
}

/** getuserdata for {username}: the users given (disabled or not); unknown usernames get {"Users":[]}. */
function directory(users: Record<string, { disabled: boolean }>, invited: string[] = []): Answer {
  return (request) => {
    const data = request.body['data'] as { username?: string } | undefined;
    const wanted = Object.entries(users).filter(([name]) => data?.username === undefined || data.username === name);
    const entries = wanted.map(([username, state], index): [string, object] => [
      String(100 + index),
      { username, disabled: state.disabled },
    ]);
    return {
      body: {
        total: entries.length,
        count: entries.length,
        Users: entries.length === 0 ? [] : Object.fromEntries(entries),
        invited,
      },
    };
  };
}

const cmds = (): string[] => server.requests.map((request) => request.cmd);

describe('batchable kinds: one call for the whole array', () => {
  it('add_user ×3 → one batchadd; OK → all done', async () => {
    const commands: LastPassCommand[] = ['a', 'b', 'c'].map((name) => ({
      kind: 'add_user',
      username: `${name}@x.com`,
      fullname: name.toUpperCase(),
      groups: ['Eng'],
    }));
    const outcomes = await gateway.execute(commands);
    expect(outcomes).toEqual([{ status: 'done' }, { status: 'done' }, { status: 'done' }]);
    expect(cmds()).toEqual(['batchadd']);
    expect(server.requests[0]?.body['data']).toEqual([
      { username: 'a@x.com', groups: ['Eng'], fullname: 'A' },
      { username: 'b@x.com', groups: ['Eng'], fullname: 'B' },
      { username: 'c@x.com', groups: ['Eng'], fullname: 'C' },
    ]);
  });

  it('change_groups WARN: the user named in the errors failed, the rest done', async () => {
    answerByCommand({ batchchangegrp: { body: { status: 'WARN', errors: ['ghost@x.com does not exist'] } } });
    const outcomes = await gateway.execute([
      { kind: 'change_groups', username: 'ann@x.com', add: ['Eng'], del: ['Ops'] },
      { kind: 'change_groups', username: 'ghost@x.com', add: ['Eng'], del: [] },
    ]);
    expect(outcomes).toEqual([
      { status: 'done' },
      { status: 'failed', reason: 'LastPass WARN: ghost@x.com does not exist', unknownUser: true },
    ]);
    expect(cmds()).toEqual(['batchchangegrp']);
  });

  it('change_groups WARN naming nobody: every user\'s fate is unknown, so failed', async () => {
    answerByCommand({ batchchangegrp: { body: { status: 'WARN', errors: ['group quota reached'] } } });
    const outcomes = await gateway.execute([{ kind: 'change_groups', username: 'ann@x.com', add: ['Eng'], del: [] }]);
    expect(outcomes).toEqual([
      {
        status: 'failed',
        reason: 'LastPass WARN with errors naming no user (group quota reached); whether this change applied is unknown',
      },
    ]);
  });

  it('disable_user: unchanged users are looked up; already disabled → done, unknown → failed', async () => {
    answerByCommand({
      disableuser: { body: { status: 'success', disabled_users: ['a@x.com'], unchanged_users: ['b@x.com', 'ghost@x.com'] } },
      getuserdata: directory({ 'a@x.com': { disabled: true }, 'b@x.com': { disabled: true } }),
    });
    const outcomes = await gateway.execute(
      ['a@x.com', 'b@x.com', 'ghost@x.com'].map((username) => ({ kind: 'disable_user', username })),
    );
    expect(outcomes).toEqual([
      { status: 'done' },
      { status: 'done', detail: 'already disabled' },
      { status: 'failed', reason: 'no such user in LastPass; LastPass listed the user as unchanged', unknownUser: true },
    ]);
    expect(cmds()).toEqual(['disableuser', 'getuserdata', 'getuserdata']);
    expect(server.requests[0]?.body['data']).toEqual(['a@x.com', 'b@x.com', 'ghost@x.com']);
    expect(server.requests[1]?.body['data']).toEqual({ username: 'b@x.com' });
  });

  it('enable_user: an unchanged user still disabled → failed; unreported but enabled → done', async () => {
    answerByCommand({
      enableuser: { body: { status: 'success', unchanged_users: ['a@x.com'] } },
      getuserdata: directory({ 'a@x.com': { disabled: true }, 'b@x.com': { disabled: false } }),
    });
    const outcomes = await gateway.execute([
      { kind: 'enable_user', username: 'a@x.com' },
      { kind: 'enable_user', username: 'b@x.com' },
    ]);
    expect(outcomes).toEqual([
      { status: 'failed', reason: 'user is not enabled in LastPass; LastPass listed the user as unchanged' },
      { status: 'done', detail: 'already enabled' },
    ]);
  });

  it('many unchanged users are checked with one full listing', async () => {
    const usernames = Array.from({ length: 12 }, (_, index) => `u${index}@x.com`);
    answerByCommand({
      disableuser: { body: { status: 'success', unchanged_users: usernames } },
      getuserdata: directory(Object.fromEntries(usernames.slice(1).map((name) => [name, { disabled: true }]))),
    });
    const outcomes = await gateway.execute(usernames.map((username) => ({ kind: 'disable_user', username })));
    expect(cmds()).toEqual(['disableuser', 'getuserdata']);
    expect(outcomes[0]).toMatchObject({ status: 'failed' });
    expect(outcomes.slice(1).every((outcome) => outcome.status === 'done')).toBe(true);
  });

  it('a batch LastPass refuses whole is split to find the bad entry', async () => {
    answerByCommand({
      batchadd: (request) => {
        const users = request.body['data'] as { username: string }[];
        return users.some((user) => user.username === 'bad@x.com')
          ? { body: { status: 'FAIL', errors: ['invalid username bad@x.com'] } }
          : { body: { status: 'OK' } };
      },
    });
    const outcomes = await gateway.execute([
      { kind: 'add_user', username: 'good@x.com', groups: [] },
      { kind: 'add_user', username: 'bad@x.com', groups: [] },
    ]);
    expect(outcomes).toEqual([
      { status: 'done' },
      { status: 'failed', reason: 'LastPass batchadd: status FAIL: invalid username bad@x.com' },
    ]);
    expect(server.requests.map((request) => (request.body['data'] as unknown[]).length)).toEqual([2, 1, 1]);
  });

  describe('batchadd refused because the user already exists (the answer to an earlier try was lost)', () => {
    const refuseExisting = (existing: string[]): Answer => (request) => {
      const users = request.body['data'] as { username: string }[];
      const errors = users.filter((user) => existing.includes(user.username)).map((user) => `${user.username} already exists`);
      return { body: errors.length === 0 ? { status: 'OK' } : { status: 'FAIL', errors } };
    };
    const userWithGroups = (username: string, groups: string[]): Answer => (request) => {
      const data = request.body['data'] as { username?: string };
      if (data.username !== username) return { body: { total: 0, count: 0, Users: [] } };
      return { body: { total: 1, count: 1, Users: { '7': { username, disabled: false, groups } } } };
    };

    it('is done when LastPass has the account with the planned groups', async () => {
      answerByCommand({ batchadd: refuseExisting(['a@x.com']), getuserdata: userWithGroups('a@x.com', ['hr-all']) });
      const outcomes = await gateway.execute([{ kind: 'add_user', username: 'a@x.com', groups: ['hr-all'] }]);
      expect(outcomes).toEqual([{ status: 'done', detail: 'already in LastPass (an earlier answer was probably lost)' }]);
      expect(cmds()).toEqual(['batchadd', 'getuserdata']);
    });

    it('adds the planned groups the existing account lacks, then is done', async () => {
      answerByCommand({ batchadd: refuseExisting(['a@x.com']), getuserdata: userWithGroups('a@x.com', ['hr-all']) });
      const outcomes = await gateway.execute([{ kind: 'add_user', username: 'a@x.com', groups: ['hr-all', 'hr-eng'] }]);
      expect(outcomes).toEqual([{ status: 'done', detail: 'already in LastPass (an earlier answer was probably lost); added the missing groups hr-eng' }]);
      expect(cmds()).toEqual(['batchadd', 'getuserdata', 'batchchangegrp']);
      expect(server.requests[2]?.body['data']).toEqual([{ username: 'a@x.com', add: ['hr-eng'] }]);
    });

    it('is done for a pending invitation LastPass lists only under invited', async () => {
      answerByCommand({ batchadd: refuseExisting(['a@x.com']), getuserdata: { body: { total: 0, count: 0, Users: [], invited: ['a@x.com'] } } });
      expect(await gateway.execute([{ kind: 'add_user', username: 'a@x.com', groups: ['hr-all'] }])).toEqual([
        { status: 'done', detail: 'already in LastPass (an earlier answer was probably lost)' },
      ]);
    });

    it('keeps the refusal when the account is not there after all', async () => {
      answerByCommand({ batchadd: refuseExisting(['a@x.com']), getuserdata: userWithGroups('someone-else@x.com', []) });
      expect(await gateway.execute([{ kind: 'add_user', username: 'a@x.com', groups: [] }])).toEqual([
        { status: 'failed', reason: 'LastPass batchadd: status FAIL: a@x.com already exists' },
      ]);
    });

    it('settles each entry of a batch on its own: the new ones done, the existing one checked', async () => {
      answerByCommand({ batchadd: refuseExisting(['b@x.com']), getuserdata: userWithGroups('b@x.com', []) });
      const outcomes = await gateway.execute([
        { kind: 'add_user', username: 'a@x.com', groups: [] },
        { kind: 'add_user', username: 'b@x.com', groups: [] },
      ]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['done', 'done']);
      expect(cmds()).toEqual(['batchadd', 'batchadd', 'batchadd', 'getuserdata']);
    });

    it('adopts an entry LastPass reports as existing in a partial (WARN) answer', async () => {
      answerByCommand({
        batchadd: { body: { status: 'WARN', errors: ['b@x.com already exists'] } },
        getuserdata: userWithGroups('b@x.com', []),
      });
      const outcomes = await gateway.execute([
        { kind: 'add_user', username: 'a@x.com', groups: [] },
        { kind: 'add_user', username: 'b@x.com', groups: [] },
      ]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['done', 'done']);
      expect(cmds()).toEqual(['batchadd', 'getuserdata']);
    });
  });

  describe('a username LastPass does not know', () => {
    it('is flagged on a batch refusal, a single command and a partial answer, but not for a missing group', async () => {
      answerByCommand({
        disableuser: { body: { status: 'FAIL', errors: ['gone@x.com does not exist'] } },
        updateuser: { body: { status: 'FAIL', errors: ['gone@x.com does not exist'] } },
        batchchangegrp: { body: { status: 'WARN', errors: ['gone@x.com: group "Eng" does not exist', 'other@x.com does not exist'] } },
      });
      const [disable] = await gateway.execute([{ kind: 'disable_user', username: 'gone@x.com' }]);
      const [update] = await gateway.execute([{ kind: 'update_user', username: 'gone@x.com', fullname: 'G' }]);
      const groups = await gateway.execute([
        { kind: 'change_groups', username: 'gone@x.com', add: ['Eng'], del: [] },
        { kind: 'change_groups', username: 'other@x.com', add: ['Eng'], del: [] },
      ]);
      expect(disable).toMatchObject({ status: 'failed', unknownUser: true });
      expect(update).toMatchObject({ status: 'failed', unknownUser: true });
      expect(groups[0]).toEqual({ status: 'failed', reason: 'LastPass WARN: gone@x.com: group "Eng" does not exist' });
      expect(groups[1]).toMatchObject({ status: 'failed', unknownUser: true });
    });

    it('is looked for under other addresses: first one LastPass has as a user or an invitation', async () => {
      answerByCommand({
        getuserdata: (request) => {
          const name = (request.body['data'] as { username: string }).username;
          if (name === 'b@x.com') return { body: { total: 0, count: 0, Users: [], invited: ['B@x.com'] } };
          if (name === 'c@x.com') return { body: { total: 1, count: 1, Users: { '1': { username: 'c@x.com', disabled: false } } } };
          return { body: { total: 0, count: 0, Users: [] } };
        },
      });
      expect(await gateway.locate(['a@x.com', 'b@x.com', 'c@x.com'])).toEqual({ status: 'found', username: 'b@x.com' });
      expect(await gateway.locate(['a@x.com', 'c@x.com'])).toEqual({ status: 'found', username: 'c@x.com' });
      expect(await gateway.locate(['a@x.com'])).toEqual({ status: 'absent' });
    });

    it('a failed lookup is an outcome, never a rejection', async () => {
      server.script({ status: 503, body: '' });
      expect(await gateway.locate(['a@x.com'])).toMatchObject({ status: 'retry' });
    });
  });

  it('a transient failure → retry for every command, with Retry-After', async () => {
    server.script({ status: 429, headers: { 'retry-after': '120' }, body: '' });
    const outcomes = await gateway.execute([
      { kind: 'enable_user', username: 'a@x.com' },
      { kind: 'enable_user', username: 'b@x.com' },
    ]);
    const retry = {
      status: 'retry',
      reason: 'LastPass enableuser: HTTP 429 (retry after 120000 ms)',
      retryAfterMs: 120_000,
      mayHaveApplied: false,
    };
    expect(outcomes).toEqual([retry, retry]);
  });
});

describe('single-user kinds: one call per command, in order', () => {
  it('maps each kind to its command', async () => {
    const outcomes = await gateway.execute([
      { kind: 'update_user', username: 'a@x.com', fullname: 'Ann' },
      { kind: 'update_user', username: 'b@x.com', fullname: 'Bob' },
    ]);
    expect(outcomes).toEqual([{ status: 'done' }, { status: 'done' }]);
    expect(server.requests.map((request) => [request.cmd, request.body['data']])).toEqual([
      ['updateuser', { username: 'a@x.com', fullname: 'Ann' }],
      ['updateuser', { username: 'b@x.com', fullname: 'Bob' }],
    ]);
  });

  it.each([
    ['reinvite_user', 'reinviteuser'],
    ['reset_password', 'resetpassword'],
    ['require_master_password_change', 'requiremasterpasswordchange'],
    ['disable_multifactor', 'disablemultifactor'],
  ] as const)('%s → %s', async (kind, cmd) => {
    expect(await gateway.execute([{ kind, username: 'a@x.com' }])).toEqual([{ status: 'done' }]);
    expect(server.requests[0]?.body).toMatchObject({ cmd, data: { username: 'a@x.com' } });
  });

  it('update_email → updateemail', async () => {
    await gateway.execute([{ kind: 'update_email', oldEmail: 'old@x.com', newEmail: 'new@x.com' }]);
    expect(server.requests[0]?.body).toMatchObject({ cmd: 'updateemail', data: { oldemail: 'old@x.com', newemail: 'new@x.com' } });
  });

  it.each([
    ['deactivate', 0],
    ['remove', 1],
    ['delete', 2],
    ['uninvite', 3],
  ] as const)('delete_user %s → deluser deleteaction %i', async (action, number) => {
    await gateway.execute([{ kind: 'delete_user', username: 'a@x.com', action }]);
    expect(server.requests[0]?.body).toMatchObject({ cmd: 'deluser', data: { username: 'a@x.com', deleteaction: number } });
  });

  it('a refused delete of a user already gone is done', async () => {
    answerByCommand({
      deluser: { body: { status: 'FAIL', errors: ['a@x.com does not exist'] } },
      getuserdata: directory({}),
    });
    const outcomes = await gateway.execute([{ kind: 'delete_user', username: 'a@x.com', action: 'delete' }]);
    expect(outcomes).toEqual([{ status: 'done', detail: 'already absent from LastPass', userAbsent: true }]);
    expect(cmds()).toEqual(['deluser', 'getuserdata']);
  });

  it('a refused delete of a user still present is failed with LastPass\'s reason', async () => {
    answerByCommand({
      deluser: { body: { status: 'FAIL', errors: ['cannot delete an admin'] } },
      getuserdata: directory({ 'a@x.com': { disabled: false } }),
    });
    const outcomes = await gateway.execute([{ kind: 'delete_user', username: 'a@x.com', action: 'remove' }]);
    expect(outcomes).toEqual([{ status: 'failed', reason: 'LastPass deluser: status FAIL: cannot delete an admin' }]);
  });

  it('uninvite of a user who still has a pending invitation is failed', async () => {
    answerByCommand({
      deluser: { body: { status: 'FAIL', errors: ['no'] } },
      getuserdata: directory({}, ['a@x.com']),
    });
    const outcomes = await gateway.execute([{ kind: 'delete_user', username: 'a@x.com', action: 'uninvite' }]);
    expect(outcomes[0]?.status).toBe('failed');
  });
});

describe('authentication and robustness', () => {
  it('auth failure → auth_failed for all, and no further calls', async () => {
    server.script({ body: AUTH_ERROR_XML });
    const outcomes = await gateway.execute([
      { kind: 'reinvite_user', username: 'a@x.com' },
      { kind: 'reinvite_user', username: 'b@x.com' },
      { kind: 'disable_user', username: 'c@x.com' },
    ]);
    const auth = { status: 'auth_failed', reason: 'LastPass reinviteuser: LastPass refused the account number or provisioning hash' };
    expect(outcomes).toEqual([auth, auth, auth]);
    expect(server.requests).toHaveLength(1);
  });

  it('mixed kinds keep their order, batching consecutive batchable ones', async () => {
    answerByCommand({ disableuser: { body: { status: 'success', disabled_users: ['a@x.com', 'b@x.com'] } } });
    const outcomes = await gateway.execute([
      { kind: 'disable_user', username: 'a@x.com' },
      { kind: 'disable_user', username: 'b@x.com' },
      { kind: 'update_user', username: 'c@x.com', fullname: 'C' },
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['done', 'done', 'done']);
    expect(cmds()).toEqual(['disableuser', 'updateuser']);
  });

  it('never rejects, even for a command it cannot map', async () => {
    const bogus = { kind: 'teleport_user', username: 'a@x.com' } as unknown as LastPassCommand;
    const outcomes = await gateway.execute([bogus]);
    expect(outcomes).toEqual([
      {
        status: 'failed',
        reason: 'unexpected failure in the LastPass gateway (Error: no LastPass command for kind teleport_user)',
      },
    ]);
    expect(server.requests).toHaveLength(0);
  });

  it('an empty array gives no outcomes and no calls', async () => {
    expect(await gateway.execute([])).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });
});
