import type { Command } from 'commander';

import { SqlDeadLetterAdmin } from '../../db/dead-letter-admin.ts';
import { writeJson, writeOut } from '../lastpass/output.ts';
import { parseLimit } from '../outbox/arguments.ts';
import { runWithDatabase } from '../outbox/database-session.ts';

import { DEAD_LETTERS_EXIT_CODES_HELP } from './exit-codes.ts';
import { deadLetterJson } from './format.ts';
import { renderDeadLetters } from './list-view.ts';

interface ListFlags {
  readonly all?: boolean;
  readonly source?: string;
  readonly limit: number;
  readonly json?: boolean;
}

const DEFAULT_LIMIT = 100;

export function registerListCommand(deadLetters: Command): void {
  deadLetters
    .command('list')
    .description('list open input dead letters, newest first')
    .option('--all', 'resolved ones too, with their resolution')
    .option('--source <prefix>', 'only sources starting with this (kafka:, webhook, scim://okta/)')
    .option('--limit <n>', 'at most this many', parseLimit, DEFAULT_LIMIT)
    .option('--json', 'print JSON (every field, with the raw input) instead of a table')
    .addHelpText('after', DEAD_LETTERS_EXIT_CODES_HELP)
    .action((flags: ListFlags) =>
      runWithDatabase({ create: false }, async ({ db }) => {
        const letters = await new SqlDeadLetterAdmin(db).list({
          open: flags.all !== true,
          ...(flags.source === undefined ? {} : { source: flags.source }),
          limit: flags.limit,
        });
        if (flags.json === true) writeJson(letters.map(deadLetterJson));
        else writeOut(renderDeadLetters({ letters, all: flags.all === true, limit: flags.limit, filtered: flags.source !== undefined }));
      }),
    );
}
