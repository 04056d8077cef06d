import type { Admin, Consumer, IHeaders } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { HrInput, HrInputResult } from '../../src/app/hr-input.ts';
import { HrKafkaConsumer, type HrKafkaConsumerTuning } from '../../src/consumers/kafka-hr-consumer.ts';
import { hrEvent } from '../fixtures/hr-events.ts';
import { createTestTopic, kafkaBrokers, kafkaClient, randomGroupId, testConsumerConfig, waitFor } from '../support/kafka.ts';
import { type CapturedLogs, captureLogs } from '../support/log-capture.ts';

/** Stands in for applyHrInputs: records each call, and can be told to fail like a database. */
class RecordingApply {
  readonly calls: HrInput[][] = [];
  failures = 0;
  /** When set, the next call waits for it, like a transaction stuck behind a lock. */
  hold: Promise<void> | undefined;

  readonly apply = async (inputs: readonly HrInput[]): Promise<HrInputResult[]> => {
    this.calls.push([...inputs]);
    const hold = this.hold;
    this.hold = undefined;
    if (hold !== undefined) await hold;
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('SQLITE_BUSY: database is locked');
    }
    return inputs.map((input) => (input.kind === 'event' ? 'applied' : 'dead_lettered'));
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

  async function start(
    tuning: HrKafkaConsumerTuning,
    options: { dlq?: boolean; store?: RecordingApply; sessionTimeoutMs?: number } = {},
  ): Promise<Harness> {
    const topic = await createTestTopic(1);
    if (options.dlq !== false) await createDlq(topic);
    const groupId = randomGroupId();
    const store = options.store ?? new RecordingApply();
    const logs = captureLogs('debug');
    const fatal: Error[] = [];
    const consumer = new HrKafkaConsumer({
      config: { brokers: kafkaBrokers(), topic, groupId, sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000 },
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

  interface Letter {
    readonly key: string | undefined;
    readonly value: string | undefined;
    readonly headers: Record<string, string>;
  }

  /** Every message on the DLQ topic, read from the start by a group of its own. */
  async function dlqMessages(topic: string): Promise<Letter[]> {
    const end = Number(await dlqEndOffset(topic));
    const letters: Letter[] = [];
    const reader = kafkaClient('consumer-failures-dlq-reader').consumer(testConsumerConfig());
    await reader.connect();
    try {
      await reader.subscribe({ topic: `${topic}.dlq`, fromBeginning: true });
      await reader.run({
        eachMessage: ({ message }) => {
          letters.push({ key: message.key?.toString(), value: message.value?.toString(), headers: headerText(message.headers) });
          return Promise.resolve();
        },
      });
      await waitFor(() => letters.length >= end, { description: `the ${end} messages of the DLQ topic` });
    } finally {
      await reader.disconnect();
    }
    return letters;
  }

  function headerText(headers: IHeaders | undefined): Record<string, string> {
    return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, String(Array.isArray(value) ? value[0] : value)]));
  }

