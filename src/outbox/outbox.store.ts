import type { CommandKind, LastPassCommand } from '../core/commands.ts';
import type { Precondition } from '../core/ports.ts';

/**
 * Life of an outbox command:
 * pending → in_flight → done; in_flight → pending (retry later) | dead (an operator must act) |
 * awaiting_approval (parked by the mass-change breaker). An operator moves dead or parked
 * commands on: retry/approve → pending, skip → skipped, cancel/reject → cancelled.
 * pending, in_flight, dead and awaiting_approval hold the person's later commands.
 */
export const OUTBOX_STATUSES = [
  'pending',
  'in_flight',
  'done',
  'dead',
  'awaiting_approval',
  'skipped',
  'cancelled',
] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/** A command a dispatcher holds under lease. */
export interface ClaimedCommand {
  readonly id: number;
  readonly personId: string;
  readonly seq: number;
  readonly command: LastPassCommand;
  /** Attempts including this one. */
  readonly attempts: number;
  readonly idempotencyKey: string;
  /** An operator released it past the mass-change breaker. */
  readonly approved: boolean;
  /** A scheduled command's requirement, re-checked when it fires. */
  readonly precondition: Precondition | undefined;
  /** The input's correlation id, for log lines; absent for commands enqueued before migration 0007 or without one. */
  readonly correlationId?: string;
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
  /** Keeps the leases of commands still being worked on. */
  extendLeases(ids: readonly number[], owner: string, until: number): Promise<void>;
  /** Done; `detail` says how, when LastPass's answer needed a second look (already so, found under another address). */
  complete(ids: readonly number[], owner: string, now: number, detail?: string): Promise<void>;
  /** Back to the queue, due at `notBefore`. `countAttempt: false` gives the attempt back. */
  retryLater(id: number, owner: string, notBefore: number, error: string, now: number, countAttempt?: boolean): Promise<void>;
  /** Parked for an operator; it holds the person's later commands. */
  deadLetter(id: number, owner: string, error: string, now: number): Promise<void>;
  /** A claimed command that must not run any more (its precondition failed): cancelled, with why. */
  cancelClaimed(ids: readonly number[], owner: string, reason: string, now: number): Promise<void>;
  /** Parked by the mass-change breaker until an operator approves or rejects it. */
  park(ids: readonly number[], owner: string, reason: string, now: number): Promise<void>;
  /** How many breaker-counted (destructive, not approved) commands were handed out since `since`. */
  countDispatchedSince(kinds: readonly CommandKind[], since: number): Promise<number>;
  /** People with a LastPass account planned: the population the breaker's share is taken of. */
  countManagedAccounts(): Promise<number>;
  /** Calls `listener` when another process (or replica) enqueued work; returns an unsubscribe. */
  onEnqueued(listener: () => void): Promise<() => Promise<void>>;
}

/** One outbox row as an operator sees it. */
export interface OutboxEntry {
  readonly id: number;
  readonly personId: string;
  readonly seq: number;
  readonly kind: CommandKind;
  readonly status: OutboxStatus;
  readonly command: LastPassCommand;
  readonly attempts: number;
  readonly notBefore: number;
  readonly lastError: string | undefined;
  readonly resolution: string | undefined;
  readonly idempotencyKey: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface OutboxFilter {
  readonly status?: OutboxStatus;
  readonly personId?: string;
  readonly kind?: CommandKind;
  readonly limit?: number;
}

/** What `lpprov outbox` does; each change says why in `resolution`. */
export interface OutboxAdmin {
  list(filter: OutboxFilter): Promise<OutboxEntry[]>;
  get(id: number): Promise<OutboxEntry | undefined>;
  /** dead → pending now, attempts reset. False when the command is not dead. */
  retry(id: number, actor: string, now: number): Promise<boolean>;
  /** dead → skipped: the person's later commands go on without it. */
  skip(id: number, actor: string, now: number): Promise<boolean>;
  /** pending, dead or awaiting_approval → cancelled. */
  cancel(id: number, actor: string, now: number): Promise<boolean>;
  /** Every parked command (or the given ones) → pending, let past the breaker. Returns how many. */
  approve(ids: readonly number[] | 'all', actor: string, now: number): Promise<number>;
  /** Every parked command (or the given ones) → cancelled. Returns how many. */
  reject(ids: readonly number[] | 'all', actor: string, now: number): Promise<number>;
  countByStatus(): Promise<Record<OutboxStatus, number>>;
}
