import type { LastPassAccount } from './account.ts';
import type { LastPassCommand } from './commands.ts';
import type { PersonRecord } from './ports.ts';

/**
 * Which LastPass username holds a person's account. LastPass keys accounts by email address, and
 * the address moves: an `updateemail` is pending until the user confirms it, an invitation that
 * never became an account is withdrawn and sent to the new address, an operator renames a user in
 * the console. lpprov addresses each command to the username it planned; when LastPass does not
 * know that name, the account is looked up under every other address known for the person, and
 * the command (with the person's later ones) goes to where the account is. The states:
 *
 * - invited or active under `username`, no change pending;
 * - email change sent (`pendingEmail`): still under `username` until the user confirms, then
 *   under `pendingEmail`; lpprov learns which when LastPass refuses the old name (or from
 *   `lpprov reconcile`, which records the confirmation);
 * - gone: no address known for the person is in LastPass.
 */

/** Every address the person's account may be under, planned name first, lower-case, no repeats. */
export function knownAddresses(person: PersonRecord): string[] {
  const addresses = [person.lastpass?.username, person.lastpass?.pendingEmail, ...(person.lastpass?.aliases ?? []), person.desired.username];
  return [...new Set(addresses.filter((a): a is string => a !== undefined && a !== '').map((a) => a.toLowerCase()))];
}

/** The username a command addresses (for an email change: the current one). */
export function addressOf(command: LastPassCommand): string {
  return (command.kind === 'update_email' ? command.oldEmail : command.username).toLowerCase();
}

/** The same command, addressed to `username`. */
export function readdressed(command: LastPassCommand, username: string): LastPassCommand {
  if (command.kind === 'update_email') return { ...command, oldEmail: username };
  return { ...command, username };
}

/** The planned account once LastPass is known to hold it under `username`; the old name becomes an alias. */
export function accountUnder(account: LastPassAccount, username: string): LastPassAccount {
  const { pendingEmail, aliases: _aliases, ...rest } = account;
  const to = username.toLowerCase();
  const stillPending = pendingEmail !== undefined && pendingEmail.toLowerCase() !== to ? { pendingEmail } : {};
  return { ...rest, ...stillPending, username: to, ...withAliases(account, [account.username], to) };
}

/** The account's aliases with `more` added, without `current` (the username) or repeats; absent when none. */
export function withAliases(account: LastPassAccount, more: readonly (string | undefined)[], current = account.username): { aliases?: string[] } {
  const aliases = [...new Set([...(account.aliases ?? []), ...more].filter((a): a is string => a !== undefined).map((a) => a.toLowerCase()))].filter(
    (a) => a !== current.toLowerCase(),
  );
  return aliases.length === 0 ? {} : { aliases };
}

/** What to do with a command LastPass refused because it does not know the username. */
export type UnknownUserDecision =
  | { readonly kind: 'readdress'; readonly to: string }
  | { readonly kind: 'done'; readonly detail: string }
  | { readonly kind: 'invite'; readonly detail: string }
  | { readonly kind: 'failed'; readonly reason: string };

/**
 * Taking access away from an account that is under no address lpprov knows leaves nothing to
 * take away: done (requiring a master password change included). A change for someone working (enable, name, groups, email) whose account is
 * gone (an invitation withdrawn, an account an administrator deleted) becomes an invitation with
 * the planned name and groups at the desired address. Account actions on no account fail, naming
 * every address tried.
 */
export function whenUnknown(command: LastPassCommand, foundUnder: string | undefined, tried: readonly string[]): UnknownUserDecision {
  if (foundUnder !== undefined) return { kind: 'readdress', to: foundUnder.toLowerCase() };
  const where = `LastPass has no user under any address known for the person (${tried.join(', ')})`;
  switch (command.kind) {
    case 'disable_user':
    case 'delete_user':
    case 'disable_multifactor':
    case 'require_master_password_change': // a leaver's step before the disable: no account, no password to change
      return { kind: 'done', detail: `${where}: there is no access to take away` };
    case 'update_user':
    case 'change_groups':
    case 'enable_user':
    case 'update_email':
      return { kind: 'invite', detail: `${where}: the person is working, so the account is invited again` };
    case 'add_user':
    case 'reinvite_user':
    case 'reset_password':
      return { kind: 'failed', reason: `${where}; lpprov reconcile reports the account as missing` };
  }
}
