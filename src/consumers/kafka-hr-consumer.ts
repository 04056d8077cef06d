import { randomUUID } from 'node:crypto';

import { type Consumer, type EachBatchPayload, Kafka, type KafkaMessage, logLevel } from 'kafkajs';

import type { HrInput, HrInputResult } from '../app/hr-input.ts';
import type { KafkaConfig } from '../config/config.ts';
import type { Logger } from '../observability/logger.ts';
import { type DeadLetterRecord, DeadLetterTopic, deadLetterTopicFor } from './dead-letter-topic.ts';
import { decodeHrMessage } from './decode-hr-message.ts';
import { kafkaLogCreator } from './kafka-log-creator.ts';
import { DeadLetterLedger } from './dead-letter-ledger.ts';
import { RestartBudget } from './restart-budget.ts';
import { withHeartbeats } from './with-heartbeats.ts';

/** Knobs with production defaults; tests shorten them. */
export interface HrKafkaConsumerTuning {
  /** Most messages applied in one database transaction; a larger fetched batch is split. */
  readonly chunkSize?: number;
  /** Consecutive restarts after failures before giving up and calling onFatal. */
  readonly maxRestarts?: number;
  /** kafkajs retries of a failing batch (with exponential backoff) before a restart. */
  readonly retries?: number;
  readonly initialRetryTimeMs?: number;
  /** How long a fetch waits for data; stop() waits for the fetch in flight. */
  readonly maxWaitTimeInMs?: number;
  /** How long the group waits for this member to rejoin a rebalance before dropping it. */
  readonly rebalanceTimeoutMs?: number;
}

export interface HrKafkaConsumerDeps {
  readonly config: KafkaConfig;
  readonly logger: Logger;
  /** Applies inputs in one transaction; resolves once they are durable. */
  readonly apply: (inputs: readonly HrInput[]) => Promise<HrInputResult[]>;
  /** kafkajs gave up and will not restart the consumer: the process should exit non-zero. */
  readonly onFatal: (error: Error) => void;
  readonly tuning?: HrKafkaConsumerTuning;
}

const DEFAULT_CHUNK_SIZE = 500;
const DEFAULT_MAX_RESTARTS = 10;

/**
 * starting: not yet in the group; joined: a member, fetching (a rebalance keeps it joined, so
 * deploys do not flap readiness); rejoining: crashed, kafkajs restarts it; stopped; failed: gave up.
 */
export type KafkaConsumerState = 'starting' | 'joined' | 'rejoining' | 'stopped' | 'failed';

type Decoded = { readonly message: KafkaMessage; readonly input: HrInput };
type DeadLettered = { readonly message: KafkaMessage; readonly input: Extract<HrInput, { kind: 'invalid' }> };

/**
 * Consumes HR events at least once: each fetched batch (in chunks of at most `chunkSize`) is
 * applied in one database transaction; invalid messages are dead-lettered in that transaction and
 * then published to `<topic>.dlq`; only then are the offsets resolved and committed. A failure to
 * apply (database busy or down), to publish or to commit throws, so kafkajs fetches the batch
 * again; the ledger keeps a redelivered dead letter from being recorded or published twice. An
 * invalid message never throws, so it cannot loop.
 */
export class HrKafkaConsumer {
  readonly #deps: HrKafkaConsumerDeps;
  readonly #logger: Logger;
  readonly #consumer: Consumer;
  readonly #deadLetterTopic: DeadLetterTopic;
  readonly #deadLetters = new DeadLetterLedger();
  readonly #restarts: RestartBudget;
  readonly #chunkSize: number;
  readonly #heartbeatIntervalMs: number;
  #stopping = false;
  #fatal = false;
  #state: KafkaConsumerState = 'starting';

