import { describe, expect, it } from 'vitest';

import { EventDedupe } from '../../../src/cli/lastpass/event-dedupe.ts';
import { parseEventTime, type EventTime } from '../../../src/cli/lastpass/event-time.ts';
import { followEvents } from '../../../src/cli/lastpass/follow-events.ts';
import { LastPassAuthError, LastPassTransientError, type ReportEvent } from '../../../src/lastpass/index.ts';

function event(time: string, username: string, action = 'Login', data: string | null = null): ReportEvent {
  return { id: null, time, username, ipAddress: '10.0.0.1', action, data };
}

function at(text: string): EventTime {
  const parsed = parseEventTime(text, 0);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

const NOW = at('2024-01-15 10:02:00').epochMs;

describe('EventDedupe', () => {
  it('prints each event once, counting identical events of one second', () => {
    const seen = new EventDedupe();
    const a = event('2024-01-15 10:00:00', 'a@x.io', 'Failed Login Attempt');
    const b = event('2024-01-15 10:00:01', 'b@x.io');
    expect(seen.fresh([a, a])).toEqual([a, a]);
    expect(seen.fresh([a, a, b])).toEqual([b]);
    expect(seen.fresh([a, a, a, b])).toEqual([a]);
    // Same time and user, other data: another event.
    const other = { ...a, data: 'x' };
    expect(seen.fresh([other])).toEqual([other]);
  });

  it('forgets events older than the start of the next poll', () => {
    const seen = new EventDedupe();
    seen.fresh([event('2024-01-15 10:00:00', 'a@x.io'), event('2024-01-15 10:00:05', 'b@x.io')]);
    seen.forgetBefore(at('2024-01-15 10:00:05').epochMs);
    expect(seen.size).toBe(1);
    // An older event that comes back anyway (a server ignoring `from`) is not printed again.
    expect(seen.fresh([event('2024-01-15 10:00:00', 'a@x.io'), event('2024-01-15 10:00:06', 'c@x.io')])).toEqual([
      event('2024-01-15 10:00:06', 'c@x.io'),
    ]);
  });
});

interface Script {
  readonly windows: [string, string][];
  readonly printed: ReportEvent[][];
  readonly transients: number[];
}

/** Runs followEvents against scripted answers; the last step aborts, as SIGTERM would. */
async function follow(
  from: EventTime,
  to: EventTime,
  answers: (readonly ReportEvent[] | Error)[],
): Promise<Script> {
  const stop = new AbortController();
  const script: Script = { windows: [], printed: [], transients: [] };
  let step = 0;
  await followEvents({
    from,
    to,
    intervalMs: 1,
    signal: stop.signal,
    now: () => NOW,
    fetch: (pollFrom, pollTo) => {
      script.windows.push([pollFrom, pollTo]);
      const answer = answers[step++];
      if (answer === undefined) {
        stop.abort();
        return new Promise(() => undefined); // never answers: the abort must end following anyway
      }
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
    print: (events) => script.printed.push([...events]),
    onTransient: (_error, retryInMs) => script.transients.push(retryInMs),
  });
  return script;
}

describe('followEvents', () => {
  it('polls from the newest event seen, prints only new events oldest first, and rides out transient failures', async () => {
    const e1 = event('2024-01-15 10:00:00', 'a@x.io');
    const e2 = event('2024-01-15 10:00:05', 'b@x.io');
    const e3 = event('2024-01-15 10:01:00', 'c@x.io');
    const e2again = event('2024-01-15 10:00:05', 'b@x.io');
    const busy = new LastPassTransientError('reporting', 'LastPass reporting: HTTP 503', { httpStatus: 503, mayHaveApplied: true });
    const script = await follow(at('2024-01-01 00:00:00'), at('2024-01-15 10:02:00'), [
      [e2, e1], // LastPass answers newest first
      busy,
      [e3, e2again, e2],
      [e3, e2again, e2],
    ]);
    expect(script.windows).toEqual([
      ['2024-01-01 00:00:00', '2024-01-15 10:02:00'],
      ['2024-01-15 10:00:05', '2024-01-15 10:02:00'],
      ['2024-01-15 10:00:05', '2024-01-15 10:02:00'],
      ['2024-01-15 10:01:00', '2024-01-15 10:02:00'],
      ['2024-01-15 10:01:00', '2024-01-15 10:02:00'],
    ]);
    expect(script.printed).toEqual([[e1, e2], [e2again, e3], []]);
    expect(script.transients).toEqual([1]);
  });

  it('starts polling a little before the end of an empty window, but never before --from', async () => {
    const quiet = await follow(at('2024-01-01 00:00:00'), at('2024-01-15 10:02:00'), [[], []]);
    // Five minutes of allowance for a local clock ahead of LastPass's.
    expect(quiet.windows[1]).toEqual(['2024-01-15 09:57:00', '2024-01-15 10:02:00']);
    const recent = await follow(at('2024-01-15 10:01:00'), at('2024-01-15 10:02:00'), [[], []]);
    expect(recent.windows[1]).toEqual(['2024-01-15 10:01:00', '2024-01-15 10:02:00']);
    // A window ending in the future: polling starts from now, not from its end.
    const future = await follow(at('2024-01-15 10:00:00'), at('2099-01-01 00:00:00'), [[], []]);
    expect(future.windows[1]).toEqual(['2024-01-15 10:00:00', '2024-01-15 10:02:00']);
  });

  it('stops on a permanent failure, and on a failure of the first window', async () => {
    const refused = new LastPassAuthError('reporting', 'LastPass reporting: refused');
    await expect(follow(at('2024-01-15 10:00:00'), at('2024-01-15 10:02:00'), [[], refused])).rejects.toBe(refused);
    const busy = new LastPassTransientError('reporting', 'HTTP 503', { mayHaveApplied: true });
    await expect(follow(at('2024-01-15 10:00:00'), at('2024-01-15 10:02:00'), [busy])).rejects.toBe(busy);
  });
});
