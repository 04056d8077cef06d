import type { AccountState } from '../../outbox/account-control.store.ts';
import { OUTBOX_STATUSES, type OutboxStatus } from '../../outbox/outbox.store.ts';
import { plural } from '../lastpass/output.ts';
import { cleanCell, renderTable } from '../lastpass/table.ts';

import { isoTime } from './format.ts';

export interface StatusReport {
  readonly account: string;
  readonly counts: Readonly<Record<OutboxStatus, number>>;
  readonly state: AccountState;
  /** Open input dead letters: inputs lpprov could not accept (lpprov dead-letters). */
  readonly inputDeadLetters: number;
  readonly now: number;
}

export interface StatusJson {
  readonly account: string;
  readonly counts: Readonly<Record<OutboxStatus, number>>;
  readonly pause: { readonly active: boolean; readonly until: string | null; readonly reason: string | null };
  /** Consecutive refusals of LASTPASS_CID/LASTPASS_PROVHASH by LastPass. */
  readonly authFailures: number;
  readonly breaker: { readonly state: 'open' | 'closed'; readonly reason: string | null };
  readonly inputDeadLetters: number;
}

export function statusJson(report: StatusReport): StatusJson {
  const { state } = report;
  const active = state.pausedUntil > report.now;
  return {
    account: report.account,
    counts: report.counts,
    pause: {
      active,
      until: active ? isoTime(state.pausedUntil) : null,
      reason: active ? (state.pauseReason ?? null) : null,
    },
    authFailures: state.authFailures,
    breaker: { state: state.breaker, reason: state.breakerReason ?? null },
    inputDeadLetters: report.inputDeadLetters,
  };
}

/** The account's dispatch state first (why nothing moves), then the counts, then what to do next. */
export function renderStatus(report: StatusReport): string {
  const json = statusJson(report);
  const { counts } = report;
  const facts: [string, string][] = [
    ['account', report.account],
    ['dispatch', json.pause.active ? `PAUSED until ${json.pause.until ?? ''}: ${json.pause.reason ?? 'no reason given'}` : 'not paused'],
  ];
  if (json.authFailures > 0) {
    facts.push(['credentials', `LastPass refused them ${plural(json.authFailures, 'time')} in a row`]);
  }
  facts.push(['breaker', json.breaker.state === 'open' ? `OPEN: ${json.breaker.reason ?? 'no reason given'}` : 'closed']);
  // Not the outbox's, but the other place where something waits for an operator.
  const letters = json.inputDeadLetters;
  facts.push(['inputs', letters === 0 ? 'no open dead letters' : `${plural(letters, 'open dead letter')} (not accepted)`]);
  const width = Math.max(...facts.map(([label]) => label.length));
  const header = facts.map(([label, value]) => `${label.padEnd(width)}  ${cleanCell(value)}\n`).join('');
  const table = renderTable(
    ['STATUS', 'COMMANDS'],
    OUTBOX_STATUSES.map((status) => [status, String(counts[status])]),
  );
  return `${header}\n${table}${nextSteps(counts, json.breaker.state, json.inputDeadLetters)}`;
}

function nextSteps(counts: Readonly<Record<OutboxStatus, number>>, breaker: 'open' | 'closed', inputDeadLetters: number): string {
  const steps: string[] = [];
  if (counts.awaiting_approval > 0) {
    steps.push(
      `${plural(counts.awaiting_approval, 'command')} parked by the mass-change breaker: ` +
        'lpprov outbox list --status awaiting_approval, then approve or reject them',
    );
  } else if (breaker === 'open') {
    steps.push('the breaker is open with nothing parked: lpprov outbox approve --all closes it');
  }
  if (counts.dead > 0) {
    steps.push(`${plural(counts.dead, 'dead command')}: lpprov outbox list --status dead, then retry, skip or cancel each`);
  }
  if (inputDeadLetters > 0) {
    steps.push(`${plural(inputDeadLetters, 'open input dead letter')}: lpprov dead-letters list, then retry or discard each`);
  }
  return steps.length === 0 ? '' : `\n${steps.map((step) => `${step}\n`).join('')}`;
}
