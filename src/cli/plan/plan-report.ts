import type { DryRunJournal } from '../../app/dry-run-unit-of-work.ts';
import type { HrInputResult } from '../../app/hr-input.ts';
import type { CommandKind, LastPassCommand } from '../../core/commands.ts';
import type { InboxOutcome, Precondition } from '../../core/ports.ts';
import type { ScimAnswer } from './scim-loopback.ts';
import type { ScimRequest } from './scim-request.ts';

/** What became of one event: the use case's result, or the inbox's finer outcome for an applied one. */
export type EventOutcome = HrInputResult | InboxOutcome;

/** One canonical event the input caused (an HR event is one; a SCIM group change may be several). */
export interface PlannedEvent {
  readonly source: string;
  readonly eventId: string;
  readonly personId: string | undefined;
  readonly eventType: string;
  readonly outcome: InboxOutcome;
  /** Why the planner chose what it did; undefined when this lpprov does not record it. */
  readonly decisions: readonly string[] | undefined;
}

export interface PlannedCommandView {
  readonly personId: string;
  /** 1-based position among the person's commands this input would enqueue: the order they run in. */
  readonly order: number;
  readonly command: LastPassCommand;
  /** Undefined: due as soon as it is enqueued. */
  readonly notBefore: number | undefined;
  readonly precondition: Precondition | undefined;
  readonly idempotencyKey: string;
}

export interface CancelledCommandView {
  readonly id: number;
  /** Enqueued by an earlier input of this dry run, so its id exists only inside it. */
  readonly plannedInThisRun: boolean;
  readonly personId: string | undefined;
  readonly kind: CommandKind | undefined;
  readonly notBefore: number | undefined;
  readonly reason: string;
}

export interface Effects {
  readonly events: readonly PlannedEvent[];
  readonly enqueue: readonly PlannedCommandView[];
  /** Commands of `enqueue` whose idempotency key was already in the outbox: they would not be added. */
  readonly alreadyQueued: number;
  readonly cancel: readonly CancelledCommandView[];
  /** Refusals kept where operators look for them (a SCIM user LastPass cannot have). */
  readonly deadLetters: readonly { readonly source: string; readonly reason: string }[];
}

export type InputReport =
  | {
      readonly kind: 'hr_event';
      readonly where: string;
      readonly type: string;
      readonly id: string;
      readonly source: string;
      readonly personId: string;
      readonly outcome: EventOutcome;
      readonly effects: Effects;
    }
  | {
      readonly kind: 'scim';
      readonly where: string;
      readonly request: ScimRequest;
      /** The path as sent, bulkId references replaced. */
      readonly sentPath: string;
      /** Undefined when the request could not be sent (its bulkId reference was never created). */
      readonly response: ScimAnswer | undefined;
      readonly notSent: string | undefined;
      readonly effects: Effects;
    };

export interface PlanReport {
  readonly at: number;
  /** The database planned against, as messages name it. */
  readonly database: string;
  /** True when there was no database and an empty in-memory one stood in. */
  readonly emptyDatabase: boolean;
  readonly inputs: readonly InputReport[];
}

/** What one input's runs recorded, in the terms the report prints; outbox ids above `lastRealId` are the dry run's own. */
export function effectsOf(journal: DryRunJournal, lastRealId: number): Effects {
  const enqueue: PlannedCommandView[] = [];
  const orders = new Map<string, number>();
  for (const call of journal.enqueued) {
    for (const planned of call.commands) {
      const order = (orders.get(call.personId) ?? 0) + 1;
      orders.set(call.personId, order);
      enqueue.push({
        personId: call.personId,
        order,
        command: planned.command,
        notBefore: planned.notBefore,
        precondition: planned.precondition,
        idempotencyKey: planned.idempotencyKey,
      });
    }
  }
  return {
    events: journal.inbox.map((entry) => ({
      source: entry.source,
      eventId: entry.eventId,
      personId: entry.personId,
      eventType: entry.eventType,
      outcome: entry.outcome,
      decisions: entry.decisions,
    })),
    enqueue,
    alreadyQueued: journal.enqueued.reduce((sum, call) => sum + call.commands.length - call.inserted, 0),
    cancel: journal.cancelled.flatMap((call) =>
      call.commands.map((c) => ({
        id: c.id,
        plannedInThisRun: c.id > lastRealId,
        personId: c.personId,
        kind: c.pending?.kind,
        notBefore: c.pending?.notBefore,
        reason: call.reason,
      })),
    ),
    deadLetters: journal.deadLetters.map((letter) => ({ source: letter.source, reason: letter.reason })),
  };
}

/** An HR event's outcome: `applied` is refined by the inbox (not authoritative, account taken). */
export function hrOutcome(result: HrInputResult, effects: Effects, source: string, eventId: string): EventOutcome {
  if (result !== 'applied') return result;
  return effects.events.find((e) => e.source === source && e.eventId === eventId)?.outcome ?? result;
}

/** The command's account: its username, or the old address of an email change. */
export function usernameOf(command: LastPassCommand): string {
  return command.kind === 'update_email' ? command.oldEmail : command.username;
}

/** The command's payload beyond kind and username, in words. */
export function detailsOf(command: LastPassCommand): string {
  switch (command.kind) {
    case 'add_user':
      return [
        `groups ${command.groups.length === 0 ? 'none' : command.groups.join(', ')}`,
        ...(command.fullname ? [`name ${command.fullname}`] : []),
        ...(command.defaultPassword === true
          ? [`default password${command.passwordResetRequired === false ? '' : ', reset required'}`]
          : []),
      ].join('; ');
    case 'update_user':
      return `name ${command.fullname}`;
    case 'change_groups':
      return [
        ...(command.add.length > 0 ? [`add ${command.add.join(', ')}`] : []),
        ...(command.del.length > 0 ? [`remove ${command.del.join(', ')}`] : []),
      ].join('; ');
    case 'delete_user':
      return `deleteaction ${command.action}`;
    case 'update_email':
      return `new email ${command.newEmail}`;
    default:
      return '';
  }
}

export function preconditionText(precondition: Precondition | undefined): string {
  if (precondition === undefined) return '-';
  return `lifecycle epoch ${precondition.epoch}${precondition.notOnLegalHold ? ', not on legal hold' : ''}`;
}

/** A short account of a SCIM answer: status, then the resource or the error. */
export function responseSummary(answer: ScimAnswer): string {
  const body = answer.body;
  const parts = [String(answer.status)];
  if (typeof body === 'object' && body !== null) {
    const fields = body as Record<string, unknown>;
    if (typeof fields.detail === 'string') {
      parts.push(typeof fields.scimType === 'string' ? `${fields.scimType}: ${fields.detail}` : fields.detail);
    } else {
      for (const key of ['id', 'userName', 'displayName', 'active'] as const) {
        const value = fields[key];
        if (typeof value === 'string' || typeof value === 'boolean') parts.push(`${key} ${String(value)}`);
      }
    }
  } else if (typeof body === 'string') {
    parts.push(body.slice(0, 200));
  }
  return parts.join(' ');
}
