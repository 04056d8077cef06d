import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '../../src/config/load-config.ts';
import { type RunningLpprov, startLpprov } from '../../src/main.ts';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import { hrEvent } from '../fixtures/hr-events.ts';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases.ts';
import { createTestTopic, kafkaBrokers, kafkaClient, randomGroupId, waitFor } from '../support/kafka.ts';
import { listedUsernames } from '../support/lastpass-wire.ts';
import { captureLogs } from '../support/log-capture.ts';

const CREDENTIALS = { cid: '8771312', provhash: 'skeleton-provisioning-hash-4e1b' };

/**
 * One thin path through every layer, with nothing mocked between them: a joiner event produced to
 * a real Kafka topic is consumed, stored in one transaction (inbox, person, outbox), its offset
 * committed after that commit, dispatched, sent to the simulator as `batchadd`, and the simulator's
 * `getuserdata` then lists the user.
 */
describe.each(ENGINES)('walking skeleton on %s', (engine) => {
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

  it('provisions a joiner from Kafka into LastPass', async () => {
    const topic = await createTestTopic(3);
    const groupId = randomGroupId();
    const logs = captureLogs('debug');
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
      { logger: logs.logger },
    );

    const event = hrEvent({ personId: 'P-000777', email: 'sam.lee@acme.example', given: 'Sam', family: 'Lee' });
    const producer = kafkaClient('skeleton-producer').producer();
    await producer.connect();
    const [sent] = await producer.send({ topic, messages: [{ key: 'P-000777', value: JSON.stringify(event) }] });
    await producer.disconnect();

    await waitFor(async () => (await listedUsernames(simulator.endpoint, CREDENTIALS)).includes('sam.lee@acme.example'), {
      description: 'the simulator to list sam.lee@acme.example',
    });

    // The same transaction stored the inbox row, the person and the command, which is now done.
    const db = testDb.db;
    expect(await db.query('SELECT source, event_id, outcome FROM inbox')).toEqual([
      { source: event.source, event_id: event.id, outcome: 'applied' },
    ]);
    expect(await db.query('SELECT person_id FROM people')).toEqual([{ person_id: 'P-000777' }]);
    const commands = await db.query<{ kind: string; status: string }>('SELECT kind, status FROM outbox');
    expect(commands).toEqual([{ kind: 'add_user', status: 'done' }]);

    // The offset was committed (after the database commit): the next read starts past the event.
    const admin = kafkaClient('skeleton-admin').admin();
    await admin.connect();
    try {
      await waitFor(
        async () => {
          const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
          const partition = offsets?.partitions.find((p) => p.partition === sent?.partition);
          return partition?.offset === String(Number(sent?.baseOffset) + 1);
        },
        { description: 'the consumer group offset to be committed' },
      );
    } finally {
      await admin.disconnect();
    }

    // The API saw exactly one batchadd for the user, and the hash never reached a log line.
    const { calls } = (await (await fetch(`${simulator.url}/_simulator/calls?cmd=batchadd`)).json()) as {
      calls: { cmd: string; data: { username: string }[] }[];
    };
    expect(calls.map((c) => c.data.map((u) => u.username))).toEqual([['sam.lee@acme.example']]);
    expect(logs.text()).not.toContain(CREDENTIALS.provhash);
  });
});
