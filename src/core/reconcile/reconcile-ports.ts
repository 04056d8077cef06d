import type { CommandKind, LastPassCommand } from '../commands.ts';
import type { PersonRecord, TransactionScope } from '../ports.ts';
import type { DirectoryUser } from './directory.ts';

/** Outbox statuses of a command that has not reached an end yet (see src/outbox/outbox.store.ts). */
export type UnfinishedStatus = 'pending' | 'in_flight' | 'awaiting_approval' | 'dead';

/** A command of a person that is still on its way: its effect may not be in LastPass yet. */
export interface UnfinishedCommand {
  readonly id: number;
  readonly personId: string;
  readonly kind: CommandKind;
  readonly status: UnfinishedStatus;
  readonly command: LastPassCommand;
  readonly notBefore: number;
}

/** lpprov's people and the commands still on their way for them. */
export interface PersonPlans {
  /** By person id. */
  readonly people: readonly PersonRecord[];
  /** In queue order. */
  readonly unfinished: readonly UnfinishedCommand[];
}

/** lpprov's own state, as reconciliation reads and corrects it. */
export interface ReconcileStore {
  /** Every person and every unfinished command, outside a transaction (the commands are read first). */
  plans(): Promise<PersonPlans>;
  /** Replaces the snapshot of LastPass users that planning adopts existing accounts from. */
  saveSnapshot(users: readonly DirectoryUser[], takenAt: number): Promise<void>;
  /**
   * Runs `work` in one transaction that holds the person's row and their unfinished commands, so
   * no other plan for the person and no dispatch of those commands happens until it ends. `person`
   * is undefined when the person is gone.
   */
  withPerson<T>(
    personId: string,
    work: (current: { readonly person: PersonRecord | undefined; readonly unfinished: readonly UnfinishedCommand[] }, scope: TransactionScope) => Promise<T>,
  ): Promise<T>;
}

/**
 * Whose turn it is to reconcile on the configured interval, shared by every replica through the
 * database: one run at a time, and one run per interval across all of them.
 */
export interface ReconcileSchedule {
  /**
   * Takes the turn when no run holds the lease and the last run started at least `intervalMs`
   * before `now`; the lease ends at `now + leaseMs` unless released earlier.
   */
  claim(owner: string, now: number, intervalMs: number, leaseMs: number): Promise<boolean>;
  /** Ends this owner's lease. */
  release(owner: string): Promise<void>;
}
