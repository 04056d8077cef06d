import { Option, type Command } from 'commander';

import type { CommandKind } from '../../core/commands.ts';
import { OUTBOX_STATUSES, type OutboxStatus } from '../../outbox/outbox.store.ts';
import { SqlOutboxAdmin } from '../../outbox/sql-outbox-admin.ts';
import { writeJson, writeOut } from '../lastpass/output.ts';

import { COMMAND_KINDS, parseLimit } from './arguments.ts';
import { runWithDatabase } from './database-session.ts';
import { EXIT_CODES_HELP } from './exit-codes.ts';
import { entryJson } from './format.ts';
import { renderEntries } from './list-view.ts';

interface ListFlags {
  readonly status?: OutboxStatus;
  readonly person?: string;
  readonly kind?: CommandKind;
  readonly limit: number;
  readonly json?: boolean;
}

const DEFAULT_LIMIT = 100;

export function registerListCommand(outbox: Command): void {
  outbox
    .command('list')
    .description('list outbox commands, oldest first')
    // Commander refuses any other value with a message that lists the allowed ones (exit 1).
    .addOption(new Option('--status <status>', 'only commands in this status').choices(OUTBOX_STATUSES))
    .option('--person <id>', 'only the commands of this person (HR person id or SCIM externalId)')
    .addOption(new Option('--kind <kind>', 'only commands of this kind').choices(COMMAND_KINDS))
    .option('--limit <n>', 'at most this many commands', parseLimit, DEFAULT_LIMIT)
    .option('--json', 'print JSON (every field, with the command payload) instead of a table')
    .addHelpText('after', EXIT_CODES_HELP)
    .action((flags: ListFlags) =>
      runWithDatabase({ create: false }, async ({ db }) => {
        const entries = await new SqlOutboxAdmin(db).list({
          ...(flags.status === undefined ? {} : { status: flags.status }),
          ...(flags.person === undefined ? {} : { personId: flags.person }),
          ...(flags.kind === undefined ? {} : { kind: flags.kind }),
          limit: flags.limit,
        });
        if (flags.json === true) writeJson(entries.map(entryJson));
        else writeOut(renderEntries(entries, flags.limit));
      }),
    );
}
