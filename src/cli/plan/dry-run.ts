import { randomUUID } from 'node:crypto';

import { applyHrInputs } from '../../app/apply-hr-inputs.ts';
import { DryRunUnitOfWork } from '../../app/dry-run-unit-of-work.ts';
import type { Policy } from '../../core/policy/policy.ts';
import type { Clock } from '../../core/ports.ts';
import { type SqlDatabase, toNumber } from '../../db/sql-database.ts';
import type { Logger } from '../../observability/logger.ts';
import type { PlanInput } from './plan-input.ts';
import { type Effects, effectsOf, hrOutcome, type InputReport } from './plan-report.ts';
import { withRolledBackTransaction } from './rolled-back-transaction.ts';
import { startScimLoopback, type ScimLoopback } from './scim-loopback.ts';
import { bulkIdReferences, withBulkIds } from './scim-request.ts';

export interface DryRunOptions {
  readonly policy: Policy;
  /** The planning clock: every input is planned at this instant. */
  readonly at: number;
  readonly logger: Logger;
}

/**
 * Applies the inputs in file order through lpprov's own use cases (HR events through
 * applyHrInputs, SCIM requests through the SCIM endpoint) inside one transaction of `db` that is
 * rolled back at the end, and reports what each input would have done. Inbox dedupe, staleness,
 * authority and cancellations all run as they would for real, and each input sees the earlier ones.
 */
export async function dryRun(db: SqlDatabase, inputs: readonly PlanInput[], options: DryRunOptions): Promise<InputReport[]> {
  return withRolledBackTransaction(db, async (inner, tx) => {
    // Outbox ids above this one were handed out inside the dry run: they vanish with the rollback.
    const [newest] = await tx.query<{ id: unknown }>('SELECT MAX(id) AS id FROM outbox');
    const lastRealId = newest?.id == null ? 0 : toNumber(newest.id);
    const unitOfWork = new DryRunUnitOfWork(inner);
    const clock: Clock = { now: () => options.at };
    const scim = inputs.some((input) => input.kind === 'scim')
      ? await startScimLoopback({ unitOfWork, clock, policy: options.policy, newId: randomUUID }, options.logger)
      : undefined;
    try {
      const createdIds = new Map<string, string>();
      const reports: InputReport[] = [];
      for (const input of inputs) {
        if (input.kind === 'hr_event') {
          const [result] = await applyHrInputs({ unitOfWork, clock, policy: options.policy }, [{ kind: 'event', event: input.event }]);
          if (result === undefined) throw new Error('applyHrInputs gave no result for the event');
          const effects = effectsOf(unitOfWork.take(), lastRealId);
          const { event } = input;
          reports.push({
            kind: 'hr_event',
            where: input.where,
            type: event.type,
            id: event.id,
            source: event.source,
            personId: event.data.worker.person_id,
            outcome: hrOutcome(result, effects, event.source, event.id),
            effects,
          });
        } else if (scim !== undefined) {
          reports.push(await sendScim(scim, input, createdIds, () => effectsOf(unitOfWork.take(), lastRealId)));
        }
      }
      return reports;
    } finally {
      await scim?.close();
    }
  });
}

async function sendScim(
  scim: ScimLoopback,
  input: Extract<PlanInput, { kind: 'scim' }>,
  createdIds: Map<string, string>,
  effects: () => Effects,
): Promise<InputReport> {
  const request = withBulkIds(input.request, createdIds);
  const missing = bulkIdReferences(input.request).filter((name) => !createdIds.has(name));
  if (missing.length > 0) {
    return {
      kind: 'scim',
      where: input.where,
      request: input.request,
      sentPath: request.path,
      response: undefined,
      notSent: `not sent: ${missing.map((name) => `bulkId:${name}`).join(', ')} was not created`,
      effects: effects(),
    };
  }
  const response = await scim.send(request);
  const id = typeof response.body === 'object' && response.body !== null && 'id' in response.body ? response.body.id : undefined;
  if (input.request.bulkId !== undefined && response.status === 201 && typeof id === 'string') createdIds.set(input.request.bulkId, id);
  return {
    kind: 'scim',
    where: input.where,
    request: input.request,
    sentPath: request.path,
    response,
    notSent: undefined,
    effects: effects(),
  };
}
