import { randomBytes } from 'node:crypto';

/**
 * A KRaft cluster id: 16 random bytes in base64url, as `kafka-storage random-uuid` prints them.
 * One id in 64 would start with `-`, which the format tool's argument parser reads as an option
 * (`--cluster-id -vPn…` → "expected one argument"); Kafka's own `Uuid.randomUuid()` draws again
 * in that case, and so does this.
 */
export function kafkaClusterId(random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
