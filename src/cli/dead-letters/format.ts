import type { DeadLetterRow } from '../../db/dead-letter-admin.ts';
import { isoTime } from '../outbox/format.ts';

/** An input dead letter as `--json` prints it: times as ISO 8601 UTC, absent values as null. */
export interface DeadLetterJson {
  readonly id: number;
  readonly source: string;
  readonly reason: string;
  readonly raw: string;
  readonly createdAt: string;
  /** Null while it is open. */
  readonly resolvedAt: string | null;
  readonly resolution: string | null;
}

export function deadLetterJson(letter: DeadLetterRow): DeadLetterJson {
  return {
    id: letter.id,
    source: letter.source,
    reason: letter.reason,
    raw: letter.raw,
    createdAt: isoTime(letter.createdAt),
    resolvedAt: letter.resolvedAt === undefined ? null : isoTime(letter.resolvedAt),
    resolution: letter.resolution ?? null,
  };
}

/** "dead letter 7 (webhook)": how messages name one. */
export function describeDeadLetter(letter: Pick<DeadLetterRow, 'id' | 'source'>): string {
  return `dead letter ${letter.id} (${letter.source})`;
}
