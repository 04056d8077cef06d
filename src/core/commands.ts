/**
 * Glossary.
 * - person: one human known to lpprov, keyed by `personId` (HR person id or SCIM externalId).
 * - command: one intended LastPass effect for one person, planned by the core and stored in the
 *   outbox in the same transaction as the state change that caused it.
 * - batchable command: a command whose LastPass API call takes many users at once, so the
 *   dispatcher may merge the commands of many people into one call.
 * - outcome: what became of one command after a call (done, retry later, failed for good, or the
 *   credentials were refused).
 */

/** `deluser` deleteaction values by name: 0 deactivate, 1 remove from company, 2 delete, 3 uninvite. */
export const DELETE_ACTIONS = ['deactivate', 'remove', 'delete', 'uninvite'] as const;
export type DeleteAction = (typeof DELETE_ACTIONS)[number];

export interface AddUserCommand {
  readonly kind: 'add_user';
  readonly username: string;
  readonly fullname?: string;
  readonly groups: readonly string[];
  readonly attribs?: Readonly<Record<string, string>>;
  /**
   * Give the account the configured default master password. The password itself is never in a
   * command (commands are stored): the gateway adds it from configuration when it sends.
   */
  readonly defaultPassword?: boolean;
  /** With a default password: whether the user must change it at first login (LastPass default true). */
  readonly passwordResetRequired?: boolean;
}

export interface UpdateUserCommand {
  readonly kind: 'update_user';
  readonly username: string;
  readonly fullname: string;
}

export interface ChangeGroupsCommand {
  readonly kind: 'change_groups';
  readonly username: string;
  readonly add: readonly string[];
  readonly del: readonly string[];
}

export interface DisableUserCommand {
  readonly kind: 'disable_user';
  readonly username: string;
}

export interface EnableUserCommand {
  readonly kind: 'enable_user';
  readonly username: string;
}

export interface DeleteUserCommand {
  readonly kind: 'delete_user';
  readonly username: string;
  readonly action: DeleteAction;
}

export interface UpdateEmailCommand {
  readonly kind: 'update_email';
  readonly oldEmail: string;
  readonly newEmail: string;
  /**
   * What a new invitation carries if the account was never activated: LastPass refuses to change
   * the email of such an account, so the invitation is withdrawn and the new address invited.
   */
  readonly reinvite?: Pick<AddUserCommand, 'fullname' | 'groups' | 'defaultPassword' | 'passwordResetRequired'>;
}

/** Single-user account actions that only take a username. */
export const ACCOUNT_ACTIONS = [
  'reinvite_user',
  'reset_password',
  'require_master_password_change',
  'disable_multifactor',
] as const;
export type AccountAction = (typeof ACCOUNT_ACTIONS)[number];

export interface AccountActionCommand {
  readonly kind: AccountAction;
  readonly username: string;
}

export type LastPassCommand =
  | AddUserCommand
  | UpdateUserCommand
  | ChangeGroupsCommand
  | DisableUserCommand
  | EnableUserCommand
  | DeleteUserCommand
  | UpdateEmailCommand
  | AccountActionCommand;

export type CommandKind = LastPassCommand['kind'];

/** A `deluser` that ends the account (remove, delete, or withdraw the invitation); deactivate keeps it. */
export function isRemoval(command: LastPassCommand): boolean {
  return command.kind === 'delete_user' && command.action !== 'deactivate';
}

/** Kinds whose API call takes many users, so commands of many people can share one call. */
export const BATCHABLE_KINDS: ReadonlySet<CommandKind> = new Set<CommandKind>([
  'add_user',
  'change_groups',
  'disable_user',
  'enable_user',
]);
