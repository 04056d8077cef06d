import { isIP } from 'node:net';

import { z } from 'zod';

import { Secret } from '../core/secret.ts';
import type { Config, DatabaseConfig } from './config.ts';
import { ConfigError } from './config-error.ts';
import { parseIsoDuration } from './iso-duration.ts';

export const DEFAULT_LASTPASS_URL = 'https://lastpass.com/enterpriseapi.php';
export const DEFAULT_DATABASE_PATH = './data/lpprov.db';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Unset and empty mean the same: an empty variable in a compose file or unit file is "not set". */
const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

const commaList = optionalText.transform((v) =>
  v === undefined
    ? []
    : v
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== ''),
);

/** A whole number within bounds, or the default when unset. */
function integer(fallback: number, min: number, max: number) {
  return optionalText.pipe(
    z
      .string()
      .regex(/^-?\d+$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
      .optional(),
  ).transform((v) => v ?? fallback);
}

function decimal(fallback: number, min: number, max: number) {
  return optionalText.pipe(
    z
      .string()
      .regex(/^\d+(\.\d+)?$/, 'must be a number')
      .transform(Number)
      .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
      .optional(),
  ).transform((v) => v ?? fallback);
}

const flag = (fallback: boolean) =>
  optionalText.pipe(z.enum(['true', 'false', '1', '0']).optional()).transform((v) => (v === undefined ? fallback : v === 'true' || v === '1'));

// Bearer tokens guard provisioning; a short one is guessable.
const token = z.string().min(16, 'each token must be at least 16 characters');
// HTTP Basic for the SCIM endpoint (Okta offers it): `user:password`, the password as long as a token.
const basicCredential = z
  .string()
  .regex(/^[^:]+:[^]{16,}$/, 'each entry must be user:password, with a password of at least 16 characters');

const envSchema = z.object({
    LASTPASS_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
    LASTPASS_CID: optionalText.pipe(z.string().regex(/^\d+$/, 'must be the numeric LastPass account number').optional()),
    LASTPASS_PROVHASH: optionalText,
    // Simulation mode only (no credentials): where the in-process simulator listens; 0: any free port.
    LASTPASS_SIMULATOR_PORT: integer(8081, 0, 65_535),
    LASTPASS_DEFAULT_PASSWORD: optionalText.pipe(z.string().min(12, 'must be at least 12 characters').optional()),
    DATABASE_URL: optionalText,
    KAFKA_BROKERS: commaList.pipe(
      z.array(z.string().regex(/^[^\s:/]+:\d{1,5}$/, 'each broker must be host:port')),
    ),
    KAFKA_TOPIC: optionalText.pipe(
      z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, 'must be a valid Kafka topic name').optional(),
    ),
    KAFKA_GROUP_ID: optionalText,
    // The broker's group.min/max.session.timeout.ms default to 6 s and 30 min.
    KAFKA_SESSION_TIMEOUT_MS: integer(30_000, 6_000, 1_800_000),
    PORT: optionalText.pipe(
      z
        .string()
        .regex(/^\d{1,5}$/, 'must be a TCP port (0-65535)')
        .transform(Number)
        .refine((port) => port <= 65535, 'must be a TCP port (0-65535)')
        .optional(),
    ),
    HOST: optionalText.pipe(
      z
        .string()
        .refine((host) => isIP(host) !== 0 || /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/.test(host), 'must be an IP address or a host name (0.0.0.0: every interface)')
        .optional(),
    ),
    SCIM_TOKENS: commaList.pipe(z.array(token)),
    SCIM_BASIC_CREDENTIALS: commaList.pipe(z.array(basicCredential)),
    SCIM_BASE_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
    HR_WEBHOOK_TOKENS: commaList.pipe(z.array(token)),
    POLICY_FILE: optionalText,
    LOG_LEVEL: optionalText.pipe(z.enum(LOG_LEVELS).optional()),
    DISPATCH_BATCH_SIZE: integer(200, 1, 10_000),
    DISPATCH_MAX_IN_FLIGHT: integer(4, 1, 64),
    LASTPASS_RATE_PER_SECOND: decimal(5, 0, 10_000),
    LASTPASS_RATE_BURST: integer(10, 1, 10_000),
    DISPATCH_LEASE_MS: integer(60_000, 1_000, 3_600_000),
    DISPATCH_POLL_MS: integer(1_000, 10, 600_000),
    DISPATCH_GATHER_MS: integer(50, 0, 10_000),
    RETRY_BASE_MS: integer(1_000, 1, 3_600_000),
    RETRY_CAP_MS: integer(3_600_000, 1, 86_400_000),
    RETRY_MAX_ATTEMPTS: integer(12, 1, 1_000),
    BREAKER_ENABLED: flag(true),
    BREAKER_WINDOW_MS: integer(3_600_000, 1_000, 604_800_000),
    BREAKER_MAX_PER_WINDOW: integer(200, 0, 10_000_000),
    BREAKER_MAX_SHARE: decimal(0.05, 0, 1),
    BREAKER_MIN_COUNT: integer(10, 0, 10_000_000),
    RECONCILE_INTERVAL: optionalText.pipe(
      z
        .string()
        .transform((v) => parseIsoDuration(v))
        .pipe(
          z
            .number({ error: 'must be an ISO 8601 duration such as PT1H or P1D (no months or years)' })
            .min(1000, 'must be at least PT1S'),
        )
        .optional(),
    ),
    RECONCILE_FIX: flag(false),
  });

