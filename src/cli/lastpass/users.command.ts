import type { Command } from 'commander';

import { incompleteness } from './completeness.ts';
import { withCommonOptions, type CommonFlags } from './common-options.ts';
import { runWithLastPass } from './lastpass-session.ts';
import { warn, writeJson, writeOut } from './output.ts';
import { renderUsers, userEntries } from './users-view.ts';

interface UsersFlags extends CommonFlags {
  readonly disabled?: boolean;
  readonly admin?: boolean;
}

export function registerUsersCommand(lastpass: Command): void {
  const command = lastpass
    .command('users')
    .description('list all users (every page of getuserdata): status, admin, groups, last login, MFA')
    .option('--disabled', 'only disabled users')
    .option('--admin', 'only admins (with --disabled: disabled admins)');
  withCommonOptions(command, { json: true }).action((flags: UsersFlags) =>
    runWithLastPass(flags, async (client) => {
      const filter = { disabledOnly: flags.disabled === true, adminsOnly: flags.admin === true };
      const data = await client.getUserData(filter);
      const entries = userEntries(data, filter);
      if (flags.json === true) writeJson(entries);
      else writeOut(renderUsers(entries));
      const problem = incompleteness(data);
      if (problem !== null) warn(problem);
    }),
  );
}
