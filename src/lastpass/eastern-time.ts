/**
 * LastPass's `reporting` takes and gives times as "YYYY-MM-DD HH:MM:SS" in US/Eastern (reference
 * §2.11), whatever zone the admin is in; these helpers convert between that and instants.
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

/** Eastern wall-clock time minus UTC at an instant, in ms (negative: behind UTC). */
function zoneOffsetAt(epochMs: number): number {
  const wholeSecond = Math.floor(epochMs / 1000) * 1000;
  return wallClockAsUtc(wallClockAt(wholeSecond)) - wholeSecond;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** The instant as LastPass writes it: US/Eastern, whole seconds (rounded down). */
export function formatEastern(epochMs: number): string {
  const w = wallClockAt(Math.floor(epochMs / 1000) * 1000);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

/**
 * Epoch ms of an Eastern "YYYY-MM-DD HH:MM:SS", or null when the text is not a real date and time.
 * In the hour repeated when daylight saving ends, the earlier (EDT) reading is taken.
 */
export function parseEastern(text: string): number | null {
  const match = WALL_CLOCK.exec(text.trim());
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const asUtc = wallClockAsUtc({ year, month, day, hour, minute, second });
  const check = new Date(asUtc);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return null;
  }
  // Two passes settle the offset on either side of a daylight-saving change.
  const firstGuess = asUtc - zoneOffsetAt(asUtc);
  return asUtc - zoneOffsetAt(firstGuess);
}
