import type { DeadLetterRow } from '../../db/dead-letter-admin.ts';
import { cleanCell } from '../lastpass/table.ts';
import { isoTime } from '../outbox/format.ts';

import { nextStep, originOf } from './origin.ts';

/** Every field of one dead letter, one per line, then the raw input as it was received. */
export function renderDeadLetter(letter: DeadLetterRow): string {
  const fields: [string, string][] = [
    ['id', String(letter.id)],
    ['source', letter.source],
    ['received', isoTime(letter.createdAt)],
    ['reason', letter.reason],
    ['status', letter.resolvedAt === undefined ? 'open' : `resolved ${isoTime(letter.resolvedAt)}`],
    ['resolution', letter.resolution ?? '-'],
  ];
  if (letter.resolvedAt === undefined) fields.push(['next', nextStep(originOf(letter.source), letter.id)]);
  const width = Math.max(...fields.map(([label]) => label.length));
  const lines = fields.map(([label, value]) => `${label.padEnd(width)}  ${cleanCell(value)}`);
  return `${[...lines, 'raw', ...rawLines(letter.raw)].join('\n')}\n`;
}

/**
 * JSON indented for reading; anything else (a body that was not JSON) line by line as it came.
 * Either way no control character reaches the terminal: the input is whatever a sender sent.
 */
function rawLines(raw: string): string[] {
  let text = raw;
  try {
    text = JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    // not JSON: shown as it is
  }
  return text.split('\n').map((line) => `  ${cleanCell(line)}`);
}
