import type { Command } from 'commander';

import { loadConfig } from '../config/load-config.ts';
import { SqlGeneratedTokenRepository } from '../db/generated-token.repository.ts';
import { rotateGeneratedToken } from '../scim/generated-token.ts';
import { writeOut } from './lastpass/output.ts';
import { runWithDatabase } from './outbox/database-session.ts';

const HELP = `
Replaces the SCIM bearer token lpprov generated on first start (used while SCIM_TOKENS is unset),
prints the new one once and stores only its SHA-256 digest. The old token stops working within a
few seconds on every running lpprov that shares this database; update your identity provider.
To use tokens of your own instead, set SCIM_TOKENS (several, comma-separated, for rotation).

Exit codes:
  0  a new token was made and printed
  1  configuration, usage or database error (DATABASE_URL unreachable, schema not migrated)`;

export function registerScimTokenCommand(program: Command): void {
  const scimToken = program.command('scim-token').description('the SCIM bearer token lpprov generates when SCIM_TOKENS is unset');
  scimToken
    .command('rotate')
    .description('make a new generated SCIM token, print it once, and retire the old one')
    .addHelpText('after', HELP)
    .action(() =>
      runWithDatabase({ create: false }, async ({ db, target }) => {
        const token = await rotateGeneratedToken(new SqlGeneratedTokenRepository(db), Date.now());
        // runWithDatabase has validated the environment already.
        const configured = loadConfig(process.env).scimTokens.length > 0;
        const note = configured ? 'note: SCIM_TOKENS is set, so lpprov accepts those tokens and ignores this one until it is unset\n' : '';
        writeOut(`database: ${target}\nnew SCIM token (shown only now): ${token}\n${note}`);
      }),
    );
}
