import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths pino censors in every log line. Secrets reach log calls mostly inside request, config
 * and error objects, so the paths cover those shapes at any of the first levels of nesting.
 */
const SECRET_KEYS = [
  'provhash',
  'provisioningHash',
  'password',
  'token',
  'tokens',
  'authorization',
  'scimTokens',
  'hrWebhookTokens',
  'scimBasicCredentials',
  'secret',
];
export const REDACT_PATHS: readonly string[] = SECRET_KEYS.flatMap((key) => [
  key,
  `*.${key}`,
  `*.*.${key}`,
  `*.*.*.${key}`,
]);

export const REDACTED = '[redacted]';

export interface LoggerSettings {
  readonly level: string;
  /** Service name in every line; tests and the simulator use their own. */
  readonly name?: string;
}

/** Builds the root pino logger; components take `logger.child({ component })` from it. */
export function createLogger(settings: LoggerSettings, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    name: settings.name ?? 'lpprov',
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}
