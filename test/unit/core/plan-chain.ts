import type { LastPassCommand } from '../../../src/core/commands.ts';
import { parseHrEvent } from '../../../src/core/events/hr-event.ts';
import { changeOfHrEvent, type PersonChange } from '../../../src/core/events/person-change.ts';
import { planHrEvent } from '../../../src/core/planner/plan-hr-event.ts';
import type { HrPlan } from '../../../src/core/planner/hr-plan.ts';
import type { Policy } from '../../../src/core/policy/policy.ts';
import type { PendingCommand, PersonRecord, Precondition } from '../../../src/core/ports.ts';

interface Queued {
  readonly id: number;
  readonly command: LastPassCommand;
  readonly notBefore: number;
  readonly precondition: Precondition | undefined;
}

/**
 * Plays events through the planner for one person with a tiny in-memory outbox, so a test reads
 * as a story: joined, then left, then the delete fires... `run(until)` executes what is due,
 * re-checking preconditions as the dispatcher does.
 */
export class PlanChain {
  person: PersonRecord | undefined;
  queue: Queued[] = [];
  executed: LastPassCommand[] = [];
  cancelledAtFire: LastPassCommand[] = [];
  last: HrPlan | undefined;
  #nextId = 1;
  readonly #policy: Policy;

  constructor(policy: Policy) {
    this.#policy = policy;
  }

  /** An HR event (a CloudEvent object), parsed as the ingress does. */
  apply(event: unknown, now: number): HrPlan {
    const parsed = parseHrEvent(event);
    if (!parsed.ok) throw new Error(parsed.reason);
    return this.applyChange(changeOfHrEvent(parsed.event), now);
  }

  applyChange(change: PersonChange, now: number): HrPlan {
    const pending: PendingCommand[] = this.queue.map((q) => ({ id: q.id, kind: q.command.kind, command: q.command, notBefore: q.notBefore }));
    const plan = planHrEvent({ change, person: this.person, pending, policy: this.#policy, now });
    const cancelled = new Set(plan.cancel?.ids ?? []);
    this.queue = this.queue.filter((q) => !cancelled.has(q.id));
    for (const step of plan.steps) {
      this.queue.push({ id: this.#nextId++, command: step.command, notBefore: step.notBefore ?? now, precondition: step.precondition });
    }
    this.person = plan.person;
    this.last = plan;
    return plan;
  }

  /** Runs every queued command due by `until`, in order, as the dispatcher would. */
  run(until: number): LastPassCommand[] {
    const ran: LastPassCommand[] = [];
    while (this.queue.length > 0 && (this.queue[0]?.notBefore ?? Infinity) <= until) {
      const head = this.queue.shift() as Queued;
      const lifecycle = this.person?.lifecycle;
      const fails =
        head.precondition !== undefined &&
        (lifecycle?.epoch !== head.precondition.epoch || (head.precondition.notOnLegalHold && lifecycle.legalHold));
      if (fails) this.cancelledAtFire.push(head.command);
      else ran.push(head.command);
    }
    this.executed.push(...ran);
    return ran;
  }

  queued(): { kind: string; at: number }[] {
    return this.queue.map((q) => ({ kind: q.command.kind + ('action' in q.command ? `:${q.command.action}` : ''), at: q.notBefore }));
  }
}
