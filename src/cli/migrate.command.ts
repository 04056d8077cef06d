import type { Command } from 'commander';

import { migrate } from '../db/migrate.ts';
import { writeOut } from './lastpass/output.ts';
import { runWithDatabase } from './outbox/database-session.ts';
import { MIGRATE_EXIT_CODES_HELP } from './outbox/exit-codes.ts';
import { appliedMigration } from './outbox/schema-version.ts';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description("create or update lpprov's database schema (DATABASE_URL); lpprov start does this too")
    .addHelpText('after', MIGRATE_EXIT_CODES_HELP)
    .action(() =>
      runWithDatabase({ create: true }, async ({ db, target }) => {
        const applied = await migrate(db);
        const version = (await appliedMigration(db)) ?? 0;
        const lines = [`database: ${target}`];
        for (const m of applied) lines.push(`applied migration ${m.version} (${m.name})`);
        lines.push(
          applied.length === 0
            ? `schema is current (migration ${version}); nothing to apply`
            : `schema is now at migration ${version}`,
        );
        writeOut(lines.map((line) => `${line}\n`).join(''));
      }),
    );
}
