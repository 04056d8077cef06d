import type { OutboxEntry } from '../../outbox/outbox.store.ts';
import { plural } from '../lastpass/output.ts';
import { cleanCell, renderTable } from '../lastpass/table.ts';

import { nextAttempt, truncate } from './format.ts';

const HEADERS = ['ID', 'PERSON', 'SEQ', 'KIND', 'STATUS', 'ATTEMPTS', 'NEXT ATTEMPT (UTC)', 'LAST ERROR'];
/** Enough to recognise the error; `outbox show <id>` prints all of it. */
const ERROR_WIDTH = 60;

export function renderEntries(entries: readonly OutboxEntry[], limit: number): string {
  if (entries.length === 0) return 'No outbox commands match.\n';
  const rows = entries.map((entry) => [
    String(entry.id),
    entry.personId,
    String(entry.seq),
    entry.kind,
    entry.status,
    String(entry.attempts),
    nextAttempt(entry),
    truncate(cleanCell(entry.lastError ?? ''), ERROR_WIDTH),
  ]);
  // The list is cut at --limit, oldest first: say so, or a full page looks like everything.
  const more = entries.length >= limit ? ` (the first ${limit} by id; filter or raise --limit to see more)` : '';
  return `${renderTable(HEADERS, rows)}\n${plural(entries.length, 'command')}${more}\n`;
}
