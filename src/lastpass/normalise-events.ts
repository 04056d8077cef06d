import { isRecord, mapEntries, toText, type JsonRecord } from './coerce.ts';

/** One event of the `reporting` log; times are US/Eastern `YYYY-MM-DD HH:MM:SS` (reference §2.11). */
export interface ReportEvent {
  /** `Event1`... in the default format, `ID` in the SIEM format, when present. */
  readonly id: string | null;
  readonly time: string | null;
  readonly username: string | null;
  readonly ipAddress: string | null;
  readonly action: string | null;
  readonly data: string | null;
}

/** Opaque paging cursor, sent back as received (its type, number or string, is undocumented). */
export type ReportingCursor = string | number;

export interface ReportPage {
  readonly events: readonly ReportEvent[];
  readonly next: ReportingCursor | null;
}

/**
 * Both formats: the default `data: {Event1: {...}, ...}` map and the SIEM list, which clients
 * read as `{events: [...]}` (or any top-level key holding a list of events).
 */
export function normaliseReportPage(body: JsonRecord): ReportPage {
  const next = body['next'];
  return {
    events: eventEntries(body).flatMap(([key, raw]) => normaliseEvent(key, raw)),
    next: typeof next === 'string' && next !== '' ? next : typeof next === 'number' ? next : null,
  };
}

function eventEntries(body: JsonRecord): [string | null, unknown][] {
  if (Array.isArray(body['events'])) return body['events'].map((raw: unknown) => [null, raw]);
  if (body['data'] !== undefined) return mapEntries(body['data']);
  const lists = Object.values(body).filter((value): value is unknown[] => Array.isArray(value));
  return lists.flat().map((raw) => [null, raw]);
}

function normaliseEvent(key: string | null, raw: unknown): ReportEvent[] {
  if (!isRecord(raw)) return [];
  return [
    {
      id: toText(raw['ID']) ?? (key !== null && /^Event\d+$/.test(key) ? key : null),
      time: toText(raw['Time']),
      username: toText(raw['Username']),
      ipAddress: toText(raw['IP_Address']),
      action: toText(raw['Action']),
      data: toText(raw['Data']),
    },
  ];
}
