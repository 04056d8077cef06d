import type { OutboxEntry } from '../../outbox/outbox.store.ts';

/** Every time the outbox commands print is ISO 8601 in UTC, whatever the machine's zone. */
export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** An outbox command as `--json` prints it: times as ISO 8601 UTC, absent texts as null. */
export interface EntryJson {
  readonly id: number;
  readonly personId: string;
  readonly seq: number;
  readonly kind: string;
  readonly status: string;
  readonly attempts: number;
  readonly notBefore: string;
  readonly lastError: string | null;
  readonly resolution: string | null;
  readonly idempotencyKey: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly command: OutboxEntry['command'];
}

export function entryJson(entry: OutboxEntry): EntryJson {
  return {
    id: entry.id,
    personId: entry.personId,
    seq: entry.seq,
    kind: entry.kind,
    status: entry.status,
    attempts: entry.attempts,
    notBefore: isoTime(entry.notBefore),
    lastError: entry.lastError ?? null,
    resolution: entry.resolution ?? null,
    idempotencyKey: entry.idempotencyKey,
    createdAt: isoTime(entry.createdAt),
    updatedAt: isoTime(entry.updatedAt),
    command: entry.command,
  };
}

/** When the dispatcher will next try it; only a pending command has such a time. */
export function nextAttempt(entry: OutboxEntry): string {
  return entry.status === 'pending' ? isoTime(entry.notBefore) : '-';
}

/** Cuts a text to `max` characters, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** "command 42 (disable_user for alice, seq 3)": how messages name one command. */
export function describeEntry(entry: OutboxEntry): string {
  return `command ${entry.id} (${entry.kind} for ${entry.personId}, seq ${entry.seq})`;
}
