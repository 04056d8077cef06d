import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '../../src/config/load-config.ts';
import { SqlDeadLetterAdmin } from '../../src/db/dead-letter-admin.ts';
import { type RunningLpprov, startLpprov } from '../../src/main.ts';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import { hrEvent } from '../fixtures/hr-events.ts';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases.ts';
import { createTestTopic, kafkaBrokers, kafkaClient, randomGroupId, waitFor } from '../support/kafka.ts';
import { listedUsernames } from '../support/lastpass-wire.ts';
import { captureLogs } from '../support/log-capture.ts';
import { type MetricFamily, familyOf, parsePrometheusText, samplesOf, valueOf } from '../support/prometheus-text.ts';
import { SCIM_SCHEMAS, ScimClient } from '../support/scim-http.ts';
import { simulatorCalls } from '../support/simulator-calls.ts';

const CREDENTIALS = { cid: '8771314', provhash: 'metrics-test-provisioning-hash-5a2c' };
const WEBHOOK_TOKEN = 'hr-webhook-token-metrics-000001';
const SCIM_TOKEN = 'scim-token-metrics-test-0000001';

/** The metrics the observability issue names, with the type Prometheus must see. */
const NAMED_METRICS: Readonly<Record<string, MetricFamily['type']>> = {
  lpprov_events_received_total: 'counter',
  lpprov_commands_total: 'counter',
  lpprov_lastpass_calls_total: 'counter',
  lpprov_lastpass_call_duration_seconds: 'histogram',
  lpprov_outbox_commands: 'gauge',
  lpprov_outbox_queue_depth: 'gauge',
  lpprov_outbox_oldest_pending_age_seconds: 'gauge',
  lpprov_outbox_dead_commands: 'gauge',
  lpprov_input_dead_letters: 'gauge',
  lpprov_breaker_open: 'gauge',
  lpprov_dispatch_paused: 'gauge',
  lpprov_lastpass_auth_failures_total: 'counter',
  lpprov_commands_parked_total: 'counter',
  lpprov_metrics_database_read_ok: 'gauge',
};

type Families = Map<string, MetricFamily>;

const sum = (families: Families, name: string, labels: Record<string, string> = {}): number =>
  samplesOf(families, name, labels).reduce((total, sample) => total + sample.value, 0);

/**
 * lpprov started in-process with every input channel (Kafka, webhook, SCIM) on each engine: one
 * input through each, dispatched to the simulator, then /metrics parsed strictly as Prometheus
 * text and checked against what happened, down to the simulator's own call log.
 */
