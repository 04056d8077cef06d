/** What lpprov wants a person's LastPass account to be. */
export interface DesiredAccount {
  /** LastPass username: the work email. */
  readonly username: string;
  readonly fullname: string;
  /** Managed LastPass groups the person should be in. */
  readonly groups: readonly string[];
  /** False for a leaver: the account should be disabled (or gone). */
  readonly active: boolean;
}

/**
 * The LastPass account as lpprov has planned it: the state the account reaches once every command
 * already in the outbox has run. Reconciliation compares it with LastPass itself.
 */
export interface LastPassAccount {
  readonly username: string;
  readonly fullname: string;
  readonly groups: readonly string[];
  readonly disabled: boolean;
  /**
   * An `updateemail` to this address was sent; LastPass keeps the user under `username` until the
   * user confirms, so commands keep using `username` until reconciliation sees the change.
   */
  readonly pendingEmail?: string;
  /**
   * Other addresses the account may be under: earlier usernames and email changes lpprov asked
   * for. LastPass moves an account only when its user confirms, perhaps much later, so a command
   * for an address LastPass does not know looks the account up under these too.
   */
  readonly aliases?: readonly string[];
}
