import type { DesiredAccount, LastPassAccount } from './account.ts';
import type { LastPassCommand } from './commands.ts';

export interface AccountPlan {
  /** Commands to run, in order. Empty when the account already is as desired. */
  readonly commands: readonly LastPassCommand[];
  /** The account once those commands have run (undefined: no account). */
  readonly next: LastPassAccount | undefined;
}

/**
 * Diffs the desired account against the planned LastPass account into a minimal, ordered list of
 * commands. Pure: the same inputs always give the same plan, and a plan applied to `current`
 * gives `next`, so planning the same desired state twice gives no commands the second time.
 */
export function planAccount(desired: DesiredAccount, current: LastPassAccount | undefined): AccountPlan {
  if (current === undefined) {
    if (!desired.active) return { commands: [], next: undefined };
    return {
      commands: [
        { kind: 'add_user', username: desired.username, fullname: desired.fullname, groups: [...desired.groups] },
      ],
      next: { username: desired.username, fullname: desired.fullname, groups: [...desired.groups], disabled: false },
    };
  }

  const commands: LastPassCommand[] = [];
  const username = current.username;
  // A leaver loses access first: disabling comes before any other change.
  if (!desired.active && !current.disabled) commands.push({ kind: 'disable_user', username });
  if (desired.active && current.disabled) commands.push({ kind: 'enable_user', username });
  if (desired.fullname !== current.fullname) {
    commands.push({ kind: 'update_user', username, fullname: desired.fullname });
  }
  const add = desired.groups.filter((g) => !current.groups.includes(g));
  const del = current.groups.filter((g) => !desired.groups.includes(g));
  if (add.length > 0 || del.length > 0) commands.push({ kind: 'change_groups', username, add, del });

  return {
    commands,
    next: { username, fullname: desired.fullname, groups: [...desired.groups], disabled: !desired.active },
  };
}
