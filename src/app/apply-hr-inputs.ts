import { isStaleEvent } from '../core/events/event-order.ts';
import type { HrEvent } from '../core/events/hr-event.ts';
import { planHrEvent } from '../core/planner/plan-hr-event.ts';
import type { Policy } from '../core/policy/policy.ts';
import type { Clock, PlannedCommand, TransactionScope, UnitOfWork } from '../core/ports.ts';
import type { HrInput, HrInputResult } from './hr-input.ts';

export interface ApplyHrInputsDeps {
  readonly unitOfWork: UnitOfWork;
  readonly clock: Clock;
  readonly policy: Policy;
}

/**
 * Applies a batch of HR inputs in ONE transaction: inbox rows (dedupe), person state and outbox
 * commands for valid events, dead letters for invalid ones. The caller acknowledges the inputs
 * (commits Kafka offsets, answers HTTP) only after this resolves, so nothing is lost.
 */
export async function applyHrInputs(deps: ApplyHrInputsDeps, inputs: readonly HrInput[]): Promise<HrInputResult[]> {
  const now = deps.clock.now();
  return deps.unitOfWork.run(async (scope) => {
    const results: HrInputResult[] = [];
    for (const input of inputs) {
      if (input.kind === 'invalid') {
        await scope.deadLetters.add({ source: input.origin, reason: input.reason, raw: input.raw, createdAt: now });
        results.push('dead_lettered');
      } else {
        results.push(await applyEvent(scope, deps.policy, input.event, now));
      }
    }
    return results;
  });
}

async function applyEvent(scope: TransactionScope, policy: Policy, event: HrEvent, now: number): Promise<HrInputResult> {
  if (await scope.inbox.has(event.source, event.id)) return 'duplicate';

  const personId = event.data.worker.person_id;
  const person = await scope.people.get(personId);
  const inboxEntry = { source: event.source, eventId: event.id, personId, eventType: event.type, receivedAt: now };
  const incoming = { sequence: event.sequence == null ? undefined : Number(event.sequence), time: Date.parse(event.time) };
  if (person !== undefined && isStaleEvent(person, incoming)) {
    await scope.inbox.record({ ...inboxEntry, outcome: 'stale' });
    return 'stale';
  }

  const pending = person === undefined ? [] : await scope.outbox.pendingFor(personId);
  const plan = planHrEvent({ event, person, pending, policy, now });
  if (plan.cancel !== undefined) await scope.outbox.cancel(plan.cancel.ids, plan.cancel.reason, now);
  await scope.people.save(plan.person, now);
  const planned: PlannedCommand[] = plan.steps.map((step, index) => ({
    command: step.command,
    // One key per intended effect: this event's n-th command. A replay of the event is caught by
    // the inbox first; the key also stops a second enqueue if the same plan is ever rebuilt.
    idempotencyKey: `${event.source}|${event.id}|${index}|${step.command.kind}`,
    ...(step.notBefore === undefined ? {} : { notBefore: step.notBefore }),
    ...(step.precondition === undefined ? {} : { precondition: step.precondition }),
  }));
  await scope.outbox.enqueue(personId, planned, now);
  await scope.inbox.record({ ...inboxEntry, outcome: 'applied' });
  return 'applied';
}
