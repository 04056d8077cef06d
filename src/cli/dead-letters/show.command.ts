import type { Command } from 'commander';

import { SqlDeadLetterAdmin } from '../../db/dead-letter-admin.ts';
import { writeJson, writeOut } from '../lastpass/output.ts';
import { runWithDatabase } from '../outbox/database-session.ts';
import { RefusedError } from '../outbox/errors.ts';

import { parseDeadLetterId } from './arguments.ts';
import { DEAD_LETTERS_EXIT_CODES_HELP } from './exit-codes.ts';
import { deadLetterJson } from './format.ts';
import { renderDeadLetter } from './show-view.ts';

export function registerShowCommand(deadLetters: Command): void {
  deadLetters
    .command('show')
    .description('print every field of one input dead letter, with the raw input and what to do about it')
    .argument('<id>', 'the dead letter id (first column of dead-letters list)', parseDeadLetterId)
    .option('--json', 'print JSON instead of text')
    .addHelpText('after', DEAD_LETTERS_EXIT_CODES_HELP)
    .action((id: number, flags: { json?: boolean }) =>
      runWithDatabase({ create: false }, async ({ db }) => {
        const letter = await new SqlDeadLetterAdmin(db).get(id);
        if (letter === undefined) throw new RefusedError(`there is no input dead letter with id ${id}`);
        if (flags.json === true) writeJson(deadLetterJson(letter));
        else writeOut(renderDeadLetter(letter));
      }),
    );
}
