import type { Command } from 'commander';

import { SqlDeadLetterAdmin } from '../../db/dead-letter-admin.ts';
import { writeOut } from '../lastpass/output.ts';
import { parseActor } from '../outbox/arguments.ts';
import { runWithDatabase } from '../outbox/database-session.ts';
import { RefusedError } from '../outbox/errors.ts';

import { parseDeadLetterId, parseReason } from './arguments.ts';
import { DEAD_LETTERS_EXIT_CODES_HELP } from './exit-codes.ts';
import { describeDeadLetter } from './format.ts';

interface DiscardFlags {
  readonly actor: string;
  readonly reason: string;
}

/** `lpprov dead-letters discard <id>`: close an open dead letter that needs nothing more, saying why. */
export function registerDiscardCommand(deadLetters: Command): void {
  deadLetters
    .command('discard')
    .description('close an open input dead letter without applying it (it was sent again corrected, or is not wanted), with the reason')
    .argument('<id>', 'the dead letter id (first column of dead-letters list)', parseDeadLetterId)
    .requiredOption('--actor <name>', 'who discards, recorded in the resolution', parseActor)
    .requiredOption('--reason <text>', 'why, recorded in the resolution', parseReason)
    .addHelpText('after', DEAD_LETTERS_EXIT_CODES_HELP)
    .action((id: number, flags: DiscardFlags) =>
      runWithDatabase({ create: false }, async ({ db }) => {
        const admin = new SqlDeadLetterAdmin(db);
        const letter = await admin.get(id);
        if (letter === undefined) throw new RefusedError(`there is no input dead letter with id ${id}`);
        const resolution = `discarded by ${flags.actor}: ${flags.reason}`;
        if (letter.resolvedAt !== undefined || !(await admin.resolve(id, resolution, Date.now()))) {
          // Read again: another operator may have resolved it since the first read.
          const now = (await admin.get(id)) ?? letter;
          const resolved = now.resolution ?? 'no resolution given';
          throw new RefusedError(`${describeDeadLetter(now)} is resolved already (${resolved}); discard takes only open dead letters`);
        }
        writeOut(`${describeDeadLetter(letter)}: open -> resolved (${resolution})\n`);
      }),
    );
}
