// The broker for machines with a Docker engine: the official apache/kafka image, same version as
// the JVM broker. @testcontainers/kafka 12 drives Confluent's cp-kafka scripts
// (/etc/confluent/docker/run) and does not support apache/kafka, so this follows what
// testcontainers-java's org.testcontainers.kafka.KafkaContainer does for that image: start the
// container on a wait loop, then hand it a start script that advertises the mapped host port.
import { setTimeout as sleep } from 'node:timers/promises';
import type { StartedTestContainer } from 'testcontainers';
import { kafkaClusterId } from './kafka-cluster-id.ts';
import { KAFKA_VERSION } from './kafka-version.ts';
import { waitForBroker } from './kafka-readiness.ts';

const ENGINE_PROBE_TIMEOUT_MS = 3_000;
const READY_TIMEOUT_MS = 120_000;
const CLIENT_PORT = 9092; // published to the host
const BROKER_PORT = 9093; // inter-broker, inside the container only
const CONTROLLER_PORT = 9094;
const STARTER_SCRIPT = '/tmp/lpprov-kafka-start.sh';
// Created after the script, so the wait loop never runs a half-copied file.
const STARTER_READY = '/tmp/lpprov-kafka-start.ready';
const WAITING_MESSAGE = 'lpprov: waiting for the start script';

/**
 * True when a container engine answers. Without one, testcontainers fails in milliseconds; the
 * timeout only guards against an unreachable DOCKER_HOST that would otherwise hang.
 */
export async function dockerEngineAvailable(): Promise<boolean> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, ENGINE_PROBE_TIMEOUT_MS, false);
    timer.unref();
  });
  try {
    return await Promise.race([getContainerRuntimeClient().then(() => true), timedOut]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export interface ContainerBroker {
  readonly brokers: string[];
  readonly image: string;
  readonly stop: () => Promise<void>;
}

export async function startContainerBroker(version = KAFKA_VERSION): Promise<ContainerBroker> {
  // Loaded lazily so machines without Docker never pay for it.
  const { GenericContainer, Wait } = await import('testcontainers');
  const image = `apache/kafka:${version}`;
  // As in the JVM broker's server.properties: one node, so replication factor 1 everywhere.
  const singleNodeSettings = {
    KAFKA_NUM_PARTITIONS: '1',
    KAFKA_DEFAULT_REPLICATION_FACTOR: '1',
    KAFKA_MIN_INSYNC_REPLICAS: '1',
    KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
    KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '1',
    KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
    KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
    KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS: '1',
    ...(Number(version.split('.')[0]) >= 4
      ? { KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1', KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1' }
      : {}),
  };
  const container = await new GenericContainer(image)
    .withExposedPorts(CLIENT_PORT)
    .withEnvironment({
      // The image turns KAFKA_FOO_BAR into foo.bar in server.properties.
      CLUSTER_ID: kafkaClusterId(),
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_CONTROLLER_QUORUM_VOTERS: `1@localhost:${CONTROLLER_PORT}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENERS: `PLAINTEXT://:${CLIENT_PORT},BROKER://:${BROKER_PORT},CONTROLLER://:${CONTROLLER_PORT}`,
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'BROKER',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_NUM_NETWORK_THREADS: '2',
      KAFKA_NUM_IO_THREADS: '2',
      ...singleNodeSettings,
    })
    .withCommand([
      'sh',
      '-c',
      `echo '${WAITING_MESSAGE}'; while [ ! -f ${STARTER_READY} ]; do sleep 0.1; done; exec sh ${STARTER_SCRIPT}`,
    ])
    .withWaitStrategy(Wait.forLogMessage(WAITING_MESSAGE))
    .withStartupTimeout(READY_TIMEOUT_MS)
    .start();

  const bootstrap = `${container.getHost()}:${container.getMappedPort(CLIENT_PORT)}`;
  const brokers = [bootstrap];
  try {
    // The host port is known only now, and clients must be told exactly that address.
    const advertised = `PLAINTEXT://${bootstrap},BROKER://localhost:${BROKER_PORT}`;
    await container.copyContentToContainer([
      {
        content: `export KAFKA_ADVERTISED_LISTENERS=${advertised}\nexec /etc/kafka/docker/run\n`,
        target: STARTER_SCRIPT,
        mode: 0o755,
      },
    ]);
    await container.copyContentToContainer([{ content: '', target: STARTER_READY }]);
    await waitForBroker(brokers, { timeoutMs: READY_TIMEOUT_MS });
  } catch (error) {
    const logs = await containerLogTail(container);
    await container.stop().catch(() => undefined);
    throw new Error(
      `Kafka container ${image} did not become ready: ${error instanceof Error ? error.message : String(error)}\n${logs}`,
      { cause: error },
    );
  }
  return {
    brokers,
    image,
    stop: async () => {
      await container.stop();
    },
  };
}

/** testcontainers always follows the log, so collect what arrives within a second and stop. */
async function containerLogTail(container: StartedTestContainer): Promise<string> {
  try {
    const stream = await container.logs({ tail: 40 });
    const chunks: string[] = [];
    stream.on('data', (chunk: Buffer | string) => chunks.push(chunk.toString()));
    await sleep(1_000);
    stream.destroy();
    return `Last 40 lines of the container log:\n${chunks.join('')}`;
  } catch {
    return '(container log unavailable)';
  }
}
