import { formatEastern, parseEastern } from '../../lastpass/eastern-time.ts';

/** A point in time both as LastPass wants it (`wall`, US/Eastern) and as an instant. */
export interface EventTime {
  readonly wall: string;
  readonly epochMs: number;
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;
const ISO_WITHOUT_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/i;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export const TIME_FORMATS_HELP =
  '"YYYY-MM-DD HH:MM:SS" (US/Eastern, as LastPass reports), "YYYY-MM-DD" (midnight US/Eastern), ' +
  'ISO 8601 with a zone ("2024-05-01T09:00:00Z", "2024-05-01T15:00:00+02:00") or "now"';

export function eventTimeAt(epochMs: number): EventTime {
  return { wall: formatEastern(epochMs), epochMs: Math.floor(epochMs / 1000) * 1000 };
}

/**
 * Reads a --from/--to value; the result or a reason, which names the accepted forms. A LastPass
 * wall-clock time is passed on unchanged, so that what the admin typed is what LastPass gets.
 */
export function parseEventTime(text: string, nowMs: number): EventTime | string {
  const value = text.trim();
  if (value.toLowerCase() === 'now') return eventTimeAt(nowMs);
  const wall = DATE_ONLY.test(value) ? `${value} 00:00:00` : value;
  const eastern = parseEastern(wall);
  if (eastern !== null) return { wall, epochMs: eastern };
  if (ISO_WITH_ZONE.test(value)) {
    const epochMs = Date.parse(value);
    if (!Number.isNaN(epochMs)) return eventTimeAt(epochMs);
  }
  if (ISO_WITHOUT_ZONE.test(value)) {
    // Without a zone the instant depends on where the command runs; LastPass's own form is explicit.
    return `"${value}" has no zone: add one ("Z", "+02:00") or write "YYYY-MM-DD HH:MM:SS" for US/Eastern`;
  }
  return `"${value}" is not a time; use ${TIME_FORMATS_HELP}`;
}
