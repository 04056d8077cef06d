import { plural } from '../lastpass/output.ts';
import { cleanCell } from '../lastpass/table.ts';
import { isoTime } from '../outbox/format.ts';
import { describeEvent } from './event-summary.ts';
import type { CommandEntry, DeadLetterEntry, InputEntry, OutcomeEntry, Timeline, TimelineEntry } from './timeline.ts';

const TIME_WIDTH = isoTime(0).length;
const TYPE_WIDTH = 'cancellation'.length;
const INDENT = ' '.repeat(TIME_WIDTH + 2 + TYPE_WIDTH + 2);
const LABEL_WIDTH = 'correlation'.length;

/** `lpprov audit` for people: one block per entry, oldest first, then totals. Scripts should use --json. */
export function renderTimeline(timeline: Timeline): string {
  const several = timeline.personIds.length > 1;
  const lines: string[] = [];
  if (timeline.personIds.length === 0) {
    // Only a refused SCIM create names it: nobody was ever planned under that name.
    lines.push(`audit trail of ${timeline.query}`, '(known only as the userName of refused SCIM users)');
  } else {
    lines.push(`audit trail of ${timeline.personIds.join(', ')}`);
    if (timeline.personIds.length !== 1 || timeline.personIds[0] !== timeline.query) {
      lines.push(`(the people whose LastPass username is ${timeline.query})`);
    }
  }
  lines.push('');
  for (const entry of timeline.entries) lines.push(...renderEntry(entry, several));
  const count = (type: TimelineEntry['type']) => timeline.entries.filter((e) => e.type === type).length;
  const outcomes = timeline.entries.length - count('input') - count('command') - count('dead_letter');
  const totals = [plural(count('input'), 'input'), plural(count('command'), 'command'), plural(outcomes, 'outcome')];
  if (count('dead_letter') > 0) totals.push(plural(count('dead_letter'), 'dead letter'));
  lines.push('', totals.join(', '));
  return lines.map((line) => `${line}\n`).join('');
}

function renderEntry(entry: TimelineEntry, several: boolean): string[] {
  const head = `${isoTime(entry.at)}  ${entry.type.padEnd(TYPE_WIDTH)}  `;
  const [first = '', ...rest] = bodyLines(entry);
  const person = several ? [field('person', entry.personId ?? '-')] : [];
  return [`${head}${cleanCell(first)}`, ...person, ...rest];
}

function bodyLines(entry: TimelineEntry): string[] {
  switch (entry.type) {
    case 'input':
      return inputLines(entry);
    case 'command':
      return commandLines(entry);
    case 'dead_letter':
      return deadLetterLines(entry);
    default:
      return outcomeLines(entry);
  }
}

function inputLines(entry: InputEntry): string[] {
  const lines = [`${entry.eventType} from ${entry.source} (event ${entry.eventId}): ${entry.outcome}`];
  lines.push(field('correlation', entry.correlationId ?? '-'));
  const event = describeEvent(entry.event);
  if (event !== undefined) lines.push(field('event', event));
  if (entry.decisions === null) lines.push(field('decision', '- (not recorded before migration 7)'));
  for (const decision of entry.decisions ?? []) lines.push(field('decision', decision));
  return lines;
}

/** Like an input, from its source; what was refused and why, and whether someone has acted on it. */
function deadLetterLines(entry: DeadLetterEntry): string[] {
  const lines = [`input from ${entry.source} (dead letter ${entry.deadLetterId}): ${entry.outcome}`, field('reason', entry.reason)];
  if (entry.resolvedAt !== null) {
    lines.push(field('resolution', `${entry.resolution ?? '-'} (${isoTime(entry.resolvedAt)})`));
  } else {
    const show = `lpprov dead-letters show ${entry.deadLetterId}`;
    lines.push(field('next', `fix the user in the identity provider, which then sends it again (${show})`));
  }
  return lines;
}

function commandLines(entry: CommandEntry): string[] {
  const lines = [`#${entry.outboxId} ${entry.kind}: ${entry.summary}`];
  const due = entry.status === 'pending' ? `, due ${isoTime(entry.notBefore)}` : '';
  lines.push(field('status', `${entry.status} (${plural(entry.attempts, 'attempt')}${due})`));
  lines.push(field('correlation', entry.correlationId ?? '-'));
  if (entry.lastError !== null) lines.push(field('last error', entry.lastError));
  if (entry.resolution !== null) lines.push(field('resolution', entry.resolution));
  return lines;
}

function outcomeLines(entry: OutcomeEntry): string[] {
  const attempt = entry.attempt === null ? '' : ` attempt ${entry.attempt}`;
  // From the claim to the outcome, rate-limit waits included.
  const took = entry.durationMs === null ? '' : ` (${entry.durationMs} ms)`;
  const lines = [`#${entry.outboxId} ${entry.kind}${attempt}: ${entry.outcome}${took}`];
  if (entry.detail !== null) lines.push(field('detail', entry.detail));
  if (entry.by !== null) lines.push(field('by', entry.by));
  if (entry.inferred) lines.push(field('note', 'no history was recorded (before migration 7): its status from the outbox row'));
  return lines;
}

function field(label: string, value: string): string {
  return `${INDENT}${label.padEnd(LABEL_WIDTH)}  ${cleanCell(value)}`;
}
