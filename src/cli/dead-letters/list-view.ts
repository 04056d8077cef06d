import type { DeadLetterRow } from '../../db/dead-letter-admin.ts';
import { plural } from '../lastpass/output.ts';
import { cleanCell, renderTable } from '../lastpass/table.ts';
import { isoTime, truncate } from '../outbox/format.ts';

/** Enough to recognise the reason or resolution; `dead-letters show <id>` prints all of it. */
const TEXT_WIDTH = 60;

export interface ListedDeadLetters {
  readonly letters: readonly DeadLetterRow[];
  /** --all: resolved ones are listed too, with their resolution. */
  readonly all: boolean;
  readonly limit: number;
  /** Whether --source narrowed the list, for the empty message. */
  readonly filtered: boolean;
}

export function renderDeadLetters(listed: ListedDeadLetters): string {
  const { letters, all, limit } = listed;
  if (letters.length === 0) {
    return all || listed.filtered ? 'No input dead letters match.\n' : 'No open input dead letters: every input was accepted or dealt with.\n';
  }
  const headers = ['ID', 'RECEIVED (UTC)', 'SOURCE', 'REASON', ...(all ? ['RESOLUTION'] : [])];
  const rows = letters.map((letter) => [
    String(letter.id),
    isoTime(letter.createdAt),
    letter.source,
    truncate(cleanCell(letter.reason), TEXT_WIDTH),
    ...(all ? [letter.resolution === undefined ? 'open' : truncate(cleanCell(letter.resolution), TEXT_WIDTH)] : []),
  ]);
  const open = letters.filter((letter) => letter.resolvedAt === undefined).length;
  const count = all ? `${plural(letters.length, 'dead letter')}, ${open} open` : plural(letters.length, 'open dead letter');
  // Newest first and cut at --limit: say so, or a full page looks like everything.
  const more = letters.length >= limit ? ` (the newest ${limit}; filter or raise --limit to see more)` : '';
  return `${renderTable(headers, rows)}\n${count}${more}\n`;
}
