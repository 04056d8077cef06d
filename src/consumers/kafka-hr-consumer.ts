import { type Consumer, type EachBatchPayload, Kafka, logLevel } from 'kafkajs';

import type { HrInput, HrInputResult } from '../app/hr-input.ts';
import type { KafkaConfig } from '../config/config.ts';
import type { Logger } from '../observability/logger.ts';
import { decodeHrMessage } from './decode-hr-message.ts';
import { kafkaLogCreator } from './kafka-log-creator.ts';

export interface HrKafkaConsumerDeps {
  readonly config: KafkaConfig;
  readonly logger: Logger;
  /** Applies inputs in one transaction; resolves once they are durable. */
  readonly apply: (inputs: readonly HrInput[]) => Promise<HrInputResult[]>;
  /** kafkajs gave up and will not restart the consumer: the process should exit non-zero. */
  readonly onFatal: (error: Error) => void;
}

/**
 * Consumes HR events at least once: each fetched batch is applied in one database transaction,
 * and its offsets are resolved and committed only after that transaction committed. A failure to
 * apply (database busy or down) throws, so nothing is committed and kafkajs fetches the batch
 * again; invalid messages never throw, they are dead-lettered inside the same transaction.
 */
export class HrKafkaConsumer {
  readonly #deps: HrKafkaConsumerDeps;
  readonly #logger: Logger;
  readonly #consumer: Consumer;

  constructor(deps: HrKafkaConsumerDeps) {
    this.#deps = deps;
    this.#logger = deps.logger.child({ component: 'kafka-consumer', topic: deps.config.topic });
    const kafka = new Kafka({
      clientId: 'lpprov',
      brokers: [...deps.config.brokers],
      logLevel: logLevel.WARN,
      logCreator: kafkaLogCreator(this.#logger),
    });
    this.#consumer = kafka.consumer({ groupId: deps.config.groupId });
    this.#consumer.on(this.#consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) deps.onFatal(payload.error);
    });
  }

  async start(): Promise<void> {
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic: this.#deps.config.topic, fromBeginning: true });
    await this.#consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.#handleBatch(payload),
    });
    this.#logger.info({ groupId: this.#deps.config.groupId }, 'consuming HR events');
  }

  /** Stops fetching, lets the batch in progress finish and commit, and leaves the group. */
  async stop(): Promise<void> {
    await this.#consumer.disconnect();
  }

  async #handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (!payload.isRunning() || payload.isStale() || batch.messages.length === 0) return;
    const inputs = batch.messages.map((message) =>
      decodeHrMessage(message, `kafka:${batch.topic}/${batch.partition}/${message.offset}`),
    );
    const results = await this.#deps.apply(inputs);
    for (const [index, input] of inputs.entries()) {
      if (input.kind === 'invalid') {
        this.#logger.warn({ origin: input.origin, reason: input.reason }, 'invalid HR message dead-lettered');
      } else {
        this.#logger.debug({ eventId: input.event.id, result: results[index] }, 'HR event processed');
      }
    }
    const last = batch.messages.at(-1);
    if (last !== undefined) payload.resolveOffset(last.offset);
    await payload.commitOffsetsIfNecessary();
    await payload.heartbeat();
  }
}
