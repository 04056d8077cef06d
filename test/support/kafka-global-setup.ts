// Provides one Kafka broker to the whole integration run, in this order:
//   1. KAFKA_BROKERS (comma-separated host:port): a broker someone else started; nothing to do;
//   2. a Docker engine: the official apache/kafka image via testcontainers;
//   3. the local JDK: Apache Kafka from its Maven Central jars.
// If none works the run fails with what to install: Kafka tests are never skipped silently.
import type { TestProject } from 'vitest/node';
import { dockerEngineAvailable, startContainerBroker } from './kafka-container-broker.ts';
import { startJvmBroker } from './kafka-jvm-broker.ts';
import { KAFKA_VERSION } from './kafka-version.ts';
import { waitForBroker } from './kafka-readiness.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Comma-separated bootstrap servers; read it with kafkaBrokers() from test/support/kafka.ts. */
    kafkaBrokers: string;
  }
}

interface ProvidedBroker {
  readonly brokers: string[];
  readonly description: string;
  readonly stop: () => Promise<void>;
}

export default async function setupKafka({ provide }: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const broker = await provideBroker();
  provide('kafkaBrokers', broker.brokers.join(','));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`[kafka] ${broker.description} at ${broker.brokers.join(',')}, ready in ${seconds} s`);
  return async () => {
    const stopping = Date.now();
    await broker.stop();
    console.log(`[kafka] stopped in ${((Date.now() - stopping) / 1000).toFixed(1)} s`);
  };
}

async function provideBroker(): Promise<ProvidedBroker> {
  const external = process.env.KAFKA_BROKERS?.trim();
  if (external !== undefined && external !== '') {
    const brokers = external
      .split(',')
      .map((broker) => broker.trim())
      .filter((broker) => broker !== '');
    // Fail here with one clear message instead of in every test.
    await waitForBroker(brokers, { timeoutMs: 30_000 });
    return { brokers, description: 'external broker from KAFKA_BROKERS', stop: async () => {} };
  }

  if (await dockerEngineAvailable()) {
    const container = await startContainerBroker(KAFKA_VERSION);
    return { brokers: container.brokers, description: `container ${container.image}`, stop: container.stop };
  }

  // Throws KafkaPrerequisiteError (naming what to install) when there is no usable JDK/Maven.
  const jvm = await startJvmBroker(KAFKA_VERSION);
  const { jarsMs, formatMs, startMs } = jvm.timings;
  const phases = `jars ${jvm.jarsResolved ? 'resolved' : 'cached'} ${(jarsMs / 1000).toFixed(1)} s, format ${(formatMs / 1000).toFixed(1)} s, broker ${(startMs / 1000).toFixed(1)} s`;
  return {
    brokers: jvm.brokers,
    description: `JVM broker (Apache Kafka ${KAFKA_VERSION} from Maven jars; ${phases})`,
    stop: jvm.stop,
  };
}
