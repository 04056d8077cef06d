import { InvalidArgumentError, type Command } from 'commander';

import type { LastPassClient, ReportEvent, ReportingQuery } from '../../lastpass/index.ts';

import { positiveSeconds, withCommonOptions, type CommonFlags } from './common-options.ts';
import { eventTimeAt, parseEventTime, TIME_FORMATS_HELP, type EventTime } from './event-time.ts';
import { chronological, eventEntry, FollowTable, renderEvents } from './events-view.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import { UsageError } from './failure.ts';
import { followEvents } from './follow-events.ts';
import { runWithLastPass } from './lastpass-session.ts';
import { warn, writeJson, writeJsonLine, writeOut } from './output.ts';

interface EventsFlags extends CommonFlags {
  readonly from: EventTime;
  readonly to?: EventTime;
  readonly search?: string;
  readonly user?: string;
  readonly admin?: boolean;
  readonly follow?: boolean;
  readonly interval: number;
}

/** After SIGINT/SIGTERM, how long an answer still on its way may delay the exit. */
const STOP_GRACE_MS = 2000;

function eventTime(value: string): EventTime {
  const parsed = parseEventTime(value, Date.now());
  if (typeof parsed === 'string') throw new InvalidArgumentError(parsed);
  return parsed;
}

type Filters = Pick<ReportingQuery, 'search' | 'user' | 'adminOnly'>;

function filtersOf(flags: EventsFlags): Filters {
  return {
    ...(flags.search === undefined ? {} : { search: flags.search }),
    ...(flags.user === undefined ? {} : { user: flags.user }),
    ...(flags.admin === true ? { adminOnly: true } : {}),
  };
}

async function printWindow(client: LastPassClient, flags: EventsFlags, from: EventTime, to: EventTime): Promise<void> {
  const log = await client.getEvents({ from: from.wall, to: to.wall, ...filtersOf(flags) });
  const events = chronological(log.events);
  if (flags.json === true) writeJson(events.map(eventEntry));
  else writeOut(renderEvents(events));
  if (log.next !== null) warn('LastPass has more events than lpprov pages through at once; narrow the window with --from/--to');
}

/** Runs until SIGINT/SIGTERM; those end it with status 0. */
async function follow(client: LastPassClient, flags: EventsFlags, from: EventTime, to: EventTime): Promise<ExitCode> {
  const stop = new AbortController();
  const onSignal = (): void => {
    if (stop.signal.aborted) process.exit(EXIT.ok);
    stop.abort();
    // A poll still waiting for LastPass would hold the exit until its timeout; do not wait that long.
    setTimeout(() => process.exit(EXIT.ok), STOP_GRACE_MS).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const table = new FollowTable();
  const intervalMs = flags.interval * 1000;
  if (process.stderr.isTTY) warn(`following new events every ${flags.interval} s; Ctrl-C stops`);
  await followEvents({
    from,
    to,
    intervalMs,
    signal: stop.signal,
    fetch: async (pollFrom: string, pollTo: string): Promise<readonly ReportEvent[]> =>
      (await client.getEvents({ from: pollFrom, to: pollTo, ...filtersOf(flags) })).events,
    print: (events) => {
      if (flags.json === true) for (const event of events) writeJsonLine(eventEntry(event));
      else writeOut(table.lines(events));
    },
    onTransient: (error, retryInMs) => warn(`${error.message}; polling again in ${retryInMs / 1000} s`),
  });
  return EXIT.ok;
}

export function registerEventsCommand(lastpass: Command): void {
  const command = lastpass
    .command('events')
    .description('print the audit events (reporting) of a time window, oldest first; --follow keeps polling for new ones')
    .requiredOption('--from <time>', `start of the window: ${TIME_FORMATS_HELP}`, eventTime)
    .option('--to <time>', 'end of the window, same forms (default: now); with --follow it ends only the first batch', eventTime)
    .option('--search <text>', 'only events whose action, data or user contains this text')
    .option('--user <email>', 'only events of this user')
    .option('--admin', 'only admin events')
    .option('--follow', 'after the window, poll for new events until SIGINT/SIGTERM (exit 0); JSON: one object per line')
    .option('--interval <seconds>', 'seconds between polls with --follow', positiveSeconds, 30);
  withCommonOptions(command, { json: true }).action((flags: EventsFlags) =>
    runWithLastPass(flags, async (client) => {
      const to = flags.to ?? eventTimeAt(Date.now());
      if (flags.from.epochMs > to.epochMs) throw new UsageError(`--from (${flags.from.wall}) is after --to (${to.wall}), both US/Eastern`);
      if (flags.follow === true) return follow(client, flags, flags.from, to);
      await printWindow(client, flags, flags.from, to);
      return EXIT.ok;
    }),
  );
}