describe.each(ENGINES)('/metrics on %s', (engine) => {
  let simulator: RunningSimulator;
  let testDb: TestDatabase;
  let lpprov: RunningLpprov;
  let topic: string;

  beforeAll(async () => {
    simulator = await startSimulator({ ...CREDENTIALS, port: 0 });
    testDb = await createTestDatabase(engine);
    topic = await createTestTopic(1);
    lpprov = await startLpprov(
      loadConfig({
        LASTPASS_URL: simulator.endpoint,
        LASTPASS_CID: CREDENTIALS.cid,
        LASTPASS_PROVHASH: CREDENTIALS.provhash,
        DATABASE_URL: testDb.databaseUrl,
        KAFKA_BROKERS: kafkaBrokers().join(','),
        KAFKA_TOPIC: topic,
        KAFKA_GROUP_ID: randomGroupId(),
        HR_WEBHOOK_TOKENS: WEBHOOK_TOKEN,
        SCIM_TOKENS: SCIM_TOKEN,
        LASTPASS_RATE_PER_SECOND: '0',
        PORT: '0',
      }),
      { logger: captureLogs('info').logger },
    );
  });
  afterAll(async () => {
    await lpprov?.stop();
    await simulator?.stop();
    await testDb?.dispose();
  });

  const scrape = async (): Promise<Families> => {
    const response = await fetch(`${lpprov.httpUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(await response.text());
  };

  it('counts each channel, LastPass call and command, and parses as Prometheus text', async () => {
    const postWebhook = (body: unknown): Promise<Response> =>
      fetch(`${lpprov.httpUrl}/hr/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${WEBHOOK_TOKEN}`, 'content-type': 'application/cloudevents-batch+json' },
        body: JSON.stringify(body),
      });
    const dispatched = async (adds: number, disables: number): Promise<Families> => {
      let families: Families = new Map();
      await waitFor(
        async () => {
          families = await scrape();
          return (
            (valueOf(families, 'lpprov_commands_total', { kind: 'add_user', outcome: 'done' }) ?? 0) === adds &&
            (valueOf(families, 'lpprov_commands_total', { kind: 'disable_user', outcome: 'done' }) ?? 0) === disables &&
            valueOf(families, 'lpprov_outbox_queue_depth') === 0
          );
        },
        { description: `${adds} joiners added and ${disables} leavers disabled` },
      );
      return families;
    };

    // Webhook: a joiner and an item that is not an event (taken as a dead letter).
    const leaverId = `P-MX-${engine}-W`;
    const joined = hrEvent({ personId: leaverId, email: `w.${engine}@acme.example`, sequence: 1, time: '2026-01-05T08:00:00Z' });
    expect((await postWebhook([joined, 'not an event'])).status).toBe(400);

    const producer = kafkaClient('metrics-producer').producer();
    await producer.connect();
    const kafkaPerson = `P-MX-${engine}-K`;
    await producer.send({ topic, messages: [{ key: kafkaPerson, value: JSON.stringify(hrEvent({ personId: kafkaPerson, email: `k.${engine}@acme.example` })) }] });
    await producer.disconnect();

    const scim = new ScimClient(`${lpprov.httpUrl}/scim/v2`, SCIM_TOKEN);
    const scimUser = `s.${engine}@acme.example`;
    const created = await scim.post('/Users', {
      schemas: [SCIM_SCHEMAS.user],
      userName: scimUser,
      name: { givenName: 'Sam', familyName: 'Scim' },
      emails: [{ value: scimUser, type: 'work', primary: true }],
      active: true,
    });
    expect(created.status).toBe(201);

    await dispatched(3, 0);

    // Then the webhook joiner leaves: disabled now, deleted after the default 30-day grace.
    const left = hrEvent({ personId: leaverId, email: `w.${engine}@acme.example`, type: 'io.lpprov.hr.worker.left.v1', sequence: 2, time: '2026-01-05T09:00:00Z' });
    expect((await postWebhook([left])).status).toBe(202);
    await dispatched(3, 1);
    const families = await scrape();

    // Every named metric is there, typed and documented.
    for (const [name, type] of Object.entries(NAMED_METRICS)) {
      const family = familyOf(families, name);
      expect(family.type, name).toBe(type);
      expect(family.help, name).toMatch(/\w{3,}/);
    }

    // Inputs by channel and outcome, counted once durable.
    expect(valueOf(families, 'lpprov_events_received_total', { source: 'webhook', outcome: 'applied' })).toBe(2);
    expect(valueOf(families, 'lpprov_events_received_total', { source: 'webhook', outcome: 'dead_lettered' })).toBe(1);
    expect(valueOf(families, 'lpprov_events_received_total', { source: 'kafka', outcome: 'applied' })).toBe(1);
    expect(valueOf(families, 'lpprov_events_received_total', { source: 'scim', outcome: 'applied' })).toBe(1);

    // LastPass calls: the same number the simulator saw, per command; the histogram agrees.
    const seen = await simulatorCalls(simulator.url);
    expect(sum(families, 'lpprov_lastpass_calls_total')).toBe(seen.length);
    for (const command of ['batchadd', 'disableuser']) {
      expect(sum(families, 'lpprov_lastpass_calls_total', { command }), command).toBe(seen.filter((c) => c.cmd === command).length);
    }
    const batchaddOk = valueOf(families, 'lpprov_lastpass_calls_total', { command: 'batchadd', outcome: 'ok' }) ?? 0;
    expect(batchaddOk).toBeGreaterThanOrEqual(1);
    expect(valueOf(families, 'lpprov_lastpass_call_duration_seconds_count', { command: 'batchadd', outcome: 'ok' })).toBe(batchaddOk);
    expect(valueOf(families, 'lpprov_lastpass_call_duration_seconds_bucket', { command: 'batchadd', outcome: 'ok', le: '+Inf' })).toBe(batchaddOk);
    expect(valueOf(families, 'lpprov_lastpass_call_duration_seconds_sum', { command: 'batchadd', outcome: 'ok' })).toBeGreaterThan(0);

    // The outbox as the database has it: only the scheduled delete is open, and it is not due.
    expect(valueOf(families, 'lpprov_outbox_commands', { kind: 'delete_user', status: 'pending' })).toBe(1);
    expect(sum(families, 'lpprov_outbox_commands')).toBe(1);
    expect(valueOf(families, 'lpprov_outbox_queue_depth')).toBe(0);
    expect(valueOf(families, 'lpprov_outbox_oldest_pending_age_seconds')).toBe(0);
    expect(valueOf(families, 'lpprov_outbox_dead_commands')).toBe(0);
    const [letters] = await testDb.db.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM dead_letters WHERE resolved_at IS NULL');
    expect(Number(letters?.n)).toBe(1);
    expect(valueOf(families, 'lpprov_input_dead_letters')).toBe(1);
    expect(valueOf(families, 'lpprov_breaker_open')).toBe(0);
    expect(valueOf(families, 'lpprov_metrics_database_read_ok')).toBe(1);

    expect(await listedUsernames(simulator.endpoint, CREDENTIALS)).toEqual(
      expect.arrayContaining([`w.${engine}@acme.example`, `k.${engine}@acme.example`, scimUser]),
    );

    // Discarded (or retried), a dead letter needs nobody any more: the gauge counts open ones only.
    const deadLetters = new SqlDeadLetterAdmin(testDb.db);
    const [open] = await deadLetters.list();
    expect(await deadLetters.resolve(open?.id ?? 0, 'discarded by metrics-test: not an event', Date.now())).toBe(true);
    expect(valueOf(await scrape(), 'lpprov_input_dead_letters')).toBe(0);
  });

  it('counts a refused SCIM write as rejected, and neither reads nor unauthenticated requests', async () => {
    const scim = new ScimClient(`${lpprov.httpUrl}/scim/v2`, SCIM_TOKEN);
    const before = await scrape();
    const refused = await scim.post('/Users', { schemas: [SCIM_SCHEMAS.user] });
    expect(refused.status).toBe(400);
    await scim.get('/Users'); // reads are not inputs
    await scim.post('/Users', { schemas: [SCIM_SCHEMAS.user], userName: 'x@acme.example' }, { token: 'not-the-token-000000000000' });

    const families = await scrape();
    const rejected = (f: Families): number => valueOf(f, 'lpprov_events_received_total', { source: 'scim', outcome: 'rejected' }) ?? 0;
    expect(rejected(families)).toBe(rejected(before) + 1);
    expect(sum(families, 'lpprov_events_received_total', { source: 'scim' })).toBe(sum(before, 'lpprov_events_received_total', { source: 'scim' }) + 1);
  });

  it('is ready: database answers, consumer in its group, LastPass credentials accepted', async () => {
    const response = await fetch(`${lpprov.httpUrl}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ready',
      checks: { database: { status: 'ok' }, kafka: { status: 'ok', state: 'joined' }, lastpass: { status: 'configured' } },
    });
  });
});
