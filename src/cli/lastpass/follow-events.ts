import { LastPassTransientError, type ReportEvent } from '../../lastpass/index.ts';

import { eventTimeAt, type EventTime } from './event-time.ts';
import { EventDedupe } from './event-dedupe.ts';
import { chronological, eventEpochMs } from './events-view.ts';

/**
 * How far before the end of the first window (never before its start) polling starts while no
 * newer event has been seen: LastPass stamps events with its own clock, and a local clock ahead of
 * it must not make lpprov skip the events of those minutes. Repeats are removed, so this is cheap.
 */
export const CLOCK_SKEW_ALLOWANCE_MS = 5 * 60_000;

export interface FollowOptions {
  readonly from: EventTime;
  readonly to: EventTime;
  readonly intervalMs: number;
  /** Aborted on SIGINT/SIGTERM: following ends after printing what was already fetched. */
  readonly signal: AbortSignal;
  /** The events of a window (LastPass order, newest first); `from` and `to` are US/Eastern texts. */
  readonly fetch: (from: string, to: string) => Promise<readonly ReportEvent[]>;
  /** Events not printed before, oldest first. */
  readonly print: (events: readonly ReportEvent[]) => void;
  /** A poll failed for a reason that may pass; the next poll is in `retryInMs`. */
  readonly onTransient: (error: LastPassTransientError, retryInMs: number) => void;
  readonly now?: () => number;
}

/**
 * `events --follow`: prints the window, then polls every interval from the newest event seen to
 * now and prints only events not printed before. A failure of the first window, or a permanent
 * one (refused, authentication) at any time, is thrown; a transient one while polling is reported
 * and polling goes on, as a watch does.
 */
export async function followEvents(options: FollowOptions): Promise<void> {
  const { signal, intervalMs, print } = options;
  const now = options.now ?? Date.now;
  const seen = new EventDedupe();
  const first = await untilAborted(options.fetch(options.from.wall, options.to.wall), signal);
  if (first === undefined) return;
  // Never before --from: the window the admin asked for bounds what is printed.
  const behindEnd = Math.min(options.to.epochMs, now()) - CLOCK_SKEW_ALLOWANCE_MS;
  let cursor = behindEnd > options.from.epochMs ? eventTimeAt(behindEnd) : options.from;
  cursor = newest(first, cursor);
  print(seen.fresh(chronological(first)));
  seen.forgetBefore(cursor.epochMs);
  while (!signal.aborted) {
    await pause(intervalMs, signal);
    if (signal.aborted) return;
    const to = eventTimeAt(Math.max(now(), cursor.epochMs));
    let events: readonly ReportEvent[] | undefined;
    try {
      events = await untilAborted(options.fetch(cursor.wall, to.wall), signal);
    } catch (error) {
      if (!(error instanceof LastPassTransientError)) throw error;
      options.onTransient(error, intervalMs);
      continue;
    }
    if (events === undefined) return;
    print(seen.fresh(chronological(events)));
    cursor = newest(events, cursor);
    seen.forgetBefore(cursor.epochMs);
  }
}

/** The later of `cursor` and the newest event; an event's own text is kept, as LastPass wrote it. */
function newest(events: readonly ReportEvent[], cursor: EventTime): EventTime {
  let latest = cursor;
  for (const event of events) {
    const epochMs = eventEpochMs(event);
    if (event.time !== null && epochMs !== null && epochMs > latest.epochMs) latest = { wall: event.time, epochMs };
  }
  return latest;
}

/** The promise's value, or undefined as soon as `signal` aborts (its late outcome is then ignored). */
async function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return undefined;
  }
  let onAbort = (): void => undefined;
  const aborted = new Promise<undefined>((resolve) => {
    onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
    promise.catch(() => undefined);
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
