import { Writable } from 'node:stream';

import type { LastPassCommand } from '../../src/core/commands.ts';
import type { CommandOutcome, LastPassGateway, LocateResult } from '../../src/core/lastpass-gateway.port.ts';
import type { OutboxStore } from '../../src/outbox/outbox.store.ts';

/** Time spent in one kind of operation, summed over the run. */
export interface Tally {
  count: number;
  ms: number;
}

const tally = (): Tally => ({ count: 0, ms: 0 });

async function timed<T>(into: Tally, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    into.count += 1;
    into.ms += performance.now() - started;
  }
}

export interface StoreTimings {
  readonly claims: Tally;
  readonly completes: Tally;
  /** Rows handed out over all claims: more than the commands means some were claimed twice. */
  claimedRows: number;
}

/**
 * The real outbox store with stopwatches on claim and complete, so the report can say how much
 * of the wall time the dispatcher spent in the database rather than waiting for LastPass. A proxy
 * rather than a class implementing OutboxStore: the interface grows with the outbox, and
 * everything but these two methods must pass through untouched.
 */
export function timedStore(inner: OutboxStore): { store: OutboxStore; timings: StoreTimings } {
  const timings: StoreTimings = { claims: tally(), completes: tally(), claimedRows: 0 };
  const claim: OutboxStore['claim'] = async (...args) => {
    const rows = await timed(timings.claims, () => inner.claim(...args));
    timings.claimedRows += rows.length;
    return rows;
  };
  const complete: OutboxStore['complete'] = (...args) => timed(timings.completes, () => inner.complete(...args));
  const store = new Proxy(inner, {
    get(target, property) {
      if (property === 'claim') return claim;
      if (property === 'complete') return complete;
      const value: unknown = Reflect.get(target, property, target);
      // The store's methods use private fields, so they must run with the store itself as `this`.
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store, timings };
}

/** The real gateway with a stopwatch: time from handing commands over to having outcomes. */
export class TimedGateway implements LastPassGateway {
  readonly executions = tally();
  readonly #inner: LastPassGateway;

  constructor(inner: LastPassGateway) {
    this.#inner = inner;
  }

  execute(commands: readonly LastPassCommand[]): Promise<CommandOutcome[]> {
    return timed(this.executions, () => this.#inner.execute(commands));
  }

  locate(usernames: readonly string[]): Promise<LocateResult> {
    return this.#inner.locate(usernames);
  }
}

/** A log destination that counts lines and keeps the first few, to show when a run goes wrong. */
export class LogSink extends Writable {
  lines = 0;
  readonly first: string[] = [];

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    for (const line of chunk.toString().split('\n')) {
      if (line.trim() === '') continue;
      this.lines += 1;
      if (this.first.length < 10) this.first.push(line);
    }
    callback();
  }
}
