import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { LastPassAuthError, LastPassRejectedError, LastPassTransientError } from '../../../src/lastpass/errors.ts';
import type { LastPassClient } from '../../../src/lastpass/lastpass.client.ts';
import { AUTH_ERROR_XML, EDGE_HTML_403, GETUSERDATA_RECORDED } from './support/reference-answers.ts';
import { startScriptedServer, type ScriptedServer } from './support/scripted-server.ts';
import { testClient, type CapturedLog } from './support/test-client.ts';

let server: ScriptedServer;
let client: LastPassClient;
let log: CapturedLog;

beforeEach(async () => {
  server = await startScriptedServer();
  // 2 retries (3 attempts), 1-5 ms apart; Retry-After up to 1 s is waited for.
  ({ client, log } = testClient(server.url));
});

afterEach(async () => {
  await client.close();
  await server.close();
});

describe('in-request retries', () => {
  it('retries a 503 and succeeds on the next attempt', async () => {
    server.script({ status: 503, body: 'busy' }, { body: GETUSERDATA_RECORDED });
    const data = await client.getUserData();
    expect(data.users).toHaveLength(3);
    expect(server.requests).toHaveLength(2);
  });

  it('stops after the bounded number of attempts and surfaces the transient error', async () => {
    server.script({ status: 502, body: 'bad gateway' });
    await expect(client.getUserData()).rejects.toBeInstanceOf(LastPassTransientError);
    expect(server.requests).toHaveLength(3);
  });

  it('retries an HTML 403 from the edge', async () => {
    server.script({ status: 403, body: EDGE_HTML_403 }, { body: { status: 'OK' } });
    await client.updateUser({ username: 'a@example.com', fullname: 'A' });
    expect(server.requests).toHaveLength(2);
  });

  it('waits for a short Retry-After before retrying', async () => {
    server.script({ status: 429, headers: { 'retry-after': '1' }, body: '' }, { body: { status: 'OK' } });
    const started = performance.now();
    await client.updateUser({ username: 'a@example.com', fullname: 'A' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.requests).toHaveLength(2);
  });

  it('does not wait for a long Retry-After: one request, the error carries it', async () => {
    server.script({ status: 429, headers: { 'retry-after': '2' }, body: '' }, { body: { status: 'OK' } });
    const started = performance.now();
    const error: unknown = await client.updateUser({ username: 'a@example.com', fullname: 'A' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LastPassTransientError);
    expect((error as LastPassTransientError).retryAfterMs).toBe(2000);
    // It gave up at once instead of waiting the 2 s it was asked to.
    expect(performance.now() - started).toBeLessThan(2000);
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry a rejection', async () => {
    server.script({ body: { status: 'FAIL', errors: ['nope'] } }, { body: { status: 'OK' } });
    await expect(client.batchAdd([{ username: 'a@example.com' }])).rejects.toBeInstanceOf(LastPassRejectedError);
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry an authentication failure', async () => {
    server.script({ body: AUTH_ERROR_XML }, { body: { status: 'OK' } });
    await expect(client.getSharedFolders()).rejects.toBeInstanceOf(LastPassAuthError);
    expect(server.requests).toHaveLength(1);
  });

  it('does not repeat a deluser whose outcome is unknown (dropped after sending)', async () => {
    server.script({ drop: true }, { body: { status: 'OK' } });
    await expect(client.deleteUser('a@example.com', 'delete')).rejects.toMatchObject({
      name: 'LastPassTransientError',
      mayHaveApplied: true,
    });
    expect(server.requests).toHaveLength(1);
  });

  it('repeats a deluser that LastPass throttled before acting', async () => {
    server.script({ status: 429, body: '' }, { body: { status: 'OK' } });
    await client.deleteUser('a@example.com', 'delete');
    expect(server.requests).toHaveLength(2);
  });

  it('repeats an idempotent command whose outcome is unknown', async () => {
    server.script({ drop: true }, { body: { status: 'success', disabled_users: ['a@example.com'] } });
    const result = await client.disableUsers(['a@example.com']);
    expect(result.items).toEqual([{ username: 'a@example.com', result: 'applied' }]);
    expect(server.requests).toHaveLength(2);
  });

  it('logs one debug line per call with cmd, duration, attempts and outcome', async () => {
    server.script({ status: 503, body: '' }, { body: GETUSERDATA_RECORDED });
    await client.getUserData({ username: 'ann@example.com' });
    const lines = log.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      component: 'lastpass',
      level: 'debug',
      cmd: 'getuserdata',
      attempts: 2,
      outcome: 'success',
      msg: 'lastpass call',
    });
    expect(typeof lines[0]?.['durationMs']).toBe('number');
  });

  it('logs a failed call once, with its classification', async () => {
    server.script({ status: 429, headers: { 'retry-after': '60' }, body: '' });
    await expect(client.getUserData()).rejects.toBeInstanceOf(LastPassTransientError);
    expect(log.lines()).toEqual([
      expect.objectContaining({ cmd: 'getuserdata', outcome: 'transient', httpStatus: 429, retryAfterMs: 60_000, attempts: 1 }),
    ]);
  });
});
