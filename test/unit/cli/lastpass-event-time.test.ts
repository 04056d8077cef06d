import { describe, expect, it } from 'vitest';

import { formatEastern, parseEastern } from '../../../src/lastpass/eastern-time.ts';
import { parseEventTime } from '../../../src/cli/lastpass/event-time.ts';

const NOW = Date.parse('2024-07-04T16:20:30.750Z');

describe('US/Eastern times', () => {
  it('formats instants in EST and EDT', () => {
    expect(formatEastern(Date.parse('2024-01-15T14:59:59.900Z'))).toBe('2024-01-15 09:59:59');
    expect(formatEastern(Date.parse('2024-07-15T14:00:00Z'))).toBe('2024-07-15 10:00:00');
  });

  it('parses wall-clock times on both sides of a daylight-saving change', () => {
    expect(parseEastern('2024-03-10 01:59:59')).toBe(Date.parse('2024-03-10T06:59:59Z'));
    expect(parseEastern('2024-03-10 03:00:00')).toBe(Date.parse('2024-03-10T07:00:00Z'));
    // The repeated hour in November reads as its first (EDT) occurrence.
    expect(parseEastern('2024-11-03 01:30:00')).toBe(Date.parse('2024-11-03T05:30:00Z'));
    expect(parseEastern('2024-02-30 00:00:00')).toBeNull();
    expect(parseEastern('2024-01-01 24:00:00')).toBeNull();
  });
});

describe('--from/--to values', () => {
  it('passes LastPass wall-clock times on unchanged', () => {
    expect(parseEventTime('2024-01-15 09:00:00', NOW)).toEqual({
      wall: '2024-01-15 09:00:00',
      epochMs: Date.parse('2024-01-15T14:00:00Z'),
    });
    expect(parseEventTime('2024-01-15', NOW)).toEqual({ wall: '2024-01-15 00:00:00', epochMs: Date.parse('2024-01-15T05:00:00Z') });
  });

  it('converts ISO 8601 times with a zone, and "now", to US/Eastern', () => {
    expect(parseEventTime('2024-01-15T14:00:00Z', NOW)).toMatchObject({ wall: '2024-01-15 09:00:00' });
    expect(parseEventTime('2024-07-15T16:00:00.999+02:00', NOW)).toMatchObject({ wall: '2024-07-15 10:00:00' });
    expect(parseEventTime('NOW', NOW)).toEqual({ wall: '2024-07-04 12:20:30', epochMs: Date.parse('2024-07-04T16:20:30Z') });
  });

  it('refuses ISO 8601 without a zone, and anything else, naming the accepted forms', () => {
    expect(parseEventTime('2024-01-15T09:00:00', NOW)).toMatch(/has no zone/);
    expect(parseEventTime('yesterday', NOW)).toMatch(/^"yesterday" is not a time; use "YYYY-MM-DD HH:MM:SS"/);
    expect(parseEventTime('2024-13-01 00:00:00', NOW)).toMatch(/is not a time/);
  });
});
