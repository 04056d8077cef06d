import { logLevel, type logCreator } from 'kafkajs';

import type { Logger } from '../observability/logger.ts';

/** Routes kafkajs's own log lines into pino, under the given logger. */
export function kafkaLogCreator(logger: Logger): logCreator {
  return () =>
    ({ level, log }) => {
      const { message, logger: kafkaLogger, error, broker, groupId } = log as Record<string, unknown>;
      const line = { kafkaLogger, error, broker, groupId };
      switch (level) {
        case logLevel.ERROR:
          logger.error(line, String(message));
          break;
        case logLevel.WARN:
          logger.warn(line, String(message));
          break;
        case logLevel.INFO:
          logger.info(line, String(message));
          break;
        default:
          logger.debug(line, String(message));
      }
    };
}
