import type { Command } from 'commander';

import { SqlOutboxAdmin } from '../../outbox/sql-outbox-admin.ts';
import { writeJson, writeOut } from '../lastpass/output.ts';

import { parseId } from './arguments.ts';
import { runWithDatabase } from './database-session.ts';
import { RefusedError } from './errors.ts';
import { EXIT_CODES_HELP } from './exit-codes.ts';
import { entryJson } from './format.ts';
import { renderEntry } from './show-view.ts';

export function registerShowCommand(outbox: Command): void {
  outbox
    .command('show')
    .description('print every field of one outbox command, with its payload and resolution')
    .argument('<id>', 'the outbox id (first column of outbox list)', parseId)
    .option('--json', 'print JSON instead of text')
    .addHelpText('after', EXIT_CODES_HELP)
    .action((id: number, flags: { json?: boolean }) =>
      runWithDatabase({ create: false }, async ({ db }) => {
        const entry = await new SqlOutboxAdmin(db).get(id);
        if (entry === undefined) throw new RefusedError(`there is no outbox command with id ${id}`);
        if (flags.json === true) writeJson(entryJson(entry));
        else writeOut(renderEntry(entry));
      }),
    );
}
