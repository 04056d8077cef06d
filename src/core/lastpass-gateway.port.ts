import type { LastPassCommand } from './commands.ts';

/** What became of one command after the gateway tried it. */
export type CommandOutcome =
  /**
   * The effect holds now (including "already so": re-running a command whose effect holds is a
   * success). `movedTo`: the account is now under this address (a never-activated invitation
   * withdrawn and sent to the new address), so the person's later commands go there.
   * `accountKept`: a removal that did not remove (an accepted invitation was deactivated instead).
   */
  | {
      readonly status: 'done';
      readonly detail?: string;
      readonly movedTo?: string;
      readonly accountKept?: boolean;
      /** A removal found no user of that name: done, unless the account is under another address. */
      readonly userAbsent?: boolean;
    }
  /** Worth trying again later: network trouble, throttling, a 5xx. */
  | {
      readonly status: 'retry';
      readonly reason: string;
      /** LastPass (or its edge) said when to come back; the whole account waits that long. */
      readonly retryAfterMs?: number;
      /** False only when the failure proves LastPass did not act (refused connection, throttled). */
      readonly mayHaveApplied: boolean;
    }
  /**
   * Trying again cannot help: the request itself is wrong for LastPass. `unknownUser`: LastPass
   * does not know the username the command addressed (the account may be under another address).
   */
  | { readonly status: 'failed'; readonly reason: string; readonly unknownUser?: boolean }
  /** LastPass refused the account number or provisioning hash: nothing for this account can succeed. */
  | { readonly status: 'auth_failed'; readonly reason: string };

/**
 * The dispatcher's view of LastPass. Implemented by src/lastpass; the dispatcher gets it from the
 * composition root.
 */
export interface LastPassGateway {
  /**
   * Carries out commands that all have the same kind, as one API call when the kind is batchable
   * (see BATCHABLE_KINDS) and one call per command otherwise. Returns one outcome per command, in
   * the order given. Never rejects: every failure is an outcome, and outcomes never carry secrets.
   */
  execute(commands: readonly LastPassCommand[]): Promise<CommandOutcome[]>;
  /**
   * Which of these usernames LastPass has (as a user or a pending invitation), first match in
   * the order given. Never rejects: a failed lookup is a retry or auth_failed outcome.
   */
  locate(usernames: readonly string[]): Promise<LocateResult>;
}

export type LocateResult =
  | { readonly status: 'found'; readonly username: string }
  | { readonly status: 'absent' }
  | Extract<CommandOutcome, { status: 'retry' | 'auth_failed' | 'failed' }>;
