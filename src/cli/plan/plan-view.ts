import { plural } from '../lastpass/output.ts';
import { cleanCell, renderTable } from '../lastpass/table.ts';
import { isoTime } from '../outbox/format.ts';
import {
  detailsOf,
  type Effects,
  type InputReport,
  type PlanReport,
  preconditionText,
  responseSummary,
  usernameOf,
} from './plan-report.ts';

const INDENT = '    ';

/** `lpprov plan` for people: a block per input, then totals. Scripts should use --json. */
export function renderPlan(report: PlanReport): string {
  const lines: string[] = [
    `dry run at ${isoTime(report.at)} against ${report.database}`,
    ...(report.emptyDatabase ? ['(no lpprov database there: planned against an empty in-memory database, so nobody is known yet)'] : []),
    '',
  ];
  for (const [i, input] of report.inputs.entries()) lines.push(...renderInput(i + 1, input), '');
  const enqueue = report.inputs.reduce((sum, input) => sum + input.effects.enqueue.length - input.effects.alreadyQueued, 0);
  const cancel = report.inputs.reduce((sum, input) => sum + input.effects.cancel.length, 0);
  lines.push(
    `${plural(report.inputs.length, 'input')}: ${plural(enqueue, 'command')} would be enqueued, ${cancel} cancelled. ` +
      'Nothing was written: the transaction was rolled back.',
  );
  return lines.map((line) => `${line}\n`).join('');
}

function renderInput(n: number, input: InputReport): string[] {
  const lines: string[] = [];
  if (input.kind === 'hr_event') {
    lines.push(`${n}. HR event ${input.type} (${input.where})`);
    lines.push(field('event', `${input.id} from ${input.source}`));
    lines.push(field('person', input.personId));
    lines.push(field('outcome', input.outcome));
  } else {
    const sent = input.sentPath === input.request.path ? '' : ` (sent as ${input.sentPath})`;
    lines.push(`${n}. SCIM ${input.request.method} ${input.request.path}${sent} (${input.where})`);
    lines.push(field('response', input.response === undefined ? (input.notSent ?? '-') : responseSummary(input.response)));
    for (const event of input.effects.events) {
      lines.push(field('outcome', `${event.outcome}: ${event.eventType} for ${event.personId ?? '-'}`));
    }
  }
  lines.push(...renderEffects(input.effects));
  return lines;
}

function renderEffects(effects: Effects): string[] {
  const lines: string[] = [];
  for (const event of effects.events) {
    for (const decision of event.decisions ?? []) lines.push(field('decision', decision));
  }
  for (const letter of effects.deadLetters) lines.push(field('refused', `${letter.reason} (dead letter from ${letter.source})`));
  if (effects.enqueue.length === 0) {
    lines.push(field('enqueue', 'nothing'));
  } else {
    lines.push(field('enqueue', plural(effects.enqueue.length, 'command')));
    const rows = effects.enqueue.map((planned) => [
      String(planned.order),
      planned.personId,
      planned.command.kind,
      usernameOf(planned.command),
      detailsOf(planned.command) || '-',
      planned.notBefore === undefined ? 'now' : isoTime(planned.notBefore),
      preconditionText(planned.precondition),
    ]);
    lines.push(...table(['ORDER', 'PERSON', 'KIND', 'USERNAME', 'DETAILS', 'NOT BEFORE (UTC)', 'PRECONDITION'], rows));
    if (effects.alreadyQueued > 0) {
      lines.push(`${INDENT}(${plural(effects.alreadyQueued, 'of these is', 'of these are')} already in the outbox with the same idempotency key and would not be added again)`);
    }
  }
  if (effects.cancel.length === 0) {
    lines.push(field('cancel', 'nothing'));
  } else {
    lines.push(field('cancel', plural(effects.cancel.length, 'command')));
    const rows = effects.cancel.map((c) => [
      c.plannedInThisRun ? `${c.id} (planned above)` : String(c.id),
      c.personId ?? '-',
      c.kind ?? '-',
      c.notBefore === undefined ? '-' : isoTime(c.notBefore),
      c.reason,
    ]);
    lines.push(...table(['ID', 'PERSON', 'KIND', 'NOT BEFORE (UTC)', 'WHY'], rows));
  }
  return lines;
}

function field(name: string, value: string): string {
  return `  ${`${name}:`.padEnd(10)} ${cleanCell(value)}`;
}

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return renderTable(headers, rows)
    .trimEnd()
    .split('\n')
    .map((line) => `${INDENT}${line}`);
}