  constructor(deps: HrKafkaConsumerDeps) {
    this.#deps = deps;
    const tuning = deps.tuning ?? {};
    this.#chunkSize = tuning.chunkSize ?? DEFAULT_CHUNK_SIZE;
    this.#restarts = new RestartBudget(tuning.maxRestarts ?? DEFAULT_MAX_RESTARTS);
    // A replica that dies holds its partitions until the session times out; heartbeats must
    // come well within it (Kafka's guidance: a third or less).
    this.#heartbeatIntervalMs = Math.min(3000, Math.floor(deps.config.sessionTimeoutMs / 5));
    this.#logger = deps.logger.child({ component: 'kafka-consumer', topic: deps.config.topic });
    const kafka = new Kafka({
      clientId: 'lpprov',
      brokers: [...deps.config.brokers],
      logLevel: logLevel.WARN,
      logCreator: kafkaLogCreator(this.#logger),
    });
    this.#consumer = kafka.consumer({
      groupId: deps.config.groupId,
      sessionTimeout: deps.config.sessionTimeoutMs,
      heartbeatInterval: this.#heartbeatIntervalMs,
      ...(tuning.maxWaitTimeInMs === undefined ? {} : { maxWaitTimeInMs: tuning.maxWaitTimeInMs }),
      ...(tuning.rebalanceTimeoutMs === undefined ? {} : { rebalanceTimeout: tuning.rebalanceTimeoutMs }),
      retry: {
        ...(tuning.retries === undefined ? {} : { retries: tuning.retries }),
        ...(tuning.initialRetryTimeMs === undefined ? {} : { initialRetryTime: tuning.initialRetryTimeMs }),
        restartOnFailure: (error) => Promise.resolve(this.#mayRestart(error)),
      },
    });
    this.#deadLetterTopic = new DeadLetterTopic(kafka, deadLetterTopicFor(deps.config.topic), this.#logger);
    // Without this listener a non-retriable crash leaves the process running with a dead consumer.
    this.#consumer.on(this.#consumer.events.CRASH, ({ payload }) => {
      this.#state = payload.restart ? 'rejoining' : 'failed';
      if (!payload.restart) this.#giveUp(payload.error);
    });
    // kafkajs emits STOP and DISCONNECT before CRASH when it crashes, so CRASH has the last word.
    this.#consumer.on(this.#consumer.events.GROUP_JOIN, () => {
      this.#state = 'joined';
    });
    for (const event of [this.#consumer.events.STOP, this.#consumer.events.DISCONNECT]) {
      this.#consumer.on(event, () => {
        this.#state = 'stopped';
      });
    }
  }

  async start(): Promise<void> {
    await this.#deadLetterTopic.connect();
    try {
      await this.#consumer.connect();
      await this.#consumer.subscribe({ topic: this.#deps.config.topic, fromBeginning: true });
      await this.#consumer.run({
        eachBatchAutoResolve: false,
        eachBatch: (payload) => this.#handleBatch(payload),
      });
    } catch (error) {
      // The caller never gets a consumer to stop: release the connections here.
      this.#stopping = true;
      await this.#consumer.disconnect().catch(() => undefined);
      await this.#deadLetterTopic.disconnect().catch(() => undefined);
      throw error;
    }
    this.#logger.info({ groupId: this.#deps.config.groupId, dlqTopic: this.#deadLetterTopic.topic }, 'consuming HR events');
  }

  /** For /readyz: ready only while a member of its group, that is, while input is being consumed. */
  readiness(): { readonly ready: boolean; readonly state: KafkaConsumerState } {
    return { ready: this.#state === 'joined', state: this.#state };
  }

  /**
   * Stops fetching, lets the chunk in progress finish and commit, and leaves the group, so the
   * partitions move to another replica at once instead of after the session timeout.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    try {
      await this.#consumer.disconnect();
    } finally {
      await this.#deadLetterTopic.disconnect();
    }
  }

  #mayRestart(error: Error): boolean {
    if (this.#stopping) return false;
    if (this.#restarts.take()) {
      this.#logger.warn({ err: error, restart: this.#restarts.used, maxRestarts: this.#restarts.max }, 'Kafka consumer failed; restarting it');
      return true;
    }
    this.#logger.error({ err: error, restarts: this.#restarts.max }, 'Kafka consumer failed after every restart; giving up');
    return false;
  }

  #giveUp(error: Error): void {
    if (this.#stopping || this.#fatal) return;
    this.#fatal = true;
    this.#deps.onFatal(error);
  }

  async #handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    for (let start = 0; start < batch.messages.length; start += this.#chunkSize) {
      // Stopping, or the partition was seeked or reassigned: leave the rest unresolved; it is
      // fetched again by whoever owns the partition next.
      if (!payload.isRunning() || payload.isStale()) return;
      const chunk = batch.messages.slice(start, start + this.#chunkSize);
      const last = chunk.at(-1);
      if (last === undefined) return;
      const deadLettered = await withHeartbeats(
        () => payload.heartbeat(),
        this.#heartbeatIntervalMs,
        () => this.#processChunk(batch.topic, batch.partition, chunk),
        (error) => this.#logger.info({ err: error, partition: batch.partition }, 'heartbeat refused while storing a chunk; kafkajs rejoins the group after it'),
      );
      payload.resolveOffset(last.offset);
      // Commit after every chunk, not only at the end of the batch: a crash then redoes one chunk.
      await payload.commitOffsetsIfNecessary(payload.uncommittedOffsets());
      this.#deadLetters.settled(deadLettered);
      await payload.heartbeat();
      this.#restarts.reset();
    }
  }

  /**
   * Stores the chunk (one transaction), then publishes its invalid messages; throws if either
   * fails. Returns the origins of the chunk's dead letters, to be settled once committed.
   */
  async #processChunk(topic: string, partition: number, messages: readonly KafkaMessage[]): Promise<string[]> {
    const decoded: Decoded[] = messages.map((message) => ({
      message,
      input: withCorrelationId(decodeHrMessage(message, `kafka:${topic}/${partition}/${message.offset}`)),
    }));
    // A redelivered chunk (its publish or its commit failed) does not record a dead letter twice.
    const toStore = decoded.filter((d) => d.input.kind !== 'invalid' || this.#deadLetters.needsRecording(d.input.origin));
    const results = await this.#store(partition, toStore);
    this.#logOutcomes(partition, toStore, results);

    const invalid = decoded.filter((d): d is DeadLettered => d.input.kind === 'invalid');
    if (invalid.length === 0) return [];
    const recordedAt = new Date();
    for (const { input } of invalid) this.#deadLetters.recorded(input.origin, recordedAt);
    // Nor publish one the topic already acknowledged.
    const unpublished = invalid.filter((d) => this.#deadLetters.needsPublishing(d.input.origin));
    await this.#deadLetterTopic.publish(
      unpublished.map((d) => deadLetterRecord(topic, partition, d, this.#deadLetters.deadLetteredAt(d.input.origin) ?? recordedAt)),
    );
    for (const { input } of unpublished) this.#deadLetters.published(input.origin);
    return invalid.map((d) => d.input.origin);
  }

  async #store(partition: number, decoded: readonly Decoded[]): Promise<readonly HrInputResult[]> {
    if (decoded.length === 0) return [];
    try {
      return await this.#deps.apply(decoded.map((d) => d.input));
    } catch (error) {
      const context = { partition, firstOffset: decoded[0]?.message.offset, lastOffset: decoded.at(-1)?.message.offset };
      this.#logger.error({ ...context, err: error }, 'could not store HR messages; nothing committed, the batch will be retried');
      // A plain Error is retriable for kafkajs whatever the driver threw (a TypeError would crash it for good).
      throw new Error('could not store a batch of HR messages', { cause: error });
    }
  }

  // Topic, partition and offset on every line; never the value: it may hold personal data. One
  // info line per event ties its correlation id to where it came from (lpprov audit shows the id).
  #logOutcomes(partition: number, decoded: readonly Decoded[], results: readonly HrInputResult[]): void {
    for (const [index, { message, input }] of decoded.entries()) {
      const where = { partition, offset: message.offset };
      if (input.kind === 'invalid') {
        this.#logger.warn({ ...where, reason: input.reason }, 'invalid HR message dead-lettered');
      } else {
        this.#logger.info({ ...where, eventId: input.event.id, correlationId: input.correlationId, result: results[index] }, 'HR event processed');
      }
    }
  }
}

/** A Kafka message has no request to name it: each valid one gets a new correlation id. */
function withCorrelationId(input: HrInput): HrInput {
  return input.kind === 'event' ? { ...input, correlationId: randomUUID() } : input;
}

function deadLetterRecord(topic: string, partition: number, { message, input }: DeadLettered, deadLetteredAt: Date): DeadLetterRecord {
  return {
    deadLetteredAt,
    topic,
    partition,
    offset: message.offset,
    key: message.key ?? null,
    value: message.value,
    headers: message.headers,
    reason: input.reason,
  };
}
