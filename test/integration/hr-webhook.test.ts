import { gzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '../../src/config/load-config.ts';
import { type RunningLpprov, startLpprov } from '../../src/main.ts';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import { hrEvent } from '../fixtures/hr-events.ts';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases.ts';
import { type CapturedLogs, captureLogs } from '../support/log-capture.ts';

const CREDENTIALS = { cid: '8771312', provhash: 'webhook-test-provisioning-hash-77' };
const TOKEN = 'hr-webhook-token-current-0001';
const ROTATED_TOKEN = 'hr-webhook-token-next-000000002';

interface WebhookAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: {
    accepted?: number;
    rejected?: number;
    error?: string;
    results?: { index: number; id?: string; source?: string; result?: string; error?: string }[];
  };
}

/**
 * The HR webhook over real HTTP on loopback, against lpprov started in-process on each engine:
 * authentication, one transaction per request, per-item answers, dead letters, limits.
 */
describe.each(ENGINES)('HR webhook on %s', (engine) => {
  let simulator: RunningSimulator;
  let testDb: TestDatabase;
  let lpprov: RunningLpprov;
  let logs: CapturedLogs;

  const post = async (body: string | Buffer, headers: Record<string, string> = {}): Promise<WebhookAnswer> => {
    const response = await fetch(`${lpprov.httpUrl}/hr/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
      body,
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as WebhookAnswer['body'] };
  };
  const postJson = (value: unknown, headers: Record<string, string> = {}) => post(JSON.stringify(value), headers);

  beforeAll(async () => {
    simulator = await startSimulator({ ...CREDENTIALS, port: 0 });
    testDb = await createTestDatabase(engine);
    logs = captureLogs('debug');
    lpprov = await startLpprov(
      loadConfig({
        LASTPASS_URL: simulator.endpoint,
        LASTPASS_CID: CREDENTIALS.cid,
        LASTPASS_PROVHASH: CREDENTIALS.provhash,
        DATABASE_URL: testDb.databaseUrl,
        HR_WEBHOOK_TOKENS: `${TOKEN},${ROTATED_TOKEN}`,
        PORT: '0',
      }),
      { logger: logs.logger },
    );
  });
  afterAll(async () => {
    await lpprov.stop();
    await simulator.stop();
    await testDb.dispose();
  });

  it('refuses a request without a token or with a wrong one, and never logs the token', async () => {
    const event = hrEvent();
    const wrong = 'hr-webhook-token-wrong-99999999';
    const missing = await postJson(event, { authorization: '' });
    const invalid = await postJson(event, { authorization: `Bearer ${wrong}` });
    const basic = await postJson(event, { authorization: `Basic ${Buffer.from(`hr:${TOKEN}`).toString('base64')}` });

    for (const answer of [missing, invalid, basic]) {
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm="lpprov"/);
      expect(answer.body.error).toBe('a valid bearer token is required');
    }
    expect(invalid.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(await testDb.db.query('SELECT 1 FROM inbox UNION ALL SELECT 1 FROM dead_letters')).toEqual([]);

    // Accepted requests below must not leak it either; checked here and again at the end.
    await postJson(hrEvent(), { authorization: `Bearer ${ROTATED_TOKEN}` });
    for (const secret of [TOKEN, ROTATED_TOKEN, wrong, CREDENTIALS.provhash]) expect(logs.text()).not.toContain(secret);
    expect(logs.lines().filter((line) => line.msg === 'HR webhook request refused: no valid bearer token')).toHaveLength(3);
  });

  it('takes one event (202) and stores inbox, person and outbox in one go', async () => {
    const event = hrEvent({ personId: 'P-WH-0001', email: 'one@acme.example' });
    const answer = await postJson(event, { 'content-type': 'application/cloudevents+json; charset=utf-8' });

    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({
      accepted: 1,
      rejected: 0,
      results: [{ index: 0, id: event.id, source: event.source, result: 'applied' }],
    });
    // The answer came after the commit: the rows are there already.
    expect(await testDb.db.query('SELECT outcome FROM inbox WHERE event_id = $1', [String(event.id)])).toEqual([{ outcome: 'applied' }]);
    expect(await testDb.db.query('SELECT person_id FROM people WHERE person_id = $1', ['P-WH-0001'])).toHaveLength(1);
    expect(await testDb.db.query('SELECT kind FROM outbox WHERE person_id = $1', ['P-WH-0001'])).toEqual([{ kind: 'add_user' }]);
  });

  it('takes a batch (202) and answers a resent event as duplicate', async () => {
    const events = [hrEvent({ personId: 'P-WH-0002' }), hrEvent({ personId: 'P-WH-0003' })];
    const first = await postJson(events, { 'content-type': 'application/cloudevents-batch+json' });
    expect(first.status).toBe(202);
    expect(first.body.results?.map((r) => [r.index, r.id, r.result])).toEqual([
      [0, events[0]?.id, 'applied'],
      [1, events[1]?.id, 'applied'],
    ]);

    const again = await postJson(events[1]);
    expect(again.status).toBe(202);
    expect(again.body.results).toEqual([{ index: 0, id: events[1]?.id, source: events[1]?.source, result: 'duplicate' }]);
    expect(await testDb.db.query('SELECT 1 FROM outbox WHERE person_id = $1', ['P-WH-0003'])).toHaveLength(1);
  });

  it('answers 400 with per-item reasons for a mixed batch, takes the valid items and dead-letters the others', async () => {
    const good = [hrEvent({ personId: 'P-WH-0004' }), hrEvent({ personId: 'P-WH-0005' })];
    const badType: Record<string, unknown> = { ...hrEvent({ personId: 'P-WH-0006' }), type: 'io.lpprov.hr.worker.exploded.v1' };
    const batch = [good[0], badType, 'not an event', good[1]];
    const deadBefore = await testDb.db.query('SELECT id FROM dead_letters');

    const answer = await postJson(batch);

    expect(answer.status).toBe(400);
    expect(answer.body.accepted).toBe(2);
    expect(answer.body.rejected).toBe(2);
    const results = answer.body.results ?? [];
    expect(results.map((r) => [r.index, r.result ?? 'error'])).toEqual([
      [0, 'applied'],
      [1, 'error'],
      [2, 'error'],
      [3, 'applied'],
    ]);
    expect(results[1]).toMatchObject({ id: badType.id, source: badType.source });
    expect(results[1]?.error).toMatch(/^type: /);
    expect(results[2]?.error).toMatch(/^event: /);

    for (const person of ['P-WH-0004', 'P-WH-0005']) {
      expect(await testDb.db.query('SELECT 1 FROM people WHERE person_id = $1', [person])).toHaveLength(1);
      expect(await testDb.db.query('SELECT 1 FROM outbox WHERE person_id = $1', [person])).toHaveLength(1);
    }
    expect(await testDb.db.query('SELECT 1 FROM people WHERE person_id = $1', ['P-WH-0006'])).toEqual([]);
    const dead = await testDb.db.query<{ source: string; reason: string; raw: string }>(
      'SELECT source, reason, raw FROM dead_letters ORDER BY id',
    );
    expect(dead.slice(deadBefore.length)).toEqual([
      { source: 'webhook', reason: results[1]?.error, raw: JSON.stringify(badType) },
      { source: 'webhook', reason: results[2]?.error, raw: '"not an event"' },
    ]);
  });

  it('answers 400 for a body that is not JSON and keeps it as a dead letter', async () => {
    const body = '{"specversion": "1.0", "id": ';
    const answer = await post(body);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      accepted: 0,
      rejected: 1,
      results: [{ index: 0, error: 'the request body is not valid JSON' }],
    });
    expect(await testDb.db.query('SELECT source, reason FROM dead_letters WHERE raw = $1', [body])).toEqual([
      { source: 'webhook', reason: 'the request body is not valid JSON' },
    ]);
  });

  it('answers 413 for a body over 1 MiB or a batch over 500 events, and takes nothing', async () => {
    const inboxBefore = await testDb.db.query('SELECT 1 FROM inbox');
    const big = hrEvent({ personId: 'P-WH-BIG' });
    const tooLarge = await postJson({ ...big, padding: 'x'.repeat(1024 * 1024) });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error).toBe('the request body is too large');

    // Compression does not get around the limit: it applies to the inflated body.
    const zipped = await post(gzipSync(JSON.stringify({ ...big, padding: 'y'.repeat(2 * 1024 * 1024) })), { 'content-encoding': 'gzip' });
    expect(zipped.status).toBe(413);

    const tooMany = await postJson(Array.from({ length: 501 }, () => hrEvent()));
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.error).toContain('at most 500 events');
    expect(await testDb.db.query('SELECT 1 FROM inbox')).toHaveLength(inboxBefore.length);
  });

  it('answers 415 for another content type and 405 for another method', async () => {
    const wrongType = await postJson(hrEvent(), { 'content-type': 'text/plain' });
    expect(wrongType.status).toBe(415);
    const get = await fetch(`${lpprov.httpUrl}/hr/events`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('answers 503 with Retry-After when the database fails, stores nothing, and logs it once', async () => {
    const event = hrEvent({ personId: 'P-WH-DOWN' });
    await testDb.db.execute('ALTER TABLE inbox RENAME TO inbox_away');
    let answer: WebhookAnswer;
    try {
      answer = await postJson([event, 'invalid too']);
    } finally {
      await testDb.db.execute('ALTER TABLE inbox_away RENAME TO inbox');
    }
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('5');
    expect(answer.body.error).toContain('retry later');
    expect(await testDb.db.query('SELECT 1 FROM people WHERE person_id = $1', ['P-WH-DOWN'])).toEqual([]);
    expect(await testDb.db.query('SELECT 1 FROM dead_letters WHERE raw = $1', ['"invalid too"'])).toEqual([]);
    expect(logs.lines().filter((line) => line.level === 'error')).toHaveLength(1);

    // The sender's retry then goes through.
    const retried = await postJson(event);
    expect(retried.status).toBe(202);
    expect(retried.body.results?.[0]?.result).toBe('applied');
    for (const secret of [TOKEN, ROTATED_TOKEN]) expect(logs.text()).not.toContain(secret);
  });
});

describe('HR webhook without HR_WEBHOOK_TOKENS', () => {
  let simulator: RunningSimulator;
  let testDb: TestDatabase;
  let lpprov: RunningLpprov;
  let logs: CapturedLogs;

  beforeAll(async () => {
    simulator = await startSimulator({ ...CREDENTIALS, port: 0 });
    testDb = await createTestDatabase('sqlite');
    logs = captureLogs('debug');
    lpprov = await startLpprov(
      loadConfig({
        LASTPASS_URL: simulator.endpoint,
        LASTPASS_CID: CREDENTIALS.cid,
        LASTPASS_PROVHASH: CREDENTIALS.provhash,
        DATABASE_URL: testDb.databaseUrl,
        PORT: '0',
      }),
      { logger: logs.logger },
    );
  });
  afterAll(async () => {
    await lpprov.stop();
    await simulator.stop();
    await testDb.dispose();
  });

  it('is closed: every request gets 401, whatever token it carries', async () => {
    for (const authorization of ['', `Bearer ${TOKEN}`, 'Bearer ']) {
      const response = await fetch(`${lpprov.httpUrl}/hr/events`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify(hrEvent()),
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
    }
    expect(await testDb.db.query('SELECT 1 FROM inbox')).toEqual([]);
    expect(logs.lines().some((line) => String(line.msg).startsWith('HR_WEBHOOK_TOKENS is not set'))).toBe(true);
  });
});
