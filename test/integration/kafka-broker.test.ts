// Proves the broker the global setup provides: a 3-partition topic, keyed messages in, the same
// messages out through a consumer group, each key on one partition and in the order produced.
import { afterEach, describe, expect, it } from 'vitest';
import type { Consumer, Producer } from 'kafkajs';
import { createTestTopic, kafkaClient, testConsumerConfig, waitFor } from '../support/kafka.ts';

const KEYS = Array.from({ length: 12 }, (_, i) => `employee-${i}`);
const MESSAGES_PER_KEY = 25;

interface Received {
  key: string;
  seq: number;
  partition: number;
}

describe('Kafka test broker', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('delivers keyed messages to a consumer group, in order per key', async () => {
    const topic = await createTestTopic(3);
    const kafka = kafkaClient('kafka-broker-test');

    const producer: Producer = kafka.producer();
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    // One send per round, keys interleaved, so per-key order is something the broker must keep.
    for (let seq = 0; seq < MESSAGES_PER_KEY; seq++) {
      await producer.send({
        topic,
        messages: KEYS.map((key) => ({ key, value: JSON.stringify({ key, seq }) })),
      });
    }

    const received: Received[] = [];
    const consumer: Consumer = kafka.consumer(testConsumerConfig());
    await consumer.connect();
    cleanups.push(() => consumer.disconnect());
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const key = message.key?.toString() ?? '<no key>';
        const value = JSON.parse(message.value?.toString() ?? 'null') as { key: string; seq: number };
        expect(value.key).toBe(key);
        received.push({ key, seq: value.seq, partition });
        await Promise.resolve();
      },
    });

    const total = KEYS.length * MESSAGES_PER_KEY;
    await waitFor(() => received.length >= total, { description: `${total} messages` });
    expect(received).toHaveLength(total);

    const partitionsUsed = new Set<number>();
    for (const key of KEYS) {
      const forKey = received.filter((r) => r.key === key);
      expect(forKey.map((r) => r.seq), `order of ${key}`).toEqual(Array.from({ length: MESSAGES_PER_KEY }, (_, i) => i));
      const partitions = new Set(forKey.map((r) => r.partition));
      expect(partitions.size, `partitions of ${key}`).toBe(1);
      for (const p of partitions) partitionsUsed.add(p);
    }
    // The keys hash (murmur2) onto more than one partition, so ordering was checked across partitions.
    expect(partitionsUsed.size).toBeGreaterThan(1);
  });
});
