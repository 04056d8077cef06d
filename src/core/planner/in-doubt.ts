import type { PendingCommand } from '../ports.ts';

/**
 * The person's waiting commands as a plan sees them. A command sent at least once whose answer
 * was lost, or that LastPass asked to try again, may have been applied: a plan made while it
 * waits for its retry counts it as sent (`kept`), plans from the account as it stands after it,
 * and leaves it to its retry. Taking it back would be wrong whenever it did apply: an invitation
 * counted as "no account yet" leaves the leaver's new account enabled; a disable taken back
 * leaves the person disabled when HR cancels the leave; a withdrawn invitation taken back leaves
 * a joiner who comes back without one. Removals too: a rehire after a delete that may have run
 * is invited afresh once it has, and a command for an account that turns out to be gone
 * becomes an invitation (account-identity.ts, whenUnknown).
 */
export function waitingCommands(pending: readonly PendingCommand[]): { readonly kept: PendingCommand[]; readonly unsent: PendingCommand[] } {
  const kept = pending.filter((p) => p.attempted === true && p.dead !== true);
  return { kept, unsent: pending.filter((p) => !kept.includes(p)) };
}
