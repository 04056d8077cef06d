import type { ReportEvent } from '../../lastpass/index.ts';

import { parseEastern } from '../../lastpass/eastern-time.ts';
import { plural } from './output.ts';
import { columnWidths, formatRow, renderTable, type Row } from './table.ts';

/**
 * An event as printed. LastPass's `Event1`… keys only number the events of one answer, so they are
 * left out; `time` stays LastPass's US/Eastern text.
 */
export interface EventEntry {
  readonly time: string | null;
  readonly username: string | null;
  readonly ipAddress: string | null;
  readonly action: string | null;
  readonly data: string | null;
}

export function eventEntry(event: ReportEvent): EventEntry {
  return {
    time: event.time,
    username: event.username,
    ipAddress: event.ipAddress,
    action: event.action,
    data: event.data,
  };
}

export function eventEpochMs(event: ReportEvent): number | null {
  return event.time === null ? null : parseEastern(event.time);
}

/**
 * Oldest first, as a log reads. LastPass answers newest first, so the answer is reversed; the
 * stable sort then only moves events a server sent out of order.
 */
export function chronological(events: readonly ReportEvent[]): ReportEvent[] {
  return [...events].reverse().sort((a, b) => (eventEpochMs(a) ?? 0) - (eventEpochMs(b) ?? 0));
}

export const EVENT_HEADERS: Row = ['TIME (US/EASTERN)', 'USER', 'IP ADDRESS', 'ACTION', 'DATA'];

export function eventRow(event: ReportEvent): Row {
  return [event.time ?? '', event.username ?? '', event.ipAddress ?? '', event.action ?? '', event.data ?? ''];
}

/** `events` without --follow: the events oldest first, then a count. */
export function renderEvents(events: readonly ReportEvent[]): string {
  if (events.length === 0) return 'No events in this window.\n';
  return `${renderTable(EVENT_HEADERS, events.map(eventRow))}\n${plural(events.length, 'event')}\n`;
}

/** Typical widths, so that rows printed later in --follow line up with the first ones. */
const FOLLOW_MIN_WIDTHS = [19, 24, 15, 24, 0];

/**
 * Lines for --follow: the column widths are fixed by the header and the first batch, since later
 * events are not known yet; a longer value pushes its row right rather than being cut.
 */
export class FollowTable {
  #widths: number[] | undefined;

  lines(events: readonly ReportEvent[]): string {
    const rows = events.map(eventRow);
    let text = '';
    if (this.#widths === undefined) {
      const widths = columnWidths(EVENT_HEADERS, rows).map((width, i) => Math.max(width, FOLLOW_MIN_WIDTHS[i] ?? 0));
      this.#widths = widths;
      text += `${formatRow(EVENT_HEADERS, widths)}\n`;
    }
    const widths = this.#widths;
    return text + rows.map((row) => `${formatRow(row, widths)}\n`).join('');
  }
}
