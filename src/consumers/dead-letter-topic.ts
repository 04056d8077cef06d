import { type IHeaders, type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';

import type { Logger } from '../observability/logger.ts';

/** The dead-letter topic of an HR topic. lpprov never creates it: the operator does, like the topic. */
export function deadLetterTopicFor(topic: string): string {
  return `${topic}.dlq`;
}

/** Headers lpprov adds to a dead-lettered message (the message's own headers are kept too). */
export const DLQ_HEADERS = {
  originalTopic: 'lpprov-original-topic',
  originalPartition: 'lpprov-original-partition',
  originalOffset: 'lpprov-original-offset',
  error: 'lpprov-error',
  deadLetteredAt: 'lpprov-dead-lettered-at',
} as const;

/** A message that could not be accepted, with where it came from and why. */
export interface DeadLetterRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders | undefined;
  readonly reason: string;
  /** When it was recorded in `dead_letters`: the same on every copy of it that is published. */
  readonly deadLetteredAt: Date;
}

/**
 * The message written to the dead-letter topic: same key (so it lands by person like the
 * original), the original value bytes untouched (so it can be replayed once fixed), the original
 * headers (binary-mode CloudEvents keep their attributes there) plus lpprov's own.
 */
export function deadLetterMessage(record: DeadLetterRecord): Message {
  return {
    key: record.key,
    value: record.value,
    headers: {
      ...record.headers,
      [DLQ_HEADERS.originalTopic]: record.topic,
      [DLQ_HEADERS.originalPartition]: String(record.partition),
      [DLQ_HEADERS.originalOffset]: record.offset,
      [DLQ_HEADERS.error]: record.reason,
      [DLQ_HEADERS.deadLetteredAt]: record.deadLetteredAt.toISOString(),
    },
  };
}

/** Writing to the dead-letter topic failed: the batch must not be committed past these messages. */
export class DeadLetterTopicError extends Error {
  override readonly name = 'DeadLetterTopicError';
}

/**
 * Producer for the dead-letter topic. `acks: -1` and one request in flight keep the dead letters
 * of a partition in order and acknowledged by every in-sync replica before the offsets move on.
 * Topic auto-creation is off: a missing topic is an operator error that must be seen, not papered
 * over with a topic of the broker's default partition count and retention. The partitioner is the
 * Java-compatible one, so a key lands where a Java producer would put it.
 */
export class DeadLetterTopic {
  readonly topic: string;
  readonly #producer: Producer;
  readonly #logger: Logger;

  constructor(kafka: Kafka, topic: string, logger: Logger) {
    this.topic = topic;
    this.#logger = logger;
    this.#producer = kafka.producer({
      allowAutoTopicCreation: false,
      maxInFlightRequests: 1,
      idempotent: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  connect(): Promise<void> {
    return this.#producer.connect();
  }

  disconnect(): Promise<void> {
    return this.#producer.disconnect();
  }

  /** Resolves once every record is acknowledged; throws DeadLetterTopicError otherwise. */
  async publish(records: readonly DeadLetterRecord[]): Promise<void> {
    if (records.length === 0) return;
    try {
      await this.#producer.send({ topic: this.topic, acks: -1, messages: records.map((r) => deadLetterMessage(r)) });
    } catch (error) {
      const first = records[0];
      this.#logger.error(
        { err: error, dlqTopic: this.topic, partition: first?.partition, offsets: records.map((r) => r.offset) },
        `could not write to the dead-letter topic ${this.topic} (does it exist? lpprov does not create topics); ` +
          'the batch is not committed and will be retried',
      );
      throw new DeadLetterTopicError(`could not write to the dead-letter topic ${this.topic}`, { cause: error });
    }
  }
}
