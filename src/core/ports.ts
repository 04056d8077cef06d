import type { DesiredAccount, LastPassAccount } from './account.ts';
import type { CommandKind, LastPassCommand } from './commands.ts';
import type { Lifecycle } from './lifecycle.ts';
import type { LastPassSnapshotRepository } from './reconcile/directory.ts';
import type { ScimGroupRepository, ScimUserRepository } from './scim.ts';

/** A person as stored: desired state, planned LastPass state, and what orders their events. */
export interface PersonRecord {
  readonly personId: string;
  readonly desired: DesiredAccount;
  readonly lastpass: LastPassAccount | undefined;
  /** Undefined for people stored before lifecycles existed, or created outside HR planning. */
  readonly lifecycle?: Lifecycle | undefined;
  readonly lastSequence: number | undefined;
  readonly lastEventTime: number | undefined;
}

export interface PersonRepository {
  get(personId: string): Promise<PersonRecord | undefined>;
  /** The people whose planned LastPass username is this one (lower-case). */
  findByUsername(username: string): Promise<PersonRecord[]>;
  save(record: PersonRecord, now: number): Promise<void>;
}

/**
 * applied; stale (older than what was applied); not_authoritative (the other source decides for
 * this account); account_taken (another person of the same source already has this account).
 */
export type InboxOutcome = 'applied' | 'stale' | 'not_authoritative' | 'account_taken';

export interface InboxEntry {
  readonly source: string;
  readonly eventId: string;
  readonly personId: string | undefined;
  readonly eventType: string;
  readonly outcome: InboxOutcome;
  readonly receivedAt: number;
  /** Follows the input into its commands' log lines and API calls. */
  readonly correlationId?: string;
  /** Why the planner chose what it did (for `lpprov audit` and `lpprov plan`). */
  readonly decisions?: readonly string[];
  /** The input as accepted (a CloudEvent, or the event a SCIM change stands for), so `lpprov audit` can show what came in. */
  readonly event?: unknown;
}

export interface InboxRepository {
  /** True when an input with this (source, id) was already recorded. */
  has(source: string, eventId: string): Promise<boolean>;
  record(entry: InboxEntry): Promise<void>;
}

/** What a scheduled command requires when it fires; otherwise it is cancelled, with why. */
export interface Precondition {
  /** The person's lifecycle epoch when it was planned. */
  readonly epoch: number;
  /** Remove and delete never run while the person is on legal hold. */
  readonly notOnLegalHold: boolean;
}

/** A command planned for a person, with the key that makes enqueueing it again a no-op. */
export interface PlannedCommand {
  readonly command: LastPassCommand;
  readonly idempotencyKey: string;
  /** Epoch ms before which it must not run (scheduled steps); absent: now. */
  readonly notBefore?: number;
  readonly precondition?: Precondition;
}

/** A person's command not sent yet: waiting in the outbox, or dead-lettered. */
export interface PendingCommand {
  readonly id: number;
  readonly kind: CommandKind;
  readonly command: LastPassCommand;
  readonly notBefore: number;
  /** Dead-lettered: LastPass refused it, and it holds the person's later commands. */
  readonly dead?: boolean;
  /**
   * Sent at least once and waiting for another try: the answer was lost or asked for a retry, so
   * LastPass may have applied it (planner/in-doubt.ts).
   */
  readonly attempted?: boolean;
  /** What is checked when it fires (scheduled commands). */
  readonly precondition?: Precondition;
}

export interface OutboxWriter {
  /**
   * Appends commands to the person's queue in order; a known idempotency key is skipped.
   * `correlationId` is the input's, carried by each command into the dispatcher's log lines.
   */
  enqueue(personId: string, commands: readonly PlannedCommand[], now: number, correlationId?: string): Promise<number>;
  /**
   * The person's commands not sent yet: pending, and dead-lettered (a new plan supersedes those
   * too). Locked for this transaction so a dispatcher cannot take one while the plan that may
   * cancel it is being made.
   */
  pendingFor(personId: string): Promise<PendingCommand[]>;
  /**
   * Gives pending commands a new lifecycle epoch for their precondition (commands a new plan keeps
   * must not fail it when they fire); returns how many.
   */
  restamp(ids: readonly number[], epoch: number): Promise<number>;
  /** Cancels pending or dead commands (others are left as they are), keeping why; returns how many. */
  cancel(ids: readonly number[], reason: string, now: number): Promise<number>;
}

export interface DeadLetter {
  readonly source: string;
  readonly reason: string;
  readonly raw: string;
  readonly createdAt: number;
}

export interface DeadLetterRepository {
  add(letter: DeadLetter): Promise<void>;
  /** Closes the open dead letters of these sources (the input came again and was taken); returns how many. */
  resolveOpen(sources: readonly string[], resolution: string, now: number): Promise<number>;
}

/** Everything one use case may touch, inside one transaction. */
export interface TransactionScope {
  readonly people: PersonRepository;
  readonly inbox: InboxRepository;
  readonly outbox: OutboxWriter;
  readonly deadLetters: DeadLetterRepository;
  readonly scimUsers: ScimUserRepository;
  readonly scimGroups: ScimGroupRepository;
  /** The last LastPass user list reconciliation saw, from which planning adopts existing accounts. */
  readonly lastpassSnapshot: LastPassSnapshotRepository;
}

export interface UnitOfWork {
  /** Runs `work` in one transaction; its writes are durable when the promise resolves. */
  run<T>(work: (scope: TransactionScope) => Promise<T>): Promise<T>;
  /** Runs reads outside a transaction (each statement sees committed data); `work` must not write. */
  read<T>(work: (scope: TransactionScope) => Promise<T>): Promise<T>;
}

export interface Clock {
  now(): number;
}

/** Where people's LastPass accounts are, for the dispatcher (account-identity.ts). */
export interface AccountAddressBook {
  /** Every address known for the person, the planned username first; empty for someone unknown. */
  addressesOf(personId: string): Promise<string[]>;
  /**
   * LastPass holds the person's account under `to`, not `from`: the planned account says so, and
   * every command of the person not finished yet that addresses `from` addresses `to` instead.
   */
  moved(personId: string, from: string, to: string, now: number): Promise<void>;
  /**
   * The person's account is gone from LastPass while they are working: outbox command `outboxId`
   * becomes an invitation with the planned name and groups at the desired address, the planned
   * account says so, and the person's other unfinished commands address it. Returns the address,
   * or undefined when the person is unknown.
   */
  invite(personId: string, outboxId: number, now: number): Promise<string | undefined>;
  /** A removal, deletion or withdrawn invitation of `username` has run: the person has no account any more. */
  ended(personId: string, username: string, now: number): Promise<void>;
}
