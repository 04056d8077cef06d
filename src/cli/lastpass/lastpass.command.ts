import type { Command } from 'commander';

import { registerCallCommand } from './call.command.ts';
import { registerEventsCommand } from './events.command.ts';
import { EXIT_CODES_HELP } from './exit-codes.ts';
import { registerGroupsCommand } from './groups.command.ts';
import { registerSharedFoldersCommand } from './shared-folders.command.ts';
import { registerUsersCommand } from './users.command.ts';

/** `lpprov lastpass …`: read-mostly admin commands against the configured LastPass account (docs/cli.md). */
export function registerLastPassCommand(program: Command): void {
  const lastpass = program
    .command('lastpass')
    .description('look at the LastPass account lpprov is configured for: users, groups, shared folders, events, any API command')
    .addHelpText('after', EXIT_CODES_HELP);
  registerUsersCommand(lastpass);
  registerGroupsCommand(lastpass);
  registerSharedFoldersCommand(lastpass);
  registerEventsCommand(lastpass);
  registerCallCommand(lastpass);
}
