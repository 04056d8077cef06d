import type { PersonChange } from '../../core/events/person-change.ts';
import type { Policy } from '../../core/policy/policy.ts';
import { populationOf } from '../../core/policy/resolve.ts';
import type { PersonRecord, TransactionScope } from '../../core/ports.ts';
import { accountOf, withExistingAccount } from '../../core/planned-account.ts';

/**
 * The person as planning should see them. Someone lpprov has planned no account for, but whose
 * email LastPass already has (as of the last reconciliation's snapshot), gets that account as
 * their current one: the planner then corrects it (groups, enable) instead of sending `batchadd`
 * for an existing user, whose effect LastPass does not document. People in a population lpprov
 * does not manage are left alone (their planned account must stay empty).
 */
export async function adoptFromSnapshot(
  scope: TransactionScope,
  policy: Policy,
  person: PersonRecord | undefined,
  change: PersonChange,
): Promise<PersonRecord | undefined> {
  if (person?.lastpass !== undefined || !populationOf(policy, change.facts).manage) return person;
  const existing = await scope.lastpassSnapshot.find(change.worker.email.work);
  return existing === undefined ? person : withExistingAccount(person, change.personId, accountOf(existing));
}
