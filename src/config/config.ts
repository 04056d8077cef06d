import type { Secret } from '../core/secret.ts';

export type DatabaseConfig =
  | { readonly kind: 'sqlite'; readonly path: string }
  /** The URL may carry a password, so it is kept as a Secret. */
  | { readonly kind: 'postgres'; readonly url: Secret };

export interface LastPassConfig {
  readonly url: string;
  /** Account number. Unset together with the hash means simulation mode (a later issue). */
  readonly cid: string | undefined;
  readonly provhash: Secret | undefined;
}

export interface KafkaConfig {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly groupId: string;
}

/** lpprov's whole configuration: parsed once from the environment, validated, frozen. */
export interface Config {
  readonly lastpass: LastPassConfig;
  readonly database: DatabaseConfig;
  /** Unset KAFKA_BROKERS: no Kafka consumer runs. */
  readonly kafka: KafkaConfig | undefined;
  readonly port: number;
  readonly scimTokens: readonly Secret[];
  readonly hrWebhookTokens: readonly Secret[];
  readonly policyFile: string | undefined;
  readonly logLevel: string;
}