  it('keeps the batch uncommitted while the DLQ topic is missing, and does not store the dead letter twice', async () => {
    const h = await start({}, { dlq: false });
    const event = hrEvent();
    await produce(h.topic, [JSON.stringify(event), 'not json']);

    await waitFor(() => h.logs.lines().some((line) => String(line.msg).startsWith(`could not write to the dead-letter topic ${h.topic}.dlq`)), {
      timeoutMs: 60_000,
      description: 'the DLQ write to fail',
    });
    expect(await committed(h.groupId, h.topic)).toBe('-1');

    await createDlq(h.topic);
    await waitFor(async () => (await committed(h.groupId, h.topic)) === '2', { description: 'the offsets to be committed' });

    // First attempt: both stored in one transaction. Every retry: the event again (the inbox
    // answers duplicate), but not the dead letter, which is already committed.
    const [first, ...retries] = h.store.summary();
    expect(first).toEqual([event.id, `kafka:${h.topic}/0/1`]);
    expect(retries.length).toBeGreaterThan(0);
    for (const retry of retries) expect(retry).toEqual([event.id]);
    // Published once by this process, however slowly the failed attempts went (a missing topic
    // costs each attempt seconds of producer retries): the original bytes and where they came from.
    const letters = await dlqMessages(h.topic);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      key: 'P-1',
      value: 'not json',
      headers: { 'lpprov-original-topic': h.topic, 'lpprov-original-partition': '0', 'lpprov-original-offset': '1' },
    });
    expect(h.fatal).toEqual([]);
  });

  it('does not record or publish a dead letter again when the offset commit after its publish is refused', async () => {
    const store = new RecordingApply();
    let release = (): void => undefined;
    store.hold = new Promise((resolve) => {
      release = resolve;
    });
    // The broker's minimum session timeout; the group drops a member that does not rejoin a
    // rebalance within rebalanceTimeoutMs.
    const h = await start({ rebalanceTimeoutMs: 6_000 }, { store, sessionTimeoutMs: 6_000 });
    const event = hrEvent();
    await produce(h.topic, [JSON.stringify(event), 'not json']);
    await waitFor(() => store.calls.length === 1, { description: 'the first transaction to start' });

    // Another member joins while the chunk is being stored. lpprov's consumer cannot rejoin
    // before its transaction ends, so the group drops it and settles on the newcomer; the
    // newcomer then leaves. The chunk's dead letter is published, the offset commit that follows
    // is refused (no longer a member), and the chunk is read again once the consumer rejoins.
    const otherTopic = await createTestTopic(1);
    const newcomer: Consumer = kafkaClient('consumer-failures-newcomer').consumer({ groupId: h.groupId, maxWaitTimeInMs: 250 });
    await newcomer.connect();
    try {
      await newcomer.subscribe({ topic: otherTopic, fromBeginning: true });
      await newcomer.run({ eachMessage: () => Promise.resolve() });
      await waitFor(
        async () => {
          const [group] = (await admin.describeGroups([h.groupId])).groups;
          return group?.state === 'Stable' && group.members.length === 1 && group.members[0]?.clientId === 'consumer-failures-newcomer';
        },
        { description: 'the group to drop the busy member' },
      );
    } finally {
      await newcomer.disconnect();
    }
    release();
    await waitFor(async () => (await committed(h.groupId, h.topic)) === '2', { description: 'the offsets to be committed' });

    const [first, ...again] = store.summary();
    expect(first).toEqual([event.id, `kafka:${h.topic}/0/1`]);
    expect(again.length).toBeGreaterThan(0);
    for (const call of again) expect(call).toEqual([event.id]);
    expect(await dlqEndOffset(h.topic)).toBe('1');
    expect(h.fatal).toEqual([]);
  });

  it('keeps its group membership through a transaction that outlasts the session timeout', async () => {
    const sessionTimeoutMs = 6_000; // the broker's minimum
    const store = new RecordingApply();
    let release = (): void => undefined;
    store.hold = new Promise((resolve) => {
      release = resolve;
    });
    const h = await start({}, { store, sessionTimeoutMs });
    const events = [hrEvent(), hrEvent()];
    await produce(h.topic, events.map((e) => JSON.stringify(e)));
    await waitFor(() => store.calls.length === 1, { description: 'the first transaction to start' });
    const member = async (): Promise<string | undefined> => (await admin.describeGroups([h.groupId])).groups[0]?.members[0]?.memberId;
    const before = await member();
    // Long enough for the broker to drop a member that sends no heartbeat twice over.
    await new Promise((resolve) => setTimeout(resolve, 2.5 * sessionTimeoutMs));
    expect(await member()).toBe(before);
    release();

    await waitFor(async () => (await committed(h.groupId, h.topic)) === '2', { description: 'the offsets to be committed' });
    expect(store.summary()).toEqual([events.map((e) => e.id)]);
    expect(h.logs.lines().filter((line) => /not aware of this member|rebalanc/i.test(String(line.msg)))).toEqual([]);
    expect(h.fatal).toEqual([]);
  });

  it('retries a batch the database refused, without committing, then goes on in order', async () => {
    const store = new RecordingApply();
    store.failures = 2;
    const h = await start({}, { store });
    const events = [hrEvent(), hrEvent()];
    await produce(h.topic, events.map((e) => JSON.stringify(e)));

    await waitFor(async () => (await committed(h.groupId, h.topic)) === '2', { description: 'the offsets to be committed' });
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

    await waitFor(() => h.fatal.length > 0, { description: 'onFatal' });
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

    await waitFor(async () => (await committed(h.groupId, h.topic)) === '5', { description: 'the offsets to be committed' });
    expect(h.store.calls.every((call) => call.length <= 2)).toBe(true);
    expect(h.store.summary().flat()).toEqual(events.map((e) => e.id));
  });

  it('stops cleanly: the processed offsets are committed and the group is left at once', async () => {
    const h = await start({});
    await produce(h.topic, [JSON.stringify(hrEvent())]);
    await waitFor(() => h.store.calls.length > 0, { description: 'the event to be processed' });

    await h.consumer.stop();
    running = undefined;
    expect(await committed(h.groupId, h.topic)).toBe('1');
    const { groups } = await admin.describeGroups([h.groupId]);
    expect(groups[0]?.state).toBe('Empty');
    expect(h.fatal).toEqual([]);
  });
});
