import type { DesiredAccount, LastPassAccount } from './account.ts';
import type { LastPassCommand } from './commands.ts';

/** A person as stored: desired state, planned LastPass state, and what orders their events. */
export interface PersonRecord {
  readonly personId: string;
  readonly desired: DesiredAccount;
  readonly lastpass: LastPassAccount | undefined;
  readonly lastSequence: number | undefined;
  readonly lastEventTime: number | undefined;
}

export interface PersonRepository {
  get(personId: string): Promise<PersonRecord | undefined>;
  save(record: PersonRecord, now: number): Promise<void>;
}

export type InboxOutcome = 'applied' | 'stale';

export interface InboxEntry {
  readonly source: string;
  readonly eventId: string;
  readonly personId: string | undefined;
  readonly eventType: string;
  readonly outcome: InboxOutcome;
  readonly receivedAt: number;
}

export interface InboxRepository {
  /** True when an input with this (source, id) was already recorded. */
  has(source: string, eventId: string): Promise<boolean>;
  record(entry: InboxEntry): Promise<void>;
}

/** A command planned for a person, with the key that makes enqueueing it again a no-op. */
export interface PlannedCommand {
  readonly command: LastPassCommand;
  readonly idempotencyKey: string;
  /** Epoch ms before which it must not run (scheduled steps); absent: now. */
  readonly notBefore?: number;
}

export interface OutboxWriter {
  /** Appends commands to the person's queue in order; a known idempotency key is skipped. */
  enqueue(personId: string, commands: readonly PlannedCommand[], now: number): Promise<number>;
}

export interface DeadLetter {
  readonly source: string;
  readonly reason: string;
  readonly raw: string;
  readonly createdAt: number;
}

export interface DeadLetterRepository {
  add(letter: DeadLetter): Promise<void>;
}

/** Everything one use case may touch, inside one transaction. */
export interface TransactionScope {
  readonly people: PersonRepository;
  readonly inbox: InboxRepository;
  readonly outbox: OutboxWriter;
  readonly deadLetters: DeadLetterRepository;
}

export interface UnitOfWork {
  /** Runs `work` in one transaction; its writes are durable when the promise resolves. */
  run<T>(work: (scope: TransactionScope) => Promise<T>): Promise<T>;
}

export interface Clock {
  now(): number;
}
