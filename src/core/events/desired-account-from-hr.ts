import type { DesiredAccount } from '../account.ts';
import type { HrEvent } from './hr-event.ts';

/**
 * The account an HR snapshot asks for. Group rules and leaver policy come with the policy model;
 * until then a worker gets no managed groups and loses access when terminated.
 */
export function desiredAccountFromHr(event: HrEvent): DesiredAccount {
  const { worker } = event.data;
  const fullname =
    worker.name.display ?? [worker.name.given, worker.name.family].filter((p) => p !== undefined && p !== '').join(' ');
  return {
    username: worker.email.work.toLowerCase(),
    fullname,
    groups: [],
    active: worker.employment_status !== 'terminated',
  };
}
