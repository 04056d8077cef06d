import type { LastPassCommand } from '../core/commands.ts';

/** A command a dispatcher holds under lease. */
export interface ClaimedCommand {
  readonly id: number;
  readonly personId: string;
  readonly seq: number;
  readonly command: LastPassCommand;
  /** Attempts including this one. */
  readonly attempts: number;
  readonly idempotencyKey: string;
}

/**
 * The dispatcher's side of the outbox. Every update names the lease owner, so a dispatcher whose
 * lease expired (and whose command another dispatcher took) cannot overwrite the newer result.
 */
export interface OutboxStore {
  /**
   * Leases up to `limit` due commands, at most one per person (the head of that person's queue),
   * leavers first. Expired leases count as due.
   */
  claim(owner: string, limit: number, leaseMs: number, now: number): Promise<ClaimedCommand[]>;
  complete(ids: readonly number[], owner: string, now: number): Promise<void>;
  /** Back to the queue, due at `notBefore`. `countAttempt: false` gives the attempt back. */
  retryLater(id: number, owner: string, notBefore: number, error: string, now: number, countAttempt?: boolean): Promise<void>;
  /** Parked for an operator; it holds the person's later commands. */
  deadLetter(id: number, owner: string, error: string, now: number): Promise<void>;
}
