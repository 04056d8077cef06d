import type { Command } from 'commander';

import { SqlDeadLetterAdmin } from '../../db/dead-letter-admin.ts';
import { SqlAccountControl } from '../../outbox/account-control.store.ts';
import { SqlOutboxAdmin } from '../../outbox/sql-outbox-admin.ts';
import { writeJson, writeOut } from '../lastpass/output.ts';

import { runWithDatabase } from './database-session.ts';
import { EXIT_CODES_HELP } from './exit-codes.ts';
import { renderStatus, statusJson, type StatusReport } from './status-view.ts';

interface StatusFlags {
  readonly json?: boolean;
  readonly account?: string;
}

export function registerStatusCommand(outbox: Command): void {
  outbox
    .command('status')
    .description("what to check first: commands by status, the account's dispatch pause, the mass-change breaker and open input dead letters")
    .option('--json', 'print JSON instead of text')
    .option('--account <key>', 'the account to report on (default: LASTPASS_CID, or simulator without credentials)')
    .addHelpText('after', EXIT_CODES_HELP)
    .action((flags: StatusFlags) =>
      runWithDatabase({ create: false }, async ({ db, account: configured }) => {
        const account = flags.account ?? configured;
        const report: StatusReport = {
          account,
          counts: await new SqlOutboxAdmin(db).countByStatus(),
          state: await new SqlAccountControl(db).state(account),
          inputDeadLetters: await new SqlDeadLetterAdmin(db).countOpen(),
          now: Date.now(),
        };
        if (flags.json === true) writeJson(statusJson(report));
        else writeOut(renderStatus(report));
      }),
    );
}
