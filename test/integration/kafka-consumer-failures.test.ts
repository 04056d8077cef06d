import type { Admin } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { HrInput, HrInputResult } from '../../src/app/hr-input.ts';
import { HrKafkaConsumer, type HrKafkaConsumerTuning } from '../../src/consumers/kafka-hr-consumer.ts';
import { hrEvent } from '../fixtures/hr-events.ts';
import { createTestTopic, kafkaBrokers, kafkaClient, randomGroupId, waitFor } from '../support/kafka.ts';
import { type CapturedLogs, captureLogs } from '../support/log-capture.ts';

/** Stands in for applyHrInputs: records each call, and can be told to fail like a database. */
class RecordingApply {
  readonly calls: HrInput[][] = [];
  failures = 0;

  readonly apply = (inputs: readonly HrInput[]): Promise<HrInputResult[]> => {
    this.calls.push([...inputs]);
    if (this.failures > 0) {
      this.failures -= 1;
      return Promise.reject(new Error('SQLITE_BUSY: database is locked'));
    }
    return Promise.resolve(inputs.map((input) => (input.kind === 'event' ? 'applied' : 'dead_lettered')));
  };

  /** Event ids and invalid origins, per call. */
  summary(): string[][] {
    return this.calls.map((inputs) => inputs.map((input) => (input.kind === 'event' ? input.event.id : input.origin)));
  }
}

interface Harness {
  readonly topic: string;
  readonly groupId: string;
  readonly consumer: HrKafkaConsumer;
  readonly store: RecordingApply;
  readonly logs: CapturedLogs;
  readonly fatal: Error[];
}

/**
 * The consumer's failure modes against the real broker, with the database replaced by a recorder
 * so that failures can be scripted: a missing DLQ topic, a database that fails for a while or for
 * good, chunking, and a clean stop.
 */
