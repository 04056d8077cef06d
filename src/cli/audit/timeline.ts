import type { AuditAttempt, AuditCommand, AuditDeadLetter, AuditInput, AuditRows } from '../../db/audit.repository.ts';
import { summariseCommand } from './command-summary.ts';

/**
 * `lpprov audit`: one person's history in time order.
 * - input: an input lpprov took (HR event, SCIM change) with its outcome and the planner's decisions;
 * - command: a command planned for the person, at the time it was enqueued, with its status now;
 * - attempt: what a dispatch of a command came to (done, retry, released, dead, parked, expired);
 * - cancellation: a command withdrawn by a later input or by its precondition when it fired;
 * - operator: an operator's `lpprov outbox` action on a command;
 * - dead_letter: an input lpprov refused for the person (a SCIM user LastPass cannot have), open
 *   or resolved (`lpprov dead-letters`).
 * Absent values are null: rows written before migration 0007 have no correlation id or decisions.
 */
export type TimelineEntry = InputEntry | CommandEntry | OutcomeEntry | DeadLetterEntry;

export interface InputEntry {
  readonly type: 'input';
  readonly at: number;
  readonly personId: string;
  readonly source: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly outcome: string;
  readonly correlationId: string | null;
  readonly decisions: readonly string[] | null;
  /** The canonical event as accepted; null before migration 0007. */
  readonly event: unknown;
}

export interface CommandEntry {
  readonly type: 'command';
  readonly at: number;
  readonly personId: string;
  readonly outboxId: number;
  readonly seq: number;
  readonly kind: string;
  readonly summary: string;
  readonly status: string;
  readonly attempts: number;
  readonly notBefore: number;
  readonly correlationId: string | null;
  readonly lastError: string | null;
  readonly resolution: string | null;
  readonly idempotencyKey: string;
}

export interface OutcomeEntry {
  readonly type: 'attempt' | 'cancellation' | 'operator';
  readonly at: number;
  readonly personId: string;
  readonly outboxId: number;
  readonly kind: string;
  /** The dispatch attempt it belongs to; null for cancellations and operator actions. */
  readonly attempt: number | null;
  readonly outcome: string;
  readonly detail: string | null;
  readonly durationMs: number | null;
  /** The dispatcher that held the lease, or the operator; null for the planner. */
  readonly by: string | null;
  /**
   * True when no history was recorded for the command (it ended before migration 0007): the
   * entry is its final status, at its last update, from the outbox row.
   */
  readonly inferred: boolean;
}

export interface DeadLetterEntry {
  readonly type: 'dead_letter';
  readonly at: number;
  /** Null for a refused create that names only a userName nobody is known by. */
  readonly personId: string | null;
  readonly deadLetterId: number;
  readonly source: string;
  readonly reason: string;
  /** open until an operator retries or discards it. */
  readonly outcome: 'open' | 'resolved';
  readonly resolvedAt: number | null;
  readonly resolution: string | null;
}

export interface Timeline {
  /** What `--person` named: a person id or a LastPass username. */
  readonly query: string;
  readonly personIds: readonly string[];
  readonly entries: readonly TimelineEntry[];
}

/** Puts one person's (or one username's people's) rows in time order. Pure. */
export function buildTimeline(query: string, personIds: readonly string[], rows: AuditRows): Timeline {
  const kinds = new Map(rows.commands.map((c) => [c.id, c]));
  const recorded = new Set(rows.attempts.map((a) => a.outboxId));
  const keyed: { entry: TimelineEntry; tie: number }[] = [
    ...rows.inputs.map((input, i) => ({ entry: inputEntry(input), tie: i })),
    ...rows.deadLetters.map((letter) => ({ entry: deadLetterEntry(letter), tie: letter.id })),
    ...rows.commands.map((command) => ({ entry: commandEntry(command), tie: command.id })),
    ...rows.attempts.flatMap((attempt) => {
      const command = kinds.get(attempt.outboxId);
      return command === undefined ? [] : [{ entry: outcomeEntry(attempt, command), tie: attempt.id }];
    }),
    // After every recorded outcome of the same moment.
    ...rows.commands.flatMap((command) => {
      const inferred = recorded.has(command.id) ? undefined : inferredOutcome(command);
      return inferred === undefined ? [] : [{ entry: inferred, tie: Number.MAX_SAFE_INTEGER }];
    }),
  ];
  keyed.sort((a, b) => a.entry.at - b.entry.at || rank(a.entry) - rank(b.entry) || a.tie - b.tie);
  return { query, personIds, entries: keyed.map((k) => k.entry) };
}

