import type { Command } from 'commander';

import { registerApprovalCommands } from './approval.command.ts';
import { EXIT_CODES_HELP } from './exit-codes.ts';
import { registerListCommand } from './list.command.ts';
import { registerResolveCommands } from './resolve.command.ts';
import { registerShowCommand } from './show.command.ts';
import { registerStatusCommand } from './status.command.ts';

/** `lpprov outbox …`: look at the outbox and move stuck or parked commands on (docs/cli.md, docs/outbox.md). */
export function registerOutboxCommand(program: Command): void {
  const outbox = program
    .command('outbox')
    .description('look at the outbox of planned LastPass commands; retry, skip, cancel, approve or reject them')
    .addHelpText('after', EXIT_CODES_HELP);
  registerStatusCommand(outbox);
  registerListCommand(outbox);
  registerShowCommand(outbox);
  registerResolveCommands(outbox);
  registerApprovalCommands(outbox);
}
