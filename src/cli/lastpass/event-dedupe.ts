import type { ReportEvent } from '../../lastpass/index.ts';

import { eventEpochMs } from './events-view.ts';

interface Printed {
  count: number;
  readonly epochMs: number | null;
}

/**
 * Which events of a poll were not printed before. Events have no id, so an event is known by
 * time + user + action + data, and counted: two identical events in one second (two failed logins)
 * are two events, and each is printed once. Every poll starts at or before the newest event
 * printed, so the events it returns for a key are all the events with that key.
 */
export class EventDedupe {
  readonly #printed = new Map<string, Printed>();
  /** Events before this were forgotten; one coming back (a server ignoring `from`) is not new. */
  #floorMs = Number.NEGATIVE_INFINITY;

  /** The events of `events` (oldest first) not printed yet, recorded as printed now. */
  fresh(events: readonly ReportEvent[]): ReportEvent[] {
    const inBatch = new Map<string, number>();
    const fresh: ReportEvent[] = [];
    for (const event of events) {
      const epochMs = eventEpochMs(event);
      if (epochMs !== null && epochMs < this.#floorMs) continue;
      const key = JSON.stringify([event.time, event.username, event.action, event.data]);
      const count = (inBatch.get(key) ?? 0) + 1;
      inBatch.set(key, count);
      const printed = this.#printed.get(key);
      if (printed !== undefined && printed.count >= count) continue;
      this.#printed.set(key, { count, epochMs });
      fresh.push(event);
    }
    return fresh;
  }

  /** Polls start at `epochMs` from now on, so older events cannot come back; forgetting them bounds memory. */
  forgetBefore(epochMs: number): void {
    this.#floorMs = Math.max(this.#floorMs, epochMs);
    for (const [key, printed] of this.#printed) {
      if (printed.epochMs !== null && printed.epochMs < epochMs) this.#printed.delete(key);
    }
  }

  get size(): number {
    return this.#printed.size;
  }
}
