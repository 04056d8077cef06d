import type { Command } from 'commander';

import { withCommonOptions, type CommonFlags } from './common-options.ts';
import { runWithLastPass } from './lastpass-session.ts';
import { writeJson, writeOut } from './output.ts';
import { renderSharedFolders, sortedFolders } from './shared-folders-view.ts';

interface SharedFoldersFlags extends CommonFlags {
  readonly detailed?: boolean;
}

export function registerSharedFoldersCommand(lastpass: Command): void {
  const command = lastpass
    .command('shared-folders')
    .description('list the shared folders with their members and permissions (getsfdata)')
    .option('--detailed', 'also list the sites each member sees (getdetailedsfdata; slower, and throttled sooner)');
  withCommonOptions(command, { json: true }).action((flags: SharedFoldersFlags) =>
    runWithLastPass(flags, async (client) => {
      const detailed = flags.detailed === true;
      const folders = sortedFolders(detailed ? await client.getDetailedSharedFolders() : await client.getSharedFolders());
      if (flags.json === true) writeJson(folders);
      else writeOut(renderSharedFolders(folders, detailed));
    }),
  );
}