/** Every variable lpprov reads (the command line's own options add a few, see unknown-settings.ts). */
export const SETTING_NAMES: readonly string[] = Object.keys(envSchema.shape);

function parseDatabase(value: string | undefined): DatabaseConfig {
  if (value !== undefined && /^postgres(ql)?:\/\//.test(value)) {
    return { kind: 'postgres', url: new Secret(value) };
  }
  return { kind: 'sqlite', path: value ?? DEFAULT_DATABASE_PATH };
}

/**
 * Reads lpprov's configuration from an environment (normally `process.env`), once, at start.
 * Every problem is reported together in one ConfigError; the result is deeply frozen.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const parsed = envSchema.safeParse(env);
  // Messages name the variable but never echo its value: the value may be a secret.
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`);
  const hasCid = (env.LASTPASS_CID ?? '').trim() !== '';
  const hasHash = (env.LASTPASS_PROVHASH ?? '').trim() !== '';
  if (hasCid !== hasHash) {
    // One without the other is a half-configured production system; refuse it rather than guess.
    problems.push(`${hasCid ? 'LASTPASS_PROVHASH' : 'LASTPASS_CID'}: LASTPASS_CID and LASTPASS_PROVHASH must be set together`);
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  const config: Config = {
    lastpass: {
      url: e.LASTPASS_URL ?? DEFAULT_LASTPASS_URL,
      cid: e.LASTPASS_CID,
      provhash: e.LASTPASS_PROVHASH === undefined ? undefined : new Secret(e.LASTPASS_PROVHASH),
      defaultPassword: e.LASTPASS_DEFAULT_PASSWORD === undefined ? undefined : new Secret(e.LASTPASS_DEFAULT_PASSWORD),
      simulatorPort: e.LASTPASS_SIMULATOR_PORT,
    },
    database: parseDatabase(e.DATABASE_URL),
    kafka:
      e.KAFKA_BROKERS.length === 0
        ? undefined
        : {
            brokers: e.KAFKA_BROKERS,
            topic: e.KAFKA_TOPIC ?? 'hr.lifecycle.v1',
            groupId: e.KAFKA_GROUP_ID ?? 'lpprov',
            sessionTimeoutMs: e.KAFKA_SESSION_TIMEOUT_MS,
          },
    port: e.PORT ?? 8080,
    // Simulation mode is a demo on this machine; with credentials lpprov serves identity providers.
    host: e.HOST ?? (e.LASTPASS_CID === undefined ? '127.0.0.1' : undefined),
    scimTokens: e.SCIM_TOKENS.map((t) => new Secret(t)),
    scimBasicCredentials: e.SCIM_BASIC_CREDENTIALS.map((c) => new Secret(c)),
    scimBaseUrl: e.SCIM_BASE_URL?.replace(/\/+$/, ''),
    hrWebhookTokens: e.HR_WEBHOOK_TOKENS.map((t) => new Secret(t)),
    policyFile: e.POLICY_FILE,
    logLevel: e.LOG_LEVEL ?? 'info',
    dispatch: {
      batchSize: e.DISPATCH_BATCH_SIZE,
      maxInFlight: e.DISPATCH_MAX_IN_FLIGHT,
      ratePerSecond: e.LASTPASS_RATE_PER_SECOND,
      rateBurst: e.LASTPASS_RATE_BURST,
      leaseMs: e.DISPATCH_LEASE_MS,
      pollMs: e.DISPATCH_POLL_MS,
      gatherMs: e.DISPATCH_GATHER_MS,
      retryBaseMs: e.RETRY_BASE_MS,
      retryCapMs: e.RETRY_CAP_MS,
      maxAttempts: e.RETRY_MAX_ATTEMPTS,
      breaker: {
        enabled: e.BREAKER_ENABLED,
        windowMs: e.BREAKER_WINDOW_MS,
        maxPerWindow: e.BREAKER_MAX_PER_WINDOW,
        maxShare: e.BREAKER_MAX_SHARE,
        minCountForShare: e.BREAKER_MIN_COUNT,
      },
    },
    reconcile: { intervalMs: e.RECONCILE_INTERVAL, fix: e.RECONCILE_FIX },
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !(value instanceof Secret) && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
