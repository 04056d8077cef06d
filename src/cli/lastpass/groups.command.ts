import type { Command } from 'commander';

import { incompleteness } from './completeness.ts';
import { withCommonOptions, type CommonFlags } from './common-options.ts';
import { groupEntries, renderGroups } from './groups-view.ts';
import { runWithLastPass } from './lastpass-session.ts';
import { warn, writeJson, writeOut } from './output.ts';

export function registerGroupsCommand(lastpass: Command): void {
  const command = lastpass
    .command('groups')
    .description('list the groups and how many members each has (--json: with the members)');
  withCommonOptions(command, { json: true }).action((flags: CommonFlags) =>
    runWithLastPass(flags, async (client) => {
      // LastPass has no group command: groups come with getuserdata, keyed by name.
      const data = await client.getUserData();
      const entries = groupEntries(data.groups);
      if (flags.json === true) writeJson(entries);
      else writeOut(renderGroups(entries));
      const problem = incompleteness(data);
      if (problem !== null) warn(problem);
    }),
  );
}
