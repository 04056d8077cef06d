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
  /** Default master password for joiners, when the policy asks for one (joiner.default_password). */
  readonly defaultPassword: Secret | undefined;
  /** Simulation mode: the in-process simulator's port (LASTPASS_SIMULATOR_PORT; 0: any free port). */
  readonly simulatorPort: number;
}

export interface KafkaConfig {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly groupId: string;
  /** How long the group waits for a silent member before giving its partitions to others. */
  readonly sessionTimeoutMs: number;
}

/** How the outbox is drained (docs/configuration.md, "Dispatch"). */
export interface DispatchConfig {
  readonly batchSize: number;
  readonly maxInFlight: number;
  /** Calls to LastPass per second for the account, shared by all replicas on PostgreSQL. 0: no limit. */
  readonly ratePerSecond: number;
  readonly rateBurst: number;
  readonly leaseMs: number;
  readonly pollMs: number;
  readonly gatherMs: number;
  readonly retryBaseMs: number;
  readonly retryCapMs: number;
  readonly maxAttempts: number;
  readonly breaker: {
    readonly enabled: boolean;
    readonly windowMs: number;
    readonly maxPerWindow: number;
    readonly maxShare: number;
    readonly minCountForShare: number;
  };
}

/** Periodic reconciliation with LastPass (docs/configuration.md, "Reconciliation"). */
export interface ReconcileConfig {
  /** RECONCILE_INTERVAL; undefined: no periodic reconciliation. */
  readonly intervalMs: number | undefined;
  /** RECONCILE_FIX: enqueue corrections; false: only report findings (as log warnings). */
  readonly fix: boolean;
}

/** lpprov's whole configuration: parsed once from the environment, validated, frozen. */
export interface Config {
  readonly lastpass: LastPassConfig;
  readonly database: DatabaseConfig;
  /** Unset KAFKA_BROKERS: no Kafka consumer runs. */
  readonly kafka: KafkaConfig | undefined;
  readonly port: number;
  /**
   * HOST: the address the HTTP listener binds. Unset: 127.0.0.1 in simulation mode (a demo is not
   * reachable from the network); with LastPass credentials undefined, every interface, IPv4 and IPv6.
   */
  readonly host: string | undefined;
  readonly scimTokens: readonly Secret[];
  /** SCIM_BASIC_CREDENTIALS: `user:password` pairs accepted by HTTP Basic on the SCIM endpoint; none: Basic is refused. */
  readonly scimBasicCredentials: readonly Secret[];
  /** SCIM_BASE_URL: the public URL of the SCIM root (Location, meta.location); unset: taken from each request. */
  readonly scimBaseUrl: string | undefined;
  readonly hrWebhookTokens: readonly Secret[];
  readonly policyFile: string | undefined;
  readonly logLevel: string;
  readonly dispatch: DispatchConfig;
  readonly reconcile: ReconcileConfig;
}
