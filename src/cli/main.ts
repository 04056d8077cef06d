#!/usr/bin/env node
import { Command } from 'commander';

import { registerAuditCommand } from './audit.command.ts';
import { registerDeadLettersCommand } from './dead-letters/dead-letters.command.ts';
import { registerLastPassCommand } from './lastpass/lastpass.command.ts';
import { registerMigrateCommand } from './migrate.command.ts';
import { registerOutboxCommand } from './outbox/outbox.command.ts';
import { registerPlanCommand } from './plan.command.ts';
import { registerReconcileCommand } from './reconcile.command.ts';
import { registerScimTokenCommand } from './scim-token.command.ts';
import { registerSimulatorCommand } from './simulator.command.ts';
import { registerStartCommand } from './start.command.ts';

const program = new Command('lpprov')
  .description('Keeps LastPass Business accounts in step with who works at the company.')
  .showHelpAfterError()
  .exitOverride((err) => {
    // commander exits 0 for --help and --version and 1 for usage errors; keep its codes.
    process.exit(err.exitCode);
  });

registerStartCommand(program);
registerSimulatorCommand(program);
registerLastPassCommand(program);
registerMigrateCommand(program);
registerOutboxCommand(program);
registerDeadLettersCommand(program);
registerAuditCommand(program);
registerPlanCommand(program);
registerReconcileCommand(program);
registerScimTokenCommand(program);

await program.parseAsync(process.argv);
