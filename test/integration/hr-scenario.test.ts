import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '../../src/config/load-config.ts';
import { startLpprov } from '../../src/main.ts';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { acceptInvitation, checkScenarioOutcome, HrScenario, type ScenarioMessage, simulatorUsers, writeScenarioPolicy } from '../support/hr-scenario.ts';
import { createTestTopic, kafkaBrokers, kafkaClient, randomGroupId } from '../support/kafka.ts';
import { listedUsernames } from '../support/lastpass-wire.ts';
import { captureLogs } from '../support/log-capture.ts';
import { LpprovProcess } from '../support/lpprov-process.ts';
import { waitFor } from '../support/wait-for.ts';

const CREDENTIALS = { cid: '8771312', provhash: 'scenario-provhash-c81d2e' };
const WEBHOOK_TOKEN = 'scenario-webhook-token-0123456789';

async function produce(topic: string, messages: readonly ScenarioMessage[]): Promise<void> {
  const producer = kafkaClient('scenario-producer').producer({ maxInFlightRequests: 1, idempotent: false });
  await producer.connect();
  try {
    for (const m of messages) await producer.send({ topic, acks: -1, messages: [{ key: m.key, value: m.value }] });
  } finally {
    await producer.disconnect();
  }
}

async function createDlqTopic(topic: string): Promise<void> {
  const admin = kafkaClient('scenario-admin').admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: `${topic}.dlq`, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

async function readDlq(topic: string): Promise<{ value: string; headers: Record<string, string> }[]> {
  const consumer = kafkaClient('scenario-dlq-reader').consumer({ groupId: randomGroupId(), maxWaitTimeInMs: 100 });
  const seen: { value: string; headers: Record<string, string> }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: `${topic}.dlq`, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message }) => {
      const headers = Object.fromEntries(
        Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(Array.isArray(v) ? v[0] : v)]),
      );
      seen.push({ value: message.value?.toString() ?? '', headers });
      return Promise.resolve();
    },
  });
  try {
    await waitFor(() => seen.length > 0, { description: 'a message on the DLQ topic' });
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

/** Waits for the whole scenario to settle (C's future invitation and E's delete take a few seconds). */
async function settled(scenario: HrScenario, simulator: RunningSimulator, kills: readonly number[] = []): Promise<string[]> {
  let problems: string[] = ['not checked yet'];
  await waitFor(
    async () => {
      problems = await checkScenarioOutcome(scenario, simulator.url, await listedUsernames(simulator.endpoint, CREDENTIALS), kills);
      return problems.length === 0;
    },
    { intervalMs: 250, description: 'the scenario to settle' },
  ).catch(() => undefined);
  return problems;
}

/**
 * Sends the three waves, waiting between them as a real timeline would: the joiners are
 * provisioned before anyone moves or leaves, F's leave has run before the rehire, D has accepted
 * the invitation before the email change.
 */
async function playScenario(
  simulator: RunningSimulator,
  scenario: HrScenario,
  send: (messages: readonly ScenarioMessage[]) => Promise<void>,
): Promise<void> {
  const users = async () => simulatorUsers(simulator.url);
  await send(scenario.joiners());
  await waitFor(async () => {
    const present = new Set((await users()).map((u) => u.username));
    return scenario.firstWave().every((u) => present.has(u));
  }, { timeoutMs: 60_000, description: 'the joiners to be provisioned' });
  await send(scenario.moversAndLeavers());
  await waitFor(async () => (await users()).some((u) => u.username === scenario.email('F') && u.disabled), {
    description: 'F to be disabled',
  });
  await acceptInvitation(simulator.url, scenario.email('D'));
  await send(scenario.rehireAndEmail());
}

describe('HR lifecycle scenario', () => {
  let simulator: RunningSimulator;
  let policyFile: string;

  beforeAll(async () => {
    simulator = await startSimulator({ ...CREDENTIALS, port: 0 });
    policyFile = writeScenarioPolicy(mkdtempSync(join(tmpdir(), 'lpprov-scenario-')));
  });
  afterAll(async () => {
    await simulator.stop();
  });

  const baseEnv = (db: TestDatabase): Record<string, string> => ({
    LASTPASS_URL: simulator.endpoint,
    LASTPASS_CID: CREDENTIALS.cid,
    LASTPASS_PROVHASH: CREDENTIALS.provhash,
    DATABASE_URL: db.databaseUrl,
    POLICY_FILE: policyFile,
    HR_WEBHOOK_TOKENS: WEBHOOK_TOKEN,
    PORT: '0',
    DISPATCH_POLL_MS: '100',
    BREAKER_ENABLED: 'false',
    LASTPASS_RATE_PER_SECOND: '0',
  });

  it('through a real Kafka topic (PostgreSQL): 17 messages end in the planned LastPass state', async () => {
    const db = await createTestDatabase('postgres');
    const topic = await createTestTopic(3);
    await createDlqTopic(topic);
    const logs = captureLogs('info');
    const lpprov = await startLpprov(
      loadConfig({ ...baseEnv(db), KAFKA_BROKERS: kafkaBrokers().join(','), KAFKA_TOPIC: topic, KAFKA_GROUP_ID: randomGroupId() }),
      { logger: logs.logger },
    );
    const scenario = new HrScenario();
    try {
      await playScenario(simulator, scenario, (messages) => produce(topic, messages));
      expect(await settled(scenario, simulator)).toEqual([]);

      // The invalid message is recorded with its reason, in the table and on the DLQ topic,
      // and everything after it was processed (the checks above).
      const letters = await db.db.query<{ source: string; reason: string }>('SELECT source, reason FROM dead_letters');
      expect(letters).toHaveLength(1);
      expect(letters[0]?.source).toMatch(new RegExp(`^kafka:${topic}/\\d+/\\d+$`));
      expect(letters[0]?.reason).toContain('not JSON');
      const [dlq] = await readDlq(topic);
      expect(dlq?.value).toBe('{"specversion": "1.0", "type": ');
      expect(dlq?.headers['lpprov-original-topic']).toBe(topic);
      expect(dlq?.headers['lpprov-error']).toContain('not JSON');
      // The duplicate and the stale event are recorded as such.
      const inbox = await db.db.query<{ event_id: string; outcome: string }>('SELECT event_id, outcome FROM inbox ORDER BY event_id');
      expect(inbox.filter((r) => r.event_id.includes('-G-'))).toHaveLength(1);
      expect(inbox.find((r) => r.event_id.endsWith('-H-moved-2'))?.outcome).toBe('stale');
      expect(logs.text()).not.toContain(CREDENTIALS.provhash);
    } finally {
      await lpprov.stop();
      await db.dispose();
    }
  }, 300_000);

  it('through the webhook (SQLite): the same messages give the same state', async () => {
    const db = await createTestDatabase('sqlite');
    const lpprov = await startLpprov(loadConfig(baseEnv(db)), { logger: captureLogs('warn').logger });
    const scenario = new HrScenario();
    const post = async (m: ScenarioMessage): Promise<number> =>
      (
        await fetch(`${lpprov.httpUrl}/hr/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${WEBHOOK_TOKEN}` },
          body: m.value,
        })
      ).status;
    try {
      const statuses: number[] = [];
      await playScenario(simulator, scenario, async (messages) => {
        for (const m of messages) statuses.push(await post(m));
      });
      expect(statuses.filter((s) => s === 400)).toHaveLength(1); // the invalid one
      expect(statuses.filter((s) => s === 202)).toHaveLength(16);
      expect(await settled(scenario, simulator)).toEqual([]);
      expect(await db.db.query('SELECT reason FROM dead_letters')).toHaveLength(1);
    } finally {
      await lpprov.stop();
      await db.dispose();
    }
  }, 300_000);

  it('survives the worker being killed mid-scenario: same state, nothing lost, nothing sent twice but across the kill', async () => {
    const db = await createTestDatabase('sqlite');
    const topic = await createTestTopic(3);
    await createDlqTopic(topic);
    const env = {
      ...baseEnv(db),
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_TOPIC: topic,
      KAFKA_GROUP_ID: randomGroupId(),
      // The killed worker keeps its partitions until its session times out: the broker's minimum.
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      // And the commands it had claimed until their lease runs out (default 60 s); the lease is
      // extended every third of it while a process works, so 3 s leaves room for a slow machine.
      DISPATCH_LEASE_MS: '3000',
      LOG_LEVEL: 'warn',
    };
    const scenario = new HrScenario();
    let worker = LpprovProcess.start(env);
    try {
      const kills: number[] = [];
      await playScenario(simulator, scenario, async (messages) => {
        await produce(topic, messages);
        if (kills.length > 0) return;
        // Killed while it is taking in the first wave; a new worker takes over from the
        // committed offsets.
        await waitFor(async () => Number((await db.db.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM inbox'))[0]?.n) >= 3, {
          description: 'the worker to take in the first events',
        });
        // A command it sent just before it died may be sent again by the next worker, and only such a one.
        kills.push(Date.now());
        expect((await worker.kill('SIGKILL')).signal).toBe('SIGKILL');
        worker = LpprovProcess.start(env);
      });
      expect(await settled(scenario, simulator, kills)).toEqual([]);
      // Nothing was taken in twice (the inbox keys on source and id) or lost.
      expect(Number((await db.db.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM inbox'))[0]?.n)).toBe(15);
      expect(await db.db.query('SELECT reason FROM dead_letters')).toHaveLength(1);
    } finally {
      await worker.kill('SIGTERM');
      await db.dispose();
    }
  }, 300_000);
});