/** An input comes before the commands it planned, and a command before what became of it. */
function rank(entry: TimelineEntry): number {
  return entry.type === 'input' || entry.type === 'dead_letter' ? 0 : entry.type === 'command' ? 1 : 2;
}

function inputEntry(input: AuditInput): InputEntry {
  return {
    type: 'input',
    at: input.receivedAt,
    personId: input.personId,
    source: input.source,
    eventId: input.eventId,
    eventType: input.eventType,
    outcome: input.outcome,
    correlationId: input.correlationId ?? null,
    decisions: input.decisions ?? null,
    event: input.event ?? null,
  };
}

function deadLetterEntry(letter: AuditDeadLetter): DeadLetterEntry {
  return {
    type: 'dead_letter',
    at: letter.createdAt,
    personId: letter.personId ?? null,
    deadLetterId: letter.id,
    source: letter.source,
    reason: letter.reason,
    outcome: letter.resolvedAt === undefined ? 'open' : 'resolved',
    resolvedAt: letter.resolvedAt ?? null,
    resolution: letter.resolution ?? null,
  };
}

function commandEntry(command: AuditCommand): CommandEntry {
  return {
    type: 'command',
    at: command.createdAt,
    personId: command.personId,
    outboxId: command.id,
    seq: command.seq,
    kind: command.kind,
    summary: summariseCommand(command.command),
    status: command.status,
    attempts: command.attempts,
    notBefore: command.notBefore,
    correlationId: command.correlationId ?? null,
    lastError: command.lastError ?? null,
    resolution: command.resolution ?? null,
    idempotencyKey: command.idempotencyKey,
  };
}

function outcomeEntry(attempt: AuditAttempt, command: AuditCommand): OutcomeEntry {
  return {
    type: attempt.outcome.startsWith('operator_') ? 'operator' : attempt.outcome === 'cancelled' ? 'cancellation' : 'attempt',
    at: attempt.at,
    personId: command.personId,
    outboxId: command.id,
    kind: command.kind,
    attempt: attempt.attempt ?? null,
    outcome: attempt.outcome,
    detail: attempt.detail ?? null,
    durationMs: attempt.durationMs ?? null,
    by: attempt.owner ?? null,
    inferred: false,
  };
}

/** A command with no recorded history that has ended (or stopped) shows how, from its row. */
function inferredOutcome(command: AuditCommand): OutcomeEntry | undefined {
  const common = {
    at: command.updatedAt,
    personId: command.personId,
    outboxId: command.id,
    kind: command.kind,
    durationMs: null,
    by: null,
    inferred: true,
  };
  switch (command.status) {
    case 'done':
      return { ...common, type: 'attempt', attempt: command.attempts, outcome: 'done', detail: null };
    case 'dead':
      return { ...common, type: 'attempt', attempt: command.attempts, outcome: 'dead', detail: command.lastError ?? null };
    case 'awaiting_approval':
      return { ...common, type: 'attempt', attempt: null, outcome: 'parked', detail: command.resolution ?? null };
    case 'cancelled':
      return { ...common, type: 'cancellation', attempt: null, outcome: 'cancelled', detail: command.resolution ?? null };
    case 'skipped':
      return { ...common, type: 'operator', attempt: null, outcome: 'skipped', detail: command.resolution ?? null };
    default:
      return undefined;
  }
}
