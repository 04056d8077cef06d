/**
 * The LastPass client and gateway against the simulator (src/simulator), every command and every
 * kind of fault the simulator injects. The simulator is written from the reference independently
 * of the client, so agreement here is evidence both read the reference the same way.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { Secret } from '../../src/core/secret.ts';
import {
  LastPassAuthError,
  LastPassClient,
  LastPassGatewayAdapter,
  LastPassRejectedError,
  LastPassRemovedCommandError,
  LastPassTransientError,
} from '../../src/lastpass/index.ts';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.ts';
import { captureLogs } from '../support/log-capture.ts';

const CID = '8771312';
const PROVHASH = 'secret-hash';
const PASSWORD = 'Default-Passw0rd-xyz';

let sim: RunningSimulator;
let client: LastPassClient;
let gateway: LastPassGatewayAdapter;
let logs: ReturnType<typeof captureLogs>;

beforeAll(async () => {
  sim = await startSimulator({ cid: CID, provhash: PROVHASH, port: 0 });
});

afterAll(async () => {
  await sim.stop();
});

beforeEach(async () => {
  await control('POST', '/_simulator/reset', { faults: true, behaviour: true });
  logs = captureLogs('debug');
  client = newClient(PROVHASH);
  gateway = new LastPassGatewayAdapter(client);
});

afterEach(async () => {
  await client.close();
  // Whatever a test did, no log line may show a secret.
  expect(logs.text()).not.toContain(PROVHASH);
  expect(logs.text()).not.toContain(PASSWORD);
});

function newClient(provhash: string): LastPassClient {
  return new LastPassClient({
    cid: CID,
    provhash: new Secret(provhash),
    logger: logs.logger,
    url: sim.endpoint,
    timeouts: { connectMs: 1000, headersMs: 1000, bodyMs: 1000, keepAliveMs: 1000 },
    retry: { retries: 2, minDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 1000 },
    userDataPageSize: 2,
  });
}

async function control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer: unknown = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

interface SimUserState {
  username: string;
  status: string;
  disabled: boolean;
  deactivated: boolean;
  removed: boolean;
  deleted: boolean;
  uninvited: boolean;
  groups: string[];
  fullname: string;
  pendingEmail: string | null;
  hasDefaultPassword: boolean;
  passwordResetRequired: boolean;
  multifactor: string | null;
  duousername: string | null;
}

async function userState(username: string): Promise<SimUserState | undefined> {
  const state = (await control('GET', `/_simulator/state?username=${encodeURIComponent(username)}`)) as {
    users: SimUserState[];
  };
  return state.users[0];
}

async function simCalls(cmd?: string): Promise<{ cmd: string; outcome: string; fault: string | null }[]> {
  const query = cmd === undefined ? '' : `?cmd=${cmd}`;
  return ((await control('GET', `/_simulator/calls${query}`)) as { calls: { cmd: string; outcome: string; fault: string | null }[] })
    .calls;
}

async function seedUsers(users: object[]): Promise<void> {
  await control('POST', '/_simulator/users', { users });
}

async function setFaults(settings: object): Promise<void> {
  await control('POST', '/_simulator/faults', settings);
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('user commands', () => {
  it('batchadd creates invited users with groups and a default password', async () => {
    const result = await client.batchAdd([
      {
        username: 'ann@example.com',
        fullname: 'Ann Able',
        groups: ['Engineering'],
        attribs: { Department: 'R&D' },
        password: new Secret(PASSWORD),
        passwordResetRequired: true,
      },
      { username: 'bob@example.com' },
    ]);
    expect(result.complete).toBe(true);
    expect(result.items.map((item) => item.result)).toEqual(['applied', 'applied']);
    expect(await userState('ann@example.com')).toMatchObject({
      status: 'invited',
      fullname: 'Ann Able',
      groups: ['Engineering'],
      hasDefaultPassword: true,
      passwordResetRequired: true,
    });
    const emails = (await control('GET', '/_simulator/emails?to=ann@example.com')) as { emails: { kind: string }[] };
    expect(emails.emails.map((email) => email.kind)).toEqual(['invitation']);
  });

  it('getuserdata pages to the end and normalises the wire types', async () => {
    await seedUsers([
      { username: 'u1@example.com', groups: ['A'], lastPwChange: '2024-01-01T00:00:00Z' },
      { username: 'u2@example.com', admin: true },
      { username: 'u3@example.com', status: 'invited' },
      { username: 'u4@example.com', disabled: true },
      { username: 'u5@example.com' },
    ]);
    const data = await client.getUserData();
    expect(data.total).toBe(5);
    expect(data.users.map((user) => user.username)).toEqual([
      'u1@example.com',
      'u2@example.com',
      'u3@example.com',
      'u4@example.com',
      'u5@example.com',
    ]);
    // Page size 2: pages 0, 1 and 2.
    expect(await simCalls('getuserdata')).toHaveLength(3);
    const [u1, u2, u3, u4] = data.users;
    expect(u1).toMatchObject({ groups: ['A'], masterPasswordStrength: 75, neverLoggedIn: false, disabled: false });
    expect(typeof u1?.totalScore).toBe('number');
    expect(u2?.admin).toBe(true);
    // Never logged in: "" and nulls read as null; no groups key read as no groups.
    expect(u3).toMatchObject({ lastLogin: null, totalScore: null, sites: null, neverLoggedIn: true, groups: [] });
    expect(u4?.disabled).toBe(true);
    expect(data.invited).toEqual(['u3@example.com']);
    expect(data.groups).toEqual([{ name: 'A', members: ['u1@example.com'] }]);
  });

  it('getuserdata keeps paging when LastPass caps the page below the size asked for', async () => {
    await control('POST', '/_simulator/behaviour', { maxPageSize: 1 });
    await seedUsers([{ username: 'p1@example.com' }, { username: 'p2@example.com' }, { username: 'p3@example.com' }]);
    const data = await client.getUserData();
    expect(data.users.map((user) => user.username)).toEqual(['p1@example.com', 'p2@example.com', 'p3@example.com']);
  });

  it('getuserdata filters: one user, unknown user, disabled only, admins only', async () => {
    await seedUsers([{ username: 'a@example.com', admin: true }, { username: 'b@example.com', disabled: true }]);
    expect((await client.getUserData({ username: 'a@example.com' })).users.map((u) => u.username)).toEqual(['a@example.com']);
    expect((await client.getUserData({ username: 'ghost@example.com' })).users).toEqual([]);
    expect((await client.getUserData({ disabledOnly: true })).users.map((u) => u.username)).toEqual(['b@example.com']);
    expect((await client.getUserData({ adminsOnly: true })).users.map((u) => u.username)).toEqual(['a@example.com']);
  });

  it('updateuser changes the name and Duo username', async () => {
    await seedUsers([{ username: 'a@example.com' }]);
    await client.updateUser({ username: 'a@example.com', fullname: 'Ann New', duoUsername: 'ann' });
    expect(await userState('a@example.com')).toMatchObject({ fullname: 'Ann New', duousername: 'ann' });
  });

  it('updateuser of an unknown user is rejected', async () => {
    const error = await failure(client.updateUser({ username: 'ghost@example.com', fullname: 'G' }));
    expect(error).toBeInstanceOf(LastPassRejectedError);
    expect((error as LastPassRejectedError).errors).toEqual(['ghost@example.com does not exist']);
  });

  it('batchchangegrp: WARN names the unknown user; the others are applied', async () => {
    await seedUsers([{ username: 'a@example.com', groups: ['Old'] }]);
    const result = await client.changeGroups([
      { username: 'a@example.com', add: ['New'], del: ['Old'] },
      { username: 'ghost@example.com', add: ['New'] },
    ]);
    expect(result.status).toBe('WARN');
    expect(result.items).toEqual([
      { username: 'a@example.com', result: 'applied' },
      { username: 'ghost@example.com', result: 'failed', message: 'ghost@example.com does not exist' },
    ]);
    expect((await userState('a@example.com'))?.groups).toEqual(['New']);
  });

  it('disableuser / enableuser: changed, unchanged, and unknown users', async () => {
    await seedUsers([{ username: 'a@example.com' }, { username: 'b@example.com', disabled: true }]);
    const disabled = await client.disableUsers(['a@example.com', 'b@example.com', 'ghost@example.com']);
    expect(disabled.items).toEqual([
      { username: 'a@example.com', result: 'applied' },
      { username: 'b@example.com', result: 'unchanged' },
      { username: 'ghost@example.com', result: 'failed', message: 'ghost@example.com does not exist' },
    ]);
    expect((await userState('a@example.com'))?.disabled).toBe(true);
    const enabled = await client.enableUsers(['a@example.com']);
    expect(enabled.items).toEqual([{ username: 'a@example.com', result: 'applied' }]);
    expect((await userState('a@example.com'))?.disabled).toBe(false);
  });

  it('disableuser of only unknown users is rejected', async () => {
    const error = await failure(client.disableUsers(['ghost@example.com']));
    expect(error).toBeInstanceOf(LastPassRejectedError);
  });

  it.each([
    ['deactivate', { deactivated: true, disabled: true }],
    ['remove', { removed: true }],
    ['delete', { deleted: true }],
  ] as const)('deluser %s', async (action, expected) => {
    await seedUsers([{ username: 'a@example.com' }]);
    await client.deleteUser('a@example.com', action);
    expect(await userState('a@example.com')).toMatchObject(expected);
  });

  it('deluser uninvite: a pending invitation only', async () => {
    await seedUsers([{ username: 'inv@example.com', status: 'invited' }, { username: 'act@example.com' }]);
    await client.deleteUser('inv@example.com', 'uninvite');
    expect(await userState('inv@example.com')).toMatchObject({ uninvited: true });
    await expect(client.deleteUser('act@example.com', 3)).rejects.toBeInstanceOf(LastPassRejectedError);
  });

  it('reinviteuser, resetpassword, requiremasterpasswordchange, disablemultifactor', async () => {
    await seedUsers([
      { username: 'inv@example.com', status: 'invited' },
      { username: 'act@example.com', multifactor: 'lastpassauth' },
    ]);
    await client.reinviteUser('inv@example.com');
    await client.resetPassword('act@example.com');
    await client.requireMasterPasswordChange('act@example.com');
    await client.disableMultifactor('act@example.com');
    const emails = (await control('GET', '/_simulator/emails')) as { emails: { to: string; kind: string }[] };
    expect(emails.emails.map((email) => [email.to, email.kind])).toEqual([
      ['inv@example.com', 'reinvitation'],
      ['act@example.com', 'password-reset'],
    ]);
    expect(await userState('act@example.com')).toMatchObject({ passwordResetRequired: true, multifactor: null });
    // An invited user has no password to reset yet.
    await expect(client.resetPassword('inv@example.com')).rejects.toBeInstanceOf(LastPassRejectedError);
  });

  it('updateemail stays pending until the user confirms', async () => {
    await seedUsers([{ username: 'old@example.com' }]);
    await client.updateEmail('old@example.com', 'new@example.com');
    expect(await userState('old@example.com')).toMatchObject({ pendingEmail: 'new@example.com' });
    await control('POST', '/_simulator/users/confirm-email', { username: 'old@example.com' });
    expect((await client.getUserData({ username: 'new@example.com' })).users).toHaveLength(1);
  });
});

describe('reads', () => {
  it('getsfdata / getdetailedsfdata: string flags become booleans, sites kept', async () => {
    await control('POST', '/_simulator/shared-folders', {
      folders: [
        {
          id: '9001',
          name: 'Shared-Eng',
          score: 80,
          users: [{ username: 'a@example.com', readonly: true, give: false, canAdminister: false, sites: ['github.com'] }],
        },
      ],
    });
    const folders = await client.getSharedFolders();
    expect(folders).toEqual([
      {
        id: '9001',
        name: 'Shared-Eng',
        score: 80,
        deleted: false,
        members: [{ username: 'a@example.com', readOnly: true, give: false, canAdminister: false, superAdmin: false }],
      },
    ]);
    const detailed = await client.getDetailedSharedFolders();
    expect(detailed[0]?.members[0]?.sites).toEqual(['github.com']);
  });

  it('getsfdata with no folders is an empty list', async () => {
    expect(await client.getSharedFolders()).toEqual([]);
  });

  it('reporting follows next across pages, in both formats', async () => {
    await control('POST', '/_simulator/behaviour', { reportingMaxEvents: 2 });
    await control('POST', '/_simulator/events', {
      events: [1, 2, 3, 4, 5].map((n) => ({
        username: `u${n}@example.com`,
        action: 'Failed Login Attempt',
        time: `2024-05-02 10:00:0${n}`,
      })),
    });
    const query = { from: '2024-05-02 00:00:00', to: '2024-05-02 23:59:59' };
    const log = await client.getEvents(query);
    expect(log.events.map((event) => event.username)).toEqual([
      'u5@example.com',
      'u4@example.com',
      'u3@example.com',
      'u2@example.com',
      'u1@example.com',
    ]);
    expect(log.events[0]).toMatchObject({ time: '2024-05-02 10:00:05', action: 'Failed Login Attempt' });
    expect(await simCalls('reporting')).toHaveLength(3);
    const siem = await client.getEvents({ ...query, format: 'siem' });
    expect(siem.events).toHaveLength(5);
    expect(siem.events.every((event) => event.id !== null)).toBe(true);
  });

  it('expiredmasterpwlist follows the continuation token', async () => {
    await seedUsers([
      { username: 'a@example.com', lastPwChange: '2020-01-01T00:00:00Z' },
      { username: 'b@example.com', lastPwChange: '2020-01-01T00:00:00Z' },
      { username: 'c@example.com', lastPwChange: new Date().toISOString() },
    ]);
    const list = await client.getExpiredMasterPasswords({ limit: 1 });
    expect(list.items.map((item) => item.username)).toEqual(['a@example.com', 'b@example.com']);
    expect(typeof list.items[0]?.userId).toBe('number');
    expect(list.continuationToken).toBeNull();
    expect(await simCalls('expiredmasterpwlist')).toHaveLength(2);
  });

  it('call() reaches any command and classifies the answer', async () => {
    const answer = await client.call('getuserdata', { username: 'nobody@example.com' });
    expect(answer).toMatchObject({ outcome: 'success', status: null });
    const error = await failure(client.call('getlicenses'));
    expect(error).toBeInstanceOf(LastPassRejectedError);
    expect((error as LastPassRejectedError).errors).toEqual(['unknown command: getlicenses']);
  });

  it('pushsitestousers is refused without reaching LastPass', async () => {
    await expect(client.pushSitesToUsers()).rejects.toBeInstanceOf(LastPassRemovedCommandError);
    await expect(client.call('pushsitestousers', { users: 'all' })).rejects.toBeInstanceOf(LastPassRemovedCommandError);
    expect(await simCalls()).toEqual([]);
  });
});

describe('faults', () => {
  it.each(['http500', 'http502', 'http503', 'html403', 'drop'] as const)(
    '%s once: retried in-request, then success',
    async (kind) => {
      await seedUsers([{ username: 'a@example.com' }]);
      await setFaults({ nextFaults: [{ kind, count: 1 }] });
      const data = await client.getUserData({ username: 'a@example.com' });
      expect(data.users).toHaveLength(1);
      expect((await simCalls('getuserdata')).map((call) => call.fault)).toEqual([kind, null]);
    },
  );

  it('5xx on every attempt: a bounded number of attempts, then a transient error', async () => {
    await setFaults({ nextFaults: [{ kind: 'http503', count: 10 }] });
    const error = await failure(client.getUserData());
    expect(error).toBeInstanceOf(LastPassTransientError);
    expect(error).toMatchObject({ httpStatus: 503 });
    expect(await simCalls('getuserdata')).toHaveLength(3);
  });

  it('http429 with a long Retry-After is surfaced at once with its delay', async () => {
    await setFaults({ retryAfterSeconds: 30, nextFaults: [{ kind: 'http429', count: 1 }] });
    const error = await failure(client.getSharedFolders());
    expect(error).toBeInstanceOf(LastPassTransientError);
    expect(error).toMatchObject({ httpStatus: 429, retryAfterMs: 30_000 });
    expect(await simCalls('getsfdata')).toHaveLength(1);
  });

  it('http429 with Retry-After: 1 is waited for in-request', async () => {
    await setFaults({ retryAfterSeconds: 1, nextFaults: [{ kind: 'http429', count: 1 }] });
    expect(await client.getSharedFolders()).toEqual([]);
    expect((await simCalls('getsfdata')).map((call) => call.fault)).toEqual(['http429', null]);
  });

  it('the rate limit answers 429 with Retry-After, surfaced to the caller', async () => {
    await setFaults({ rateLimit: { requestsPerSecond: 0.1, burst: 1 } });
    await client.getSharedFolders();
    const error = await failure(client.getSharedFolders());
    expect(error).toBeInstanceOf(LastPassTransientError);
    expect(error).toMatchObject({ httpStatus: 429 });
    expect((error as LastPassTransientError).retryAfterMs).toBeGreaterThan(1000);
  });

  it('slow answers beyond the headers timeout are transient', async () => {
    await setFaults({ slowMs: 3000, nextFaults: [{ kind: 'slow', count: 3 }] });
    const error = await failure(client.getUserData());
    expect(error).toBeInstanceOf(LastPassTransientError);
    expect(error.message).toContain('UND_ERR_HEADERS_TIMEOUT');
  });

  it('a deluser whose answer is lost is not repeated in-request; the gateway settles it later', async () => {
    await seedUsers([{ username: 'a@example.com' }]);
    await setFaults({ nextFaults: [{ kind: 'dropAfterApply', count: 1, cmd: 'deluser' }] });
    const first = await gateway.execute([{ kind: 'delete_user', username: 'a@example.com', action: 'delete' }]);
    expect(first).toEqual([
      { status: 'retry', reason: expect.stringContaining('LastPass deluser') as unknown, mayHaveApplied: true },
    ]);
    expect(await simCalls('deluser')).toHaveLength(1);
    expect(await userState('a@example.com')).toMatchObject({ deleted: true });
    // The outbox retries: LastPass says the user does not exist, the lookup shows it gone.
    const second = await gateway.execute([{ kind: 'delete_user', username: 'a@example.com', action: 'delete' }]);
    expect(second).toEqual([{ status: 'done', detail: 'already absent from LastPass', userAbsent: true }]);
  });

  it('authError fault and a wrong provhash are authentication errors, not retried', async () => {
    await setFaults({ nextFaults: [{ kind: 'authError', count: 1 }] });
    await expect(client.getUserData()).rejects.toBeInstanceOf(LastPassAuthError);
    const wrong = newClient('not-the-hash');
    try {
      await expect(wrong.getUserData()).rejects.toBeInstanceOf(LastPassAuthError);
    } finally {
      await wrong.close();
    }
    expect(await simCalls('getuserdata')).toHaveLength(2);
  });

  it('authBroken: the gateway answers auth_failed for every command', async () => {
    await setFaults({ authBroken: true });
    const outcomes = await gateway.execute([
      { kind: 'disable_user', username: 'a@example.com' },
      { kind: 'disable_user', username: 'b@example.com' },
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['auth_failed', 'auth_failed']);
  });
});

describe('gateway against the simulator', () => {
  it('batches adds, then resolves a too-large batch by sending each alone', async () => {
    await setFaults({ batchMax: { batchadd: 2 } });
    const commands = ['a', 'b', 'c'].map((name) => ({
      kind: 'add_user' as const,
      username: `${name}@example.com`,
      groups: ['Eng'],
    }));
    const outcomes = await gateway.execute(commands);
    expect(outcomes).toEqual([{ status: 'done' }, { status: 'done' }, { status: 'done' }]);
    expect((await simCalls('batchadd')).map((call) => call.outcome)).toEqual(['fail', 'ok', 'ok', 'ok']);
  });

  it('disable twice: the second run is done (already disabled); an unknown user fails', async () => {
    await seedUsers([{ username: 'a@example.com' }]);
    const run = (): Promise<unknown> =>
      gateway.execute([
        { kind: 'disable_user', username: 'a@example.com' },
        { kind: 'disable_user', username: 'ghost@example.com' },
      ]);
    expect(await run()).toEqual([
      { status: 'done' },
      { status: 'failed', reason: 'LastPass success: ghost@example.com does not exist', unknownUser: true },
    ]);
    expect(await run()).toEqual([
      { status: 'done', detail: 'already disabled' },
      { status: 'failed', reason: 'LastPass success: ghost@example.com does not exist', unknownUser: true },
    ]);
  });

  it('enable of a user deactivated by deluser 0 is not reported done', async () => {
    await seedUsers([{ username: 'a@example.com' }]);
    await client.deleteUser('a@example.com', 'deactivate');
    const outcomes = await gateway.execute([{ kind: 'enable_user', username: 'a@example.com' }]);
    expect(outcomes).toEqual([
      { status: 'failed', reason: 'user is not enabled in LastPass; LastPass listed the user as unchanged' },
    ]);
  });

  it('group changes and account actions, one outcome per command in order', async () => {
    await seedUsers([{ username: 'a@example.com' }, { username: 'inv@example.com', status: 'invited' }]);
    expect(
      await gateway.execute([
        { kind: 'change_groups', username: 'a@example.com', add: ['X'], del: [] },
        { kind: 'change_groups', username: 'ghost@example.com', add: ['X'], del: [] },
      ]),
    ).toEqual([{ status: 'done' }, { status: 'failed', reason: 'LastPass WARN: ghost@example.com does not exist', unknownUser: true }]);
    expect(
      await gateway.execute([
        { kind: 'reinvite_user', username: 'inv@example.com' },
        { kind: 'reinvite_user', username: 'a@example.com' },
      ]),
    ).toEqual([
      { status: 'done' },
      { status: 'failed', reason: 'LastPass reinviteuser: status FAIL: a@example.com has already accepted the invitation' },
    ]);
  });
});
