/**
 * LastPass reports times as "YYYY-MM-DD HH:MM:SS" in US/Eastern (reference §2.11); user
 * timestamps are assumed to use the same zone (reference §8.8).
 */

const ZONE = 'America/New_York';
const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

const formatter = new Intl.DateTimeFormat('en-US', {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClockAt(epochMs: number): WallClock {
  const wall: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter.formatToParts(epochMs)) {
    if (part.type in wall) wall[part.type as keyof WallClock] = Number(part.value);
  }
  return wall;
}

function wallClockAsUtc(wall: WallClock): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

/** Offset of Eastern wall-clock time from UTC at an instant, in ms (negative: behind UTC). */
function zoneOffsetAt(epochMs: number): number {
  const wholeSecond = Math.floor(epochMs / 1000) * 1000;
  return wallClockAsUtc(wallClockAt(wholeSecond)) - wholeSecond;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

// getuserdata formats three timestamps per user; users created by one batch share their second.
const cache = new Map<number, string>();
const CACHE_LIMIT = 50_000;

export function formatEastern(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  const cached = cache.get(second);
  if (cached !== undefined) return cached;
  const w = wallClockAt(second * 1000);
  const text = `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(second, text);
  return text;
}

/** Epoch ms of an Eastern "YYYY-MM-DD HH:MM:SS", or null when the text is not one. */
export function parseEastern(text: string): number | null {
  const match = WALL_CLOCK.exec(text.trim());
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number, number, number, number, number, number,
  ];
  const wall: WallClock = { year, month, day, hour, minute, second };
  const asUtc = wallClockAsUtc(wall);
  const check = new Date(asUtc);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return null;
  }
  // Two passes settle the offset on either side of a daylight-saving change.
  const firstGuess = asUtc - zoneOffsetAt(asUtc);
  return asUtc - zoneOffsetAt(firstGuess);
}
