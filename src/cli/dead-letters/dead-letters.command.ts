import type { Command } from 'commander';

import { registerDiscardCommand } from './discard.command.ts';
import { DEAD_LETTERS_EXIT_CODES_HELP } from './exit-codes.ts';
import { registerListCommand } from './list.command.ts';
import { registerRetryCommand } from './retry.command.ts';
import { registerShowCommand } from './show.command.ts';

/** `lpprov dead-letters …`: the inputs lpprov could not accept, and what operators did about them (docs/cli.md). */
export function registerDeadLettersCommand(program: Command): void {
  const deadLetters = program
    .command('dead-letters')
    .description('look at the inputs lpprov could not accept (invalid HR events, refused SCIM users); retry or discard them')
    .addHelpText('after', DEAD_LETTERS_EXIT_CODES_HELP);
  registerListCommand(deadLetters);
  registerShowCommand(deadLetters);
  registerRetryCommand(deadLetters);
  registerDiscardCommand(deadLetters);
}
