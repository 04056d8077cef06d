import { hrEvent } from '../../fixtures/hr-events.ts';
import type { Department, HrChange } from './operations.ts';

export const DAY = 86_400_000;

/** The HR person the policy treats as a contractor. */
export const CONTRACTOR = 1;

/** What the HRIS knows of one person: every event it sends is a full snapshot of this. */
interface Worker {
  department: Department;
  address: number;
  status: 'active' | 'terminated';
  legalHold: boolean;
  sequence: number;
}

export interface SentEvent {
  readonly personId: string;
  readonly event: Record<string, unknown>;
}

/**
 * A small HRIS: keeps each person's snapshot and turns changes into CloudEvents the way a real
 * one would (docs/events.md): full snapshot, a growing sequence per person, `effective_at` for the
 * dated ones, `terminated` status after a leave until a rehire.
 */
export class Hris {
  readonly #run: string;
  readonly #workers = new Map<number, Worker>();
  readonly sent: SentEvent[] = [];

  constructor(run: string) {
    this.#run = run;
  }

  personId(person: number): string {
    return `M-${this.#run}-${person}`;
  }

  email(person: number, address: number): string {
    return `m${this.#run}-p${person}-a${address}@acme.example`.toLowerCase();
  }

  /** Every address a person can have. */
  addresses(person: number): string[] {
    return [0, 1, 2].map((a) => this.email(person, a));
  }

  /** The event for a change, sent now; `stale`: with a sequence that is not newer than the last. */
  change(person: number, change: HrChange, now: number, stale = false): Record<string, unknown> {
    const worker = this.#workers.get(person) ?? { department: 'Engineering', address: 0, status: 'active', legalHold: false, sequence: 0 };
    const next: Worker = { ...worker };
    let type: string;
    let effectiveAt = now;
    let phase: 'effective' | 'immediate' | 'scheduled' = 'effective';
    let cancelled: string | undefined;
    switch (change.type) {
      case 'joined':
        type = 'joined';
        next.department = change.department;
        next.status = 'active';
        effectiveAt = now + change.startInDays * DAY;
        phase = change.startInDays > 0 ? 'scheduled' : 'effective';
        break;
      case 'moved':
        type = 'moved';
        next.department = change.department;
        break;
      case 'email':
        type = 'attributes_changed';
        next.address = change.address === worker.address ? 0 : change.address;
        break;
      case 'left':
        type = 'left';
        next.status = 'terminated';
        effectiveAt = now + change.inDays * DAY;
        phase = change.immediate ? 'immediate' : change.inDays > 0 ? 'scheduled' : 'effective';
        break;
      case 'rehired':
        type = 'rehired';
        next.department = change.department;
        next.status = 'active';
        break;
      case 'cancel_left':
        type = 'change_cancelled';
        cancelled = 'io.lpprov.hr.worker.left.v1';
        next.status = 'active';
        break;
      case 'cancel_joined':
        type = 'change_cancelled';
        cancelled = 'io.lpprov.hr.worker.joined.v1';
        break;
      case 'hold':
        type = 'attributes_changed';
        next.legalHold = change.on;
        break;
    }
    // An out-of-order event repeats the last sequence: lpprov must ignore it.
    next.sequence = stale ? Math.max(0, worker.sequence) : worker.sequence + 1;
    if (!stale) this.#workers.set(person, next);
    const snapshot = next;
    const event = hrEvent({
      personId: this.personId(person),
      type: `io.lpprov.hr.worker.${type}.v1`,
      email: this.email(person, snapshot.address),
      department: snapshot.department,
      status: snapshot.status,
      legalHold: snapshot.legalHold,
      sequence: snapshot.sequence,
      time: new Date(now).toISOString(),
      effectiveAt: new Date(effectiveAt).toISOString(),
      phase,
      ...(cancelled === undefined ? {} : { cancelledType: cancelled }),
      // Person 1 is a contractor: the policy removes contractors at the leave, with no grace period.
      workerType: person === CONTRACTOR ? 'contractor' : 'employee',
      given: `P${person}`,
      family: 'Model',
    });
    this.sent.push({ personId: this.personId(person), event });
    return event;
  }

  /** The HRIS's current snapshot of a person (for the reference model). */
  worker(person: number): Readonly<Worker> | undefined {
    return this.#workers.get(person);
  }
}
