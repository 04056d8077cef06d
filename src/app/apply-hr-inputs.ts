import type { Policy } from '../core/policy/policy.ts';
import type { Clock, UnitOfWork } from '../core/ports.ts';
import { applyPersonChange } from './apply-person-change.ts';
import { changeOfHrEvent } from '../core/events/person-change.ts';
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
        results.push(await applyPersonChange(scope, deps.policy, changeOfHrEvent(input.event), now, input.correlationId));
      }
    }
    return results;
  });
}
