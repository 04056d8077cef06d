// Shared by every way of getting a broker: a kafkajs client that stays quiet, and a readiness
// poll that replaces any fixed sleep after starting one.
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';

/** kafkajs logs every failed connection attempt at ERROR; tests and polling don't want that noise. */
export function silentKafka(clientId: string, brokers: readonly string[]): Kafka {
  return new Kafka({
    clientId,
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    // kafkajs' retry count, but a shorter first backoff: the broker is local.
    retry: { retries: 5, initialRetryTime: 100 },
  });
}

export interface WaitForBrokerOptions {
  timeoutMs: number;
  /** Stops polling early, e.g. when the broker process has already exited. */
  abortReason?: () => string | undefined;
}

/** Polls describeCluster until the broker answers with at least one live broker. */
export async function waitForBroker(brokers: readonly string[], options: WaitForBrokerOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError = 'no attempt made';
  while (Date.now() < deadline) {
    const aborted = options.abortReason?.();
    if (aborted !== undefined) throw new Error(aborted);
    const admin = new Kafka({
      clientId: 'lpprov-test-readiness',
      brokers: [...brokers],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1_000,
      requestTimeout: 5_000,
      // One try per round: this loop is the retry.
      retry: { retries: 0 },
    }).admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0) return;
      lastError = 'describeCluster returned no brokers';
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await sleep(250);
  }
  throw new Error(
    `Kafka at ${brokers.join(',')} was not ready within ${options.timeoutMs / 1000} s (last error: ${lastError})`,
  );
}
