import { isRemoval } from '../commands.ts';
import type { PendingCommand } from '../ports.ts';

/**
 * The person's waiting commands as a plan sees them. A command sent at least once whose answer
 * was lost, or that LastPass asked to try again, may have been applied: a plan made while it
 * waits for its retry counts it as sent (`kept`), plans from the account as it stands after it,
 * and leaves it to its retry. Taking it back would be wrong whenever it did apply (an invitation
 * counted as "no account yet" leaves the leaver's new account enabled; a disable taken back
 * leaves the person disabled when HR cancels the leave). Removals are the exception: they are
 * planned again like any unsent command, so a rehire never loses the vault to a delete that may
 * not have run (if it did, the next command finds no account and invites again).
 */
export function waitingCommands(pending: readonly PendingCommand[]): { readonly kept: PendingCommand[]; readonly unsent: PendingCommand[] } {
  const kept = pending.filter((p) => p.attempted === true && p.dead !== true && !isRemoval(p.command));
  return { kept, unsent: pending.filter((p) => !kept.includes(p)) };
}
