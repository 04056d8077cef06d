import { isoTime } from '../outbox/format.ts';
import { detailsOf, type Effects, type InputReport, type PlanReport, usernameOf } from './plan-report.ts';

/** `lpprov plan --json`: the report with times as ISO 8601 UTC and absent values as null. */
export function planJson(report: PlanReport): unknown {
  const inputs = report.inputs.map(inputJson);
  return {
    at: isoTime(report.at),
    database: report.database,
    emptyDatabase: report.emptyDatabase,
    written: false,
    inputs,
    totals: {
      inputs: report.inputs.length,
      enqueue: report.inputs.reduce((sum, input) => sum + input.effects.enqueue.length - input.effects.alreadyQueued, 0),
      cancel: report.inputs.reduce((sum, input) => sum + input.effects.cancel.length, 0),
    },
  };
}

function inputJson(input: InputReport): unknown {
  if (input.kind === 'hr_event') {
    return {
      where: input.where,
      kind: input.kind,
      type: input.type,
      id: input.id,
      source: input.source,
      personId: input.personId,
      outcome: input.outcome,
      ...effectsJson(input.effects),
    };
  }
  return {
    where: input.where,
    kind: input.kind,
    method: input.request.method,
    path: input.request.path,
    sentPath: input.sentPath,
    idp: input.request.idp,
    status: input.response?.status ?? null,
    response: input.response?.body ?? null,
    notSent: input.notSent ?? null,
    ...effectsJson(input.effects),
  };
}

function effectsJson(effects: Effects): Record<string, unknown> {
  return {
    events: effects.events.map((event) => ({ ...event, personId: event.personId ?? null, decisions: event.decisions ?? null })),
    enqueue: effects.enqueue.map((planned) => ({
      personId: planned.personId,
      order: planned.order,
      kind: planned.command.kind,
      username: usernameOf(planned.command),
      details: detailsOf(planned.command),
      notBefore: planned.notBefore === undefined ? null : isoTime(planned.notBefore),
      precondition: planned.precondition ?? null,
      idempotencyKey: planned.idempotencyKey,
      command: planned.command,
    })),
    alreadyQueued: effects.alreadyQueued,
    cancel: effects.cancel.map((cancelled) => ({
      id: cancelled.id,
      plannedInThisRun: cancelled.plannedInThisRun,
      personId: cancelled.personId ?? null,
      kind: cancelled.kind ?? null,
      notBefore: cancelled.notBefore === undefined ? null : isoTime(cancelled.notBefore),
      reason: cancelled.reason,
    })),
    deadLetters: effects.deadLetters,
  };
}
