import { planAccount } from '../core/account-planner.ts';
import { isStaleEvent } from '../core/events/event-order.ts';
import { desiredAccountFromHr } from '../core/events/desired-account-from-hr.ts';
import type { HrEvent } from '../core/events/hr-event.ts';
import type { Clock, PlannedCommand, TransactionScope, UnitOfWork } from '../core/ports.ts';
import type { HrInput, HrInputResult } from './hr-input.ts';

export interface ApplyHrInputsDeps {
  readonly unitOfWork: UnitOfWork;
  readonly clock: Clock;
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
        results.push(await applyEvent(scope, input.event, now));
      }
    }
    return results;
  });
}

async function applyEvent(scope: TransactionScope, event: HrEvent, now: number): Promise<HrInputResult> {
  if (await scope.inbox.has(event.source, event.id)) return 'duplicate';

  const personId = event.data.worker.person_id;
  const person = await scope.people.get(personId);
  const sequence = event.sequence === undefined ? undefined : Number(event.sequence);
  const eventTime = Date.parse(event.time);
  const inboxEntry = { source: event.source, eventId: event.id, personId, eventType: event.type, receivedAt: now };

  if (person !== undefined && isStaleEvent(person, { sequence, time: eventTime })) {
    await scope.inbox.record({ ...inboxEntry, outcome: 'stale' });
    return 'stale';
  }

  const desired = desiredAccountFromHr(event);
  const plan = planAccount(desired, person?.lastpass);
  const planned: PlannedCommand[] = plan.commands.map((command, index) => ({
    command,
    // One key per intended effect: this event's n-th command. A replay of the event is caught by
    // the inbox first; the key also stops a second enqueue if the same plan is ever rebuilt.
    idempotencyKey: `${event.source}|${event.id}|${index}|${command.kind}`,
  }));
  await scope.people.save(
    {
      personId,
      desired,
      lastpass: plan.next,
      lastSequence: sequence ?? person?.lastSequence,
      lastEventTime: Math.max(eventTime, person?.lastEventTime ?? eventTime),
    },
    now,
  );
  await scope.outbox.enqueue(personId, planned, now);
  await scope.inbox.record({ ...inboxEntry, outcome: 'applied' });
  return 'applied';
}
