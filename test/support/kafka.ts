// What Kafka tests use: the broker the global setup provides, unique topics and groups so that
// test files can share one broker, and a polling helper instead of sleeps.
import { randomUUID } from 'node:crypto';
import type { ConsumerConfig, Kafka } from 'kafkajs';
import { inject } from 'vitest';
import { silentKafka } from './kafka-readiness.ts';
import { waitFor } from './wait-for.ts';

export { waitFor } from './wait-for.ts';

export function kafkaBrokers(): string[] {
  return inject('kafkaBrokers')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');
}

/** A kafkajs client for the test broker that does not log. */
export function kafkaClient(clientId: string): Kafka {
  return silentKafka(clientId, kafkaBrokers());
}

export function randomGroupId(): string {
  return `test-group-${randomUUID()}`;
}

/**
 * Consumer settings for tests: a fresh group, and a short fetch wait, because kafkajs'
 * disconnect() waits for the fetch in flight (default maxWaitTimeInMs 5 s) before leaving.
 */
export function testConsumerConfig(overrides: Partial<ConsumerConfig> = {}): ConsumerConfig {
  return { groupId: randomGroupId(), maxWaitTimeInMs: 250, ...overrides };
}

/** Creates a topic with a unique name and returns once every partition has a leader. */
export async function createTestTopic(partitions = 3): Promise<string> {
  const topic = `test-${randomUUID()}`;
  const admin = kafkaClient('lpprov-test-admin').admin();
  await admin.connect();
  try {
    // Replication factor 1 works on any cluster, including the single-node test broker.
    await admin.createTopics({
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    await waitFor(
      async () => {
        const metadata = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
        const found = metadata?.topics.find((t) => t.name === topic)?.partitions ?? [];
        return found.length === partitions && found.every((p) => p.leader >= 0);
      },
      { description: `metadata of topic ${topic}` },
    );
  } finally {
    await admin.disconnect();
  }
  return topic;
}
