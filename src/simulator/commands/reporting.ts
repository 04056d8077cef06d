import { formatEastern, parseEastern } from '../eastern-time.ts';
import { isRecord, isTruthyFlag, normaliseUsername, toInteger } from '../json-values.ts';
import type { EventQuery, SimEvent } from '../state/event-log.ts';
import type { CommandContext, CommandReply } from './command.ts';
import { legacyFail } from './replies.ts';

type Format = 'default' | 'siem';

/** The query and format, or the reasons the request is refused. */
function readRequest(data: unknown, limit: number): { query: EventQuery; format: Format } | string[] {
  if (!isRecord(data)) return ['data must be an object with from and to ("YYYY-MM-DD HH:MM:SS", US/Eastern)'];
  const problems: string[] = [];
  const fromMs = typeof data.from === 'string' ? parseEastern(data.from) : null;
  const toMs = typeof data.to === 'string' ? parseEastern(data.to) : null;
  if (fromMs === null) problems.push('from must be "YYYY-MM-DD HH:MM:SS" (US/Eastern)');
  if (toMs === null) problems.push('to must be "YYYY-MM-DD HH:MM:SS" (US/Eastern)');
  const next = data.next === undefined || data.next === null || data.next === '' ? null : toInteger(data.next);
  if (next === null && data.next !== undefined && data.next !== null && data.next !== '') {
    problems.push('next must be the timestamp (microseconds) a previous answer gave');
  }
  if (data.format !== undefined && data.format !== '' && data.format !== 'siem') problems.push('format must be "siem" or absent');
  for (const key of ['user', 'search'] as const) {
    if (data[key] !== undefined && typeof data[key] !== 'string') problems.push(`${key} must be a string`);
  }
  if (problems.length > 0 || fromMs === null || toMs === null) return problems;
  const user = typeof data.user === 'string' && data.user !== '' && data.user !== 'allusers' ? normaliseUsername(data.user) : null;
  return {
    format: data.format === 'siem' ? 'siem' : 'default',
    query: {
      fromMicros: fromMs * 1000,
      // `to` has one-second precision: it covers the whole second it names.
      toMicros: toMs * 1000 + 999_999,
      atOrBeforeMicros: next,
      username: user,
      search: typeof data.search === 'string' && data.search !== '' ? data.search : null,
      adminOnly: isTruthyFlag(data.admin),
      limit,
    },
  };
}

function eventView(event: SimEvent): Record<string, string> {
  return {
    Time: formatEastern(event.timeMicros / 1000),
    Username: event.username,
    IP_Address: event.ipAddress,
    Action: event.action,
    Data: event.data,
  };
}

/**
 * `reporting` (LP-report): events newest first, at most `reportingMaxEvents` per call. `next`
 * is null or the microsecond timestamp to send back as `next` for the older rest. SIEM format
 * (lpmgt's decoding, an assumption) lists the events in an `events` array with an `ID`.
 */
export function reporting(ctx: CommandContext): CommandReply {
  const request = readRequest(ctx.data, ctx.behaviour.reportingMaxEvents);
  if (Array.isArray(request)) return legacyFail(request);
  const page = ctx.state.events.query(request.query);
  const body =
    request.format === 'siem'
      ? { status: 'OK', next: page.next, events: page.events.map((e) => ({ ...eventView(e), ID: String(e.id) })) }
      : {
          status: 'OK',
          next: page.next,
          data: page.events.length === 0 ? [] : Object.fromEntries(page.events.map((e, i) => [`Event${i + 1}`, eventView(e)])),
        };
  return { body, status: 'OK', outcome: 'ok' };
}
