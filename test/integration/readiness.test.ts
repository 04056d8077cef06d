import { afterEach, describe, expect, it } from 'vitest';

import type { HrInput, HrInputResult } from '../../src/app/hr-input.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { HrKafkaConsumer } from '../../src/consumers/kafka-hr-consumer.ts';
import { type RunningLpprov, startLpprov } from '../../src/main.ts';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import { hrEvent } from '../fixtures/hr-events.ts';
import { createPostgresDatabase, createTestDatabase, ENGINES, type TestDatabase } from '../support/databases.ts';
import { createTestTopic, kafkaBrokers, kafkaClient, randomGroupId, waitFor } from '../support/kafka.ts';
import { captureLogs } from '../support/log-capture.ts';
import { parsePrometheusText, valueOf } from '../support/prometheus-text.ts';

const CREDENTIALS = { cid: '8771315', provhash: 'readiness-test-provisioning-hash-91d' };
const WEBHOOK_TOKEN = 'hr-webhook-token-readiness-0001';

interface Readyz {
  readonly status: number;
  readonly body: { status: string; checks: Record<string, { status: string; state?: string; reason?: string }> };
}

async function readyz(lpprov: RunningLpprov): Promise<Readyz> {
  const response = await fetch(`${lpprov.httpUrl}/readyz`);
  return { status: response.status, body: (await response.json()) as Readyz['body'] };
}

function lpprovEnv(simulator: RunningSimulator, databaseUrl: string, provhash = CREDENTIALS.provhash): Record<string, string> {
  return {
    LASTPASS_URL: simulator.endpoint,
    LASTPASS_CID: CREDENTIALS.cid,
    LASTPASS_PROVHASH: provhash,
    DATABASE_URL: databaseUrl,
    HR_WEBHOOK_TOKENS: WEBHOOK_TOKEN,
    PORT: '0',
  };
}

/** /readyz against real databases and a real LastPass simulator: what makes lpprov unready and what does not. */
describe('/readyz', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('turns 503 when the PostgreSQL database is gone, while /metrics still answers', async () => {
    const simulator = await startSimulator({ ...CREDENTIALS, port: 0 });
    cleanups.push(() => simulator.stop());
    const database = await createPostgresDatabase();
    let dropped = false;
    cleanups.push(async () => {
      if (!dropped) await database.drop();
    });
    const lpprov = await startLpprov(loadConfig(lpprovEnv(simulator, database.url)), { logger: captureLogs('fatal').logger });
    cleanups.push(() => lpprov.stop());

    const before = await readyz(lpprov);
    expect(before.status).toBe(200);
    expect(before.body).toEqual({
      status: 'ready',
      checks: { database: { status: 'ok' }, kafka: { status: 'not_configured' }, lastpass: { status: 'configured' } },
    });

    // DROP ... WITH (FORCE) ends lpprov's sessions too: every new connection is refused.
    await database.drop();
    dropped = true;

    const after = await readyz(lpprov);
    expect(after.status).toBe(503);
    expect(after.body.status).toBe('not_ready');
    expect(after.body.checks['database']).toEqual({ status: 'failed', reason: 'the query failed' });

    const metrics = await fetch(`${lpprov.httpUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(valueOf(parsePrometheusText(await metrics.text()), 'lpprov_metrics_database_read_ok')).toBe(0);
  });

  it.each(ENGINES)('stays 200 on %s when LastPass refuses the credentials, and says so', async (engine) => {
    // The simulator knows the real hash; lpprov is configured with another.
    const simulator = await startSimulator({ ...CREDENTIALS, port: 0 });
    cleanups.push(() => simulator.stop());
    const testDb: TestDatabase = await createTestDatabase(engine);
    cleanups.push(() => testDb.dispose());
    const lpprov = await startLpprov(loadConfig(lpprovEnv(simulator, testDb.databaseUrl, 'not-the-provisioning-hash-00000')), {
      logger: captureLogs('fatal').logger,
    });
    cleanups.push(() => lpprov.stop());
    expect((await readyz(lpprov)).body.checks['lastpass']).toEqual({ status: 'configured' });

    const answer = await fetch(`${lpprov.httpUrl}/hr/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${WEBHOOK_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(hrEvent({ personId: `P-RZ-${engine}` })),
    });
    expect(answer.status).toBe(202);

    await waitFor(async () => (await readyz(lpprov)).body.checks['lastpass']?.status === 'refused', {
      description: 'the refused credentials to show in /readyz',
    });
    const refused = await readyz(lpprov);
    expect(refused.status).toBe(200);
    expect(refused.body.status).toBe('ready');

    // The input was taken and waits in the outbox; the refused call is counted as such.
    const families = parsePrometheusText(await (await fetch(`${lpprov.httpUrl}/metrics`)).text());
    expect(valueOf(families, 'lpprov_events_received_total', { source: 'webhook', outcome: 'applied' })).toBe(1);
    expect(valueOf(families, 'lpprov_lastpass_calls_total', { command: 'batchadd', outcome: 'auth' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(families, 'lpprov_outbox_commands', { kind: 'add_user', status: 'pending' })).toBe(1);
  });
});

/** The consumer's readiness follows kafkajs's own events against the real broker. */
describe('HrKafkaConsumer readiness', () => {
  let consumer: HrKafkaConsumer | undefined;
  afterEach(async () => {
    await consumer?.stop();
    consumer = undefined;
  });

  function newConsumer(topic: string, apply: (inputs: readonly HrInput[]) => Promise<HrInputResult[]>, fatal: Error[]): HrKafkaConsumer {
    return new HrKafkaConsumer({
      config: { brokers: kafkaBrokers(), topic, groupId: randomGroupId(), sessionTimeoutMs: 10_000 },
      logger: captureLogs('fatal').logger,
      apply,
      onFatal: (error) => fatal.push(error),
      tuning: { maxWaitTimeInMs: 250, initialRetryTimeMs: 100, retries: 0, maxRestarts: 0 },
    });
  }

  it('is ready once in its group and not after stopping', async () => {
    const topic = await createTestTopic(1);
    consumer = newConsumer(topic, (inputs) => Promise.resolve(inputs.map(() => 'applied' as const)), []);
    expect(consumer.readiness()).toEqual({ ready: false, state: 'starting' });

    await consumer.start();
    expect(consumer.readiness()).toEqual({ ready: true, state: 'joined' });

    await consumer.stop();
    expect(consumer.readiness()).toEqual({ ready: false, state: 'stopped' });
    consumer = undefined;
  });

  it('is not ready after it gave up', async () => {
    const topic = await createTestTopic(1);
    const fatal: Error[] = [];
    consumer = newConsumer(topic, () => Promise.reject(new Error('database unavailable')), fatal);
    await consumer.start();
    const producer = kafkaClient('readiness-producer').producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'P-1', value: JSON.stringify(hrEvent()) }] });
    await producer.disconnect();

    await waitFor(() => fatal.length > 0, { description: 'the consumer to give up' });
    expect(consumer.readiness()).toEqual({ ready: false, state: 'failed' });
  });
});
