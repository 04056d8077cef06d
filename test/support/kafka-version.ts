// The one place that decides which Apache Kafka the tests run against: the Maven jars of the JVM
// broker and the apache/kafka image tag both follow it. Override with KAFKA_VERSION=4.1.0 etc.
const DEFAULT_KAFKA_VERSION = '3.9.1';

function readKafkaVersion(): string {
  const fromEnv = process.env.KAFKA_VERSION?.trim();
  const version = fromEnv === undefined || fromEnv === '' ? DEFAULT_KAFKA_VERSION : fromEnv;
  // It ends up in a directory name, a Maven property and an image tag, so keep it boring.
  if (!/^\d+\.\d+\.\d+$/.test(version)) {
    throw new Error(`KAFKA_VERSION must look like 3.9.1, got ${JSON.stringify(version)}`);
  }
  return version;
}

export const KAFKA_VERSION = readKafkaVersion();