describe('Kafka HR consumer failure handling', () => {
  let admin: Admin;
  let running: HrKafkaConsumer | undefined;

  beforeAll(async () => {
    admin = kafkaClient('consumer-failures-admin').admin();
    await admin.connect();
  });
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });
  afterAll(async () => {
    await admin.disconnect();
  });

  async function start(tuning: HrKafkaConsumerTuning, options: { dlq?: boolean; store?: RecordingApply } = {}): Promise<Harness> {
    const topic = await createTestTopic(1);
    if (options.dlq !== false) await createDlq(topic);
    const groupId = randomGroupId();
    const store = options.store ?? new RecordingApply();
    const logs = captureLogs('debug');
    const fatal: Error[] = [];
    const consumer = new HrKafkaConsumer({
      config: { brokers: kafkaBrokers(), topic, groupId, sessionTimeoutMs: 10_000 },
      logger: logs.logger,
      apply: store.apply,
      onFatal: (error) => fatal.push(error),
      tuning: { maxWaitTimeInMs: 250, initialRetryTimeMs: 100, ...tuning },
    });
    running = consumer;
    await consumer.start();
    return { topic, groupId, consumer, store, logs, fatal };
  }

  async function createDlq(topic: string): Promise<void> {
    await admin.createTopics({ topics: [{ topic: `${topic}.dlq`, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  }

  async function produce(topic: string, values: readonly string[]): Promise<void> {
    const producer = kafkaClient('consumer-failures-producer').producer();
    await producer.connect();
    await producer.send({ topic, messages: values.map((value) => ({ key: 'P-1', value })) });
    await producer.disconnect();
  }

  async function committed(groupId: string, topic: string): Promise<string | undefined> {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return offsets?.partitions[0]?.offset;
  }

  async function dlqEndOffset(topic: string): Promise<string | undefined> {
    const offsets = await admin.fetchTopicOffsets(`${topic}.dlq`);
    return offsets[0]?.high;
  }

  it('keeps the batch uncommitted while the DLQ topic is missing, and does not store the dead letter twice', async () => {
    const h = await start({}, { dlq: false });
    const event = hrEvent();
    await produce(h.topic, [JSON.stringify(event), 'not json']);

    await waitFor(() => h.logs.lines().some((line) => String(line.msg).startsWith(`could not write to the dead-letter topic ${h.topic}.dlq`)), {
      timeoutMs: 30_000,
      description: 'the DLQ write to fail',
    });
    expect(await committed(h.groupId, h.topic)).toBe('-1');

    await createDlq(h.topic);
    await waitFor(async () => (await committed(h.groupId, h.topic)) === '2', { timeoutMs: 30_000, description: 'the offsets to be committed' });
    expect(await dlqEndOffset(h.topic)).toBe('1');

    // First attempt: both stored in one transaction. Every retry: the event again (the inbox
    // answers duplicate), but not the dead letter, which is already committed.
    const [first, ...retries] = h.store.summary();
    expect(first).toEqual([event.id, `kafka:${h.topic}/0/1`]);
    expect(retries.length).toBeGreaterThan(0);
    for (const retry of retries) expect(retry).toEqual([event.id]);
    expect(h.fatal).toEqual([]);
  });

  it('retries a batch the database refused, without committing, then goes on in order', async () => {
    const store = new RecordingApply();
    store.failures = 2;
    const h = await start({}, { store });
    const events = [hrEvent(), hrEvent()];
    await produce(h.topic, events.map((e) => JSON.stringify(e)));

    await waitFor(async () => (await committed(h.groupId, h.topic)) === '2', { timeoutMs: 20_000, description: 'the offsets to be committed' });
    const ids = events.map((e) => e.id);
    // The first attempt may have fetched only part of the batch; every attempt starts at the first event.
    expect(h.store.summary().every((call) => call[0] === ids[0])).toBe(true);
    expect(h.store.summary().flat().filter((id) => id === ids[1]).length).toBeGreaterThan(0);
    expect(h.logs.lines().filter((line) => line.msg === 'could not store HR messages; nothing committed, the batch will be retried')).toHaveLength(2);
    expect(h.fatal).toEqual([]);
  });

  it('gives up after the allowed restarts and calls onFatal once, committing nothing', async () => {
    const store = new RecordingApply();
    store.failures = Number.POSITIVE_INFINITY;
    const h = await start({ retries: 0, maxRestarts: 2 }, { store });
    await produce(h.topic, [JSON.stringify(hrEvent())]);

    await waitFor(() => h.fatal.length > 0, { timeoutMs: 30_000, description: 'onFatal' });
    // Two restarts, so three attempts; then nothing more.
    expect(h.store.calls).toHaveLength(3);
    expect(h.fatal).toHaveLength(1);
    expect(h.logs.lines().some((line) => line.msg === 'Kafka consumer failed after every restart; giving up')).toBe(true);
    expect(await committed(h.groupId, h.topic)).toBe('-1');
  });

  it('splits a large batch into transactions of chunkSize and commits them all', async () => {
    const h = await start({ chunkSize: 2 });
    const events = Array.from({ length: 5 }, () => hrEvent());
    await produce(h.topic, events.map((e) => JSON.stringify(e)));

    await waitFor(async () => (await committed(h.groupId, h.topic)) === '5', { timeoutMs: 20_000, description: 'the offsets to be committed' });
    expect(h.store.calls.every((call) => call.length <= 2)).toBe(true);
    expect(h.store.summary().flat()).toEqual(events.map((e) => e.id));
  });

  it('stops cleanly: the processed offsets are committed and the group is left at once', async () => {
    const h = await start({});
    await produce(h.topic, [JSON.stringify(hrEvent())]);
    await waitFor(() => h.store.calls.length > 0, { timeoutMs: 20_000, description: 'the event to be processed' });

    await h.consumer.stop();
    running = undefined;
    expect(await committed(h.groupId, h.topic)).toBe('1');
    const { groups } = await admin.describeGroups([h.groupId]);
    expect(groups[0]?.state).toBe('Empty');
    expect(h.fatal).toEqual([]);
  });
});
