import type { Command } from 'commander';

import { ConfigError } from '../config/config-error.ts';
import { StartupError } from '../config/startup-error.ts';
import { loadConfig } from '../config/load-config.ts';
import { unknownSettings } from '../config/unknown-settings.ts';
import { createLogger } from '../observability/logger.ts';
import { formatStartBanner } from './start-banner.ts';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run lpprov: the outbox dispatcher, the HTTP endpoints and, with KAFKA_BROKERS, the Kafka consumer')
    .action(async () => {
      let config;
      try {
        config = loadConfig(process.env);
      } catch (error) {
        if (error instanceof ConfigError) {
          process.stderr.write(`lpprov: ${error.message}\n`);
          process.exit(1);
        }
        throw error;
      }
      const logger = createLogger({ level: config.logLevel });
      for (const { name, suggestion } of unknownSettings(process.env)) {
        logger.warn(
          { variable: name, ...(suggestion === undefined ? {} : { suggestion }) },
          `${name} is not a setting lpprov knows${suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`}: it is ignored (docs/configuration.md)`,
        );
      }
      // Loaded here, not at the top: every other command would otherwise pay for the whole app.
      const { startLpprov } = await import('../main.ts');
      let running;
      try {
        running = await startLpprov(config, {
          logger,
          onFatal: (error) => {
            logger.fatal({ err: error }, 'a component failed beyond repair; exiting so a supervisor restarts lpprov');
            process.exit(1);
          },
        });
      } catch (error) {
        // The policy file is configuration too: its problems are listed the same way; a port or
        // address that cannot be had is one line naming its setting.
        if (error instanceof ConfigError || error instanceof StartupError) {
          process.stderr.write(`lpprov: ${error.message}\n`);
          process.exit(1);
        }
        throw error;
      }
      process.stderr.write(formatStartBanner(config, running));
      let stopping = false;
      const shutdown = (signal: NodeJS.Signals): void => {
        if (stopping) {
          logger.warn({ signal }, 'second signal: exiting without waiting');
          process.exit(1);
        }
        stopping = true;
        logger.info({ signal }, 'stopping');
        running.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error({ err: error }, 'stop failed');
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', shutdown);
      process.on('SIGINT', shutdown);
    });
}
