/**
 * A LastPass user as reconciliation and adoption see it: the part of `getuserdata` that lpprov
 * plans (username, state, groups), with the username lower-cased as lpprov keys accounts.
 */
export interface DirectoryUser {
  readonly username: string;
  /** Undefined when LastPass has no name for the user. */
  readonly fullname: string | undefined;
  readonly disabled: boolean;
  readonly admin: boolean;
  /** A pending invitation: the user has not logged in yet. */
  readonly invited: boolean;
  /**
   * Undefined when LastPass listed the email only under `invited` (some servers do), so its
   * groups are not known: reconciliation then judges no group drift for it.
   */
  readonly groups: readonly string[] | undefined;
}

/** Reads every LastPass user (`getuserdata`, every page). Implemented in src/lastpass. */
export interface LastPassDirectory {
  /** Rejects rather than return a partial list: a missing page would look like missing users. */
  listUsers(): Promise<DirectoryUser[]>;
}

/**
 * The last complete `getuserdata` reconciliation saw, kept so that planning can adopt an account
 * LastPass already has instead of inviting it again.
 */
export interface LastPassSnapshotRepository {
  /** Replaces the whole snapshot. */
  replace(users: readonly DirectoryUser[], takenAt: number): Promise<void>;
  /** The user with this username (any case) in the snapshot. */
  find(username: string): Promise<DirectoryUser | undefined>;
}
