/** One entry of the LastPass event report (`reporting`). */
export interface SimEvent {
  readonly id: number;
  /** Microseconds since the epoch; unique, so "at or before `next`" pages without overlap. */
  readonly timeMicros: number;
  readonly username: string;
  readonly ipAddress: string;
  readonly action: string;
  readonly data: string;
  /** Caused by an administrator (every API command is); the `admin: "1"` filter keeps these. */
  readonly admin: boolean;
}

export type NewEvent = Omit<SimEvent, 'id' | 'timeMicros'> & { readonly timeMicros?: number };

export interface EventQuery {
  readonly fromMicros: number;
  readonly toMicros: number;
  /** Only events at or before this instant (the `next` paginator). */
  readonly atOrBeforeMicros: number | null;
  readonly username: string | null;
  readonly search: string | null;
  readonly adminOnly: boolean;
  readonly limit: number;
}

export interface EventPage {
  /** Newest first. */
  readonly events: readonly SimEvent[];
  /** Time of the newest event not returned, or null when none is left. */
  readonly next: number | null;
}

export class EventLog {
  #events: SimEvent[] = [];
  #sorted = true;
  #lastMicros = 0;
  #nextId = 1;

  get size(): number {
    return this.#events.length;
  }

  /** Appends an event at `nowMs` (strictly after the previous one) or at its own given time. */
  append(event: NewEvent, nowMs: number): SimEvent {
    let timeMicros = event.timeMicros;
    if (timeMicros === undefined) {
      timeMicros = Math.max(Math.floor(nowMs) * 1000, this.#lastMicros + 1);
    } else if (timeMicros <= this.#lastMicros) {
      this.#sorted = false;
    }
    this.#lastMicros = Math.max(this.#lastMicros, timeMicros);
    const stored: SimEvent = { ...event, id: this.#nextId++, timeMicros };
    this.#events.push(stored);
    return stored;
  }

  query(q: EventQuery): EventPage {
    if (!this.#sorted) {
      this.#events.sort((a, b) => a.timeMicros - b.timeMicros || a.id - b.id);
      this.#sorted = true;
    }
    const upper = Math.min(q.toMicros, q.atOrBeforeMicros ?? Number.POSITIVE_INFINITY);
    const search = q.search?.toLowerCase() ?? null;
    const found: SimEvent[] = [];
    for (let i = this.#events.length - 1; i >= 0; i--) {
      const event = this.#events[i];
      if (event === undefined || event.timeMicros < q.fromMicros) break;
      if (event.timeMicros > upper) continue;
      if (q.adminOnly && !event.admin) continue;
      if (q.username !== null && event.username !== q.username) continue;
      if (search !== null && !matches(event, search)) continue;
      if (found.length === q.limit) return { events: found, next: event.timeMicros };
      found.push(event);
    }
    return { events: found, next: null };
  }

  all(): readonly SimEvent[] {
    return this.#events;
  }

  clear(): void {
    this.#events = [];
    this.#sorted = true;
    this.#lastMicros = 0;
    this.#nextId = 1;
  }
}

function matches(event: SimEvent, search: string): boolean {
  return [event.action, event.data, event.username].some((field) => field.toLowerCase().includes(search));
}
