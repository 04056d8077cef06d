import type { OutboxEntry } from '../../outbox/outbox.store.ts';
import { cleanCell } from '../lastpass/table.ts';

import { isoTime } from './format.ts';

/** Every field of one command, one per line, then the command payload as indented JSON. */
export function renderEntry(entry: OutboxEntry): string {
  const fields: [string, string][] = [
    ['id', String(entry.id)],
    ['person', entry.personId],
    ['seq', String(entry.seq)],
    ['kind', entry.kind],
    ['status', entry.status],
    ['attempts', String(entry.attempts)],
    // For a pending command the next attempt; otherwise when it was last due.
    ['not before', isoTime(entry.notBefore)],
    ['last error', entry.lastError ?? '-'],
    ['resolution', entry.resolution ?? '-'],
    ['idempotency key', entry.idempotencyKey],
    ['created', isoTime(entry.createdAt)],
    ['updated', isoTime(entry.updatedAt)],
  ];
  const width = Math.max(...fields.map(([label]) => label.length));
  const lines = fields.map(([label, value]) => `${label.padEnd(width)}  ${cleanCell(value)}`);
  const payload = JSON.stringify(entry.command, null, 2)
    .split('\n')
    .map((line) => `  ${line}`);
  return `${[...lines, 'command', ...payload].join('\n')}\n`;
}
