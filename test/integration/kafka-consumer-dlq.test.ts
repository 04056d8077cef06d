import type { IHeaders } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '../../src/config/load-config.ts';
import { type RunningLpprov, startLpprov } from '../../src/main.ts';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import { hrEvent } from '../fixtures/hr-events.ts';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases.ts';
import { createTestTopic, kafkaBrokers, kafkaClient, randomGroupId, waitFor } from '../support/kafka.ts';
import { captureLogs } from '../support/log-capture.ts';

const CREDENTIALS = { cid: '8771312', provhash: 'dlq-test-provisioning-hash-5c2a' };
// Stands for personal data in a message that is not JSON: it must never reach a log line.
const POISON = 'name=Robin Roe; salary=123456; not json';

interface DlqMessage {
  readonly key: string | undefined;
  readonly value: string | undefined;
  readonly headers: Record<string, string>;
}

function headerText(headers: IHeaders | undefined): Record<string, string> {
  const text: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) text[name] = (Array.isArray(value) ? value[0] : value)?.toString() ?? '';
  }
  return text;
}

/** Reads everything on a topic from the beginning, until stopped. */
async function collect(topic: string): Promise<{ messages: DlqMessage[]; stop: () => Promise<void> }> {
  const messages: DlqMessage[] = [];
  const consumer = kafkaClient('dlq-reader').consumer({ groupId: randomGroupId(), maxWaitTimeInMs: 250 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message }) => {
      messages.push({ key: message.key?.toString(), value: message.value?.toString(), headers: headerText(message.headers) });
      return Promise.resolve();
    },
  });
  return { messages, stop: () => consumer.disconnect() };
}

/**
 * A poison message between two valid events on a real topic: it is dead-lettered in the database
 * and on `<topic>.dlq` with its origin and reason, the events after it are processed, and the
 * group's offset moves past all three. It never loops and never reaches a log line.
 */
describe.each(ENGINES)('Kafka dead letters on %s', (engine) => {
  let simulator: RunningSimulator;
  let testDb: TestDatabase;
  let lpprov: RunningLpprov | undefined;

  beforeAll(async () => {
    simulator = await startSimulator({ ...CREDENTIALS, port: 0 });
    testDb = await createTestDatabase(engine);
  });
  afterEach(async () => {
    await lpprov?.stop();
    lpprov = undefined;
  });
  afterAll(async () => {
    await simulator.stop();
    await testDb.dispose();
  });

  it('dead-letters an invalid message to the table and the DLQ topic, then moves on', async () => {
    const topic = await createTestTopic(1);
    const admin = kafkaClient('dlq-admin').admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: `${topic}.dlq`, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    const dlq = await collect(`${topic}.dlq`);
    const groupId = randomGroupId();
    const logs = captureLogs('debug');
    const fatal: Error[] = [];
    lpprov = await startLpprov(
      loadConfig({
        LASTPASS_URL: simulator.endpoint,
        LASTPASS_CID: CREDENTIALS.cid,
        LASTPASS_PROVHASH: CREDENTIALS.provhash,
        DATABASE_URL: testDb.databaseUrl,
        KAFKA_BROKERS: kafkaBrokers().join(','),
        KAFKA_TOPIC: topic,
        KAFKA_GROUP_ID: groupId,
        PORT: '0',
      }),
      { logger: logs.logger, onFatal: (error) => fatal.push(error) },
    );

    const before = hrEvent({ personId: 'P-DLQ-0001' });
    const after = hrEvent({ personId: 'P-DLQ-0002' });
    const producer = kafkaClient('dlq-producer').producer();
    await producer.connect();
    const sent = await producer.send({
      topic,
      messages: [
        { key: 'P-DLQ-0001', value: JSON.stringify(before) },
        { key: 'P-DLQ-0666', value: POISON, headers: { 'x-trace': 'abc' } },
        { key: 'P-DLQ-0002', value: JSON.stringify(after) },
      ],
    });
    await producer.disconnect();
    const baseOffset = BigInt(sent[0]?.baseOffset ?? '-1');
    const poisonOffset = String(baseOffset + 1n);

    try {
      // Offsets are committed past all three, after the database and the DLQ topic have them.
      await waitFor(
        async () => {
          const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
          return offsets?.partitions[0]?.offset === String(baseOffset + 3n);
        },
        { description: 'the group offset to move past the three messages' },
      );
      await waitFor(() => dlq.messages.length > 0, { description: 'the dead letter on the DLQ topic' });
    } finally {
      await dlq.stop();
      await admin.disconnect();
    }

    const db = testDb.db;
    expect(await db.query('SELECT source, reason, raw FROM dead_letters')).toEqual([
      { source: `kafka:${topic}/0/${poisonOffset}`, reason: 'the message value is not JSON', raw: POISON },
    ]);
    expect(await db.query('SELECT event_id, outcome FROM inbox ORDER BY event_id')).toEqual(
      [before, after].map((e) => ({ event_id: e.id, outcome: 'applied' })).sort((a, b) => String(a.event_id).localeCompare(String(b.event_id))),
    );
    expect(await db.query('SELECT person_id FROM outbox ORDER BY person_id')).toEqual([{ person_id: 'P-DLQ-0001' }, { person_id: 'P-DLQ-0002' }]);

    expect(dlq.messages).toHaveLength(1);
    const [letter] = dlq.messages;
    expect(letter?.key).toBe('P-DLQ-0666');
    expect(letter?.value).toBe(POISON);
    expect(letter?.headers).toMatchObject({
      'x-trace': 'abc',
      'lpprov-original-topic': topic,
      'lpprov-original-partition': '0',
      'lpprov-original-offset': poisonOffset,
      'lpprov-error': 'the message value is not JSON',
    });
    expect(Date.parse(letter?.headers['lpprov-dead-lettered-at'] ?? '')).toBeGreaterThan(Date.now() - 60_000);

    // Every line about a message says where it is; none carries its value.
    const aboutMessages = logs.lines().filter((line) => line.msg === 'invalid HR message dead-lettered' || line.msg === 'HR event processed');
    expect(aboutMessages).toHaveLength(3);
    for (const line of aboutMessages) expect(line).toMatchObject({ topic, partition: 0, offset: expect.any(String) as unknown });
    expect(aboutMessages.find((line) => line.offset === poisonOffset)).toMatchObject({ reason: 'the message value is not JSON' });
    expect(logs.text()).not.toContain('Robin Roe');
    expect(fatal).toEqual([]);
  });
});
