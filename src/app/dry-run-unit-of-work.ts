import type {
  DeadLetter,
  InboxEntry,
  OutboxWriter,
  PendingCommand,
  PlannedCommand,
  TransactionScope,
  UnitOfWork,
} from '../core/ports.ts';

/** Commands one enqueue call handed to the outbox, and how many of them it took. */
export interface RecordedEnqueue {
  readonly personId: string;
  readonly commands: readonly PlannedCommand[];
  /** Fewer than `commands.length` when some idempotency keys were already in the outbox. */
  readonly inserted: number;
}

/** Outbox commands a plan made obsolete, as the planner saw them just before. */
export interface RecordedCancel {
  readonly reason: string;
  /** What `pendingFor` returned for each id; undefined for an id the run had not read. */
  readonly commands: readonly { readonly id: number; readonly personId: string | undefined; readonly pending: PendingCommand | undefined }[];
  readonly cancelled: number;
}

/** What the use cases did through the outbox, inbox and dead-letter ports. */
export interface DryRunJournal {
  readonly enqueued: readonly RecordedEnqueue[];
  readonly cancelled: readonly RecordedCancel[];
  readonly inbox: readonly InboxEntry[];
  readonly deadLetters: readonly DeadLetter[];
}

interface MutableJournal {
  readonly enqueued: RecordedEnqueue[];
  readonly cancelled: RecordedCancel[];
  readonly inbox: InboxEntry[];
  readonly deadLetters: DeadLetter[];
}

const emptyJournal = (): MutableJournal => ({ enqueued: [], cancelled: [], inbox: [], deadLetters: [] });

/**
 * A unit of work for `lpprov plan`: runs every use case on the real repositories of `inner` and
 * records what they hand to the outbox, inbox and dead-letter ports. It does not decide whether
 * anything is kept: `inner` must be a unit of work whose transactions are never committed (the
 * command line holds one transaction open for the whole dry run and rolls it back). A run that
 * fails is rolled back by `inner` on its own, so its records are dropped too, as its writes are.
 */
export class DryRunUnitOfWork implements UnitOfWork {
  readonly #inner: UnitOfWork;
  #journal = emptyJournal();

  constructor(inner: UnitOfWork) {
    this.#inner = inner;
  }

  async run<T>(work: (scope: TransactionScope) => Promise<T>): Promise<T> {
    const local = emptyJournal();
    const result = await this.#inner.run((scope) => work(recording(scope, local)));
    this.#journal.enqueued.push(...local.enqueued);
    this.#journal.cancelled.push(...local.cancelled);
    this.#journal.inbox.push(...local.inbox);
    this.#journal.deadLetters.push(...local.deadLetters);
    return result;
  }

  read<T>(work: (scope: TransactionScope) => Promise<T>): Promise<T> {
    return this.#inner.read(work);
  }

  /** What the runs since the last call recorded; starts a new journal. */
  take(): DryRunJournal {
    const taken = this.#journal;
    this.#journal = emptyJournal();
    return taken;
  }
}

function recording(scope: TransactionScope, journal: MutableJournal): TransactionScope {
  // Every other repository passes through as it is, including ones added to the scope later.
  return {
    ...scope,
    outbox: recordingOutbox(scope.outbox, journal),
    inbox: {
      has: (source, eventId) => scope.inbox.has(source, eventId),
      record: async (entry) => {
        await scope.inbox.record(entry);
        journal.inbox.push(entry);
      },
    },
    deadLetters: {
      add: async (letter) => {
        await scope.deadLetters.add(letter);
        journal.deadLetters.push(letter);
      },
      resolveOpen: (sources, resolution, now) => scope.deadLetters.resolveOpen(sources, resolution, now),
    },
  };
}

function recordingOutbox(outbox: OutboxWriter, journal: MutableJournal): OutboxWriter {
  // Cancellations name ids only; what those commands were is known from the reads before them.
  const seen = new Map<number, { personId: string; pending: PendingCommand }>();
  return {
    enqueue: async (personId, commands, now, correlationId) => {
      const inserted = await outbox.enqueue(personId, commands, now, correlationId);
      if (commands.length > 0) journal.enqueued.push({ personId, commands, inserted });
      return inserted;
    },
    pendingFor: async (personId) => {
      const pending = await outbox.pendingFor(personId);
      for (const command of pending) seen.set(command.id, { personId, pending: command });
      return pending;
    },
    restamp: (ids, epoch) => outbox.restamp(ids, epoch),
    cancel: async (ids, reason, now) => {
      const cancelled = await outbox.cancel(ids, reason, now);
      if (ids.length > 0) {
        const commands = ids.map((id) => ({ id, personId: seen.get(id)?.personId, pending: seen.get(id)?.pending }));
        journal.cancelled.push({ reason, commands, cancelled });
      }
      return cancelled;
    },
  };
}
