import type { LastPassAccount } from '../account.ts';
import type { LastPassCommand } from '../commands.ts';
import type { PendingCommand } from '../ports.ts';

/**
 * The planned account as it stands without the person's unsent commands: the planned account is
 * the state once every enqueued command has run, so each unsent one is taken back, newest first.
 * A plan cancels every unsent command and plans again from here, so nothing a cancelled command
 * would have done is lost (two quick moves, the second undoing part of the first, still reach
 * LastPass) and nothing is done twice.
 *
 * - an unsent invitation: there is no account yet;
 * - group changes: exactly reversible;
 * - a name change: the old name is not kept, so it counts as unknown and the plan sends the name again;
 * - an email change: the account is under the old address with no change pending;
 * - disable/enable (and a withdrawal): the other state; removals keep the account (it is planned
 *   until it ends).
 */
export function accountBefore(planned: LastPassAccount | undefined, unsent: readonly PendingCommand[]): LastPassAccount | undefined {
  let account = planned;
  for (const { command } of [...unsent].reverse()) {
    if (command.kind === 'add_user') account = undefined;
    else if (account !== undefined) account = takeBack(account, command);
  }
  return account;
}

function takeBack(account: LastPassAccount, command: Exclude<LastPassCommand, { kind: 'add_user' }>): LastPassAccount {
  switch (command.kind) {
    case 'change_groups': {
      const groups = account.groups.filter((g) => !command.add.includes(g));
      return { ...account, groups: [...new Set([...groups, ...command.del])].sort() };
    }
    case 'update_user':
      return { ...account, fullname: '' };
    case 'update_email': {
      const { pendingEmail: _taken, ...rest } = account;
      return { ...rest, username: command.oldEmail };
    }
    case 'disable_user':
      return { ...account, disabled: false };
    case 'enable_user':
      return { ...account, disabled: true };
    case 'delete_user':
      // A withdrawal marks the account disabled (an accepted invitation is deactivated).
      return command.action === 'deactivate' || command.action === 'uninvite' ? { ...account, disabled: false } : account;
    case 'reinvite_user':
    case 'reset_password':
    case 'require_master_password_change':
    case 'disable_multifactor':
      return account;
  }
}
