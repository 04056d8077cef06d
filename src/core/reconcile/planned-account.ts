import type { LastPassAccount } from '../account.ts';
import type { PersonRecord } from '../ports.ts';
import type { DirectoryUser } from './directory.ts';

/**
 * The account lpprov plans for a person with no unfinished commands. The stored account stays as
 * it was when a leaver's removal or deletion after the grace period has run, so, as the planner
 * does (plan-hr-event.ts, `accountNow`), a leaver past the grace period and not on legal hold has
 * no account any more.
 */
export function settledAccount(person: PersonRecord, now: number): LastPassAccount | undefined {
  const account = person.lastpass;
  const lifecycle = person.lifecycle;
  if (account === undefined || lifecycle === undefined) return account;
  const graceOver = lifecycle.graceEndsAt !== undefined && now >= lifecycle.graceEndsAt && !lifecycle.legalHold;
  return lifecycle.state === 'terminated' && graceOver ? undefined : account;
}

/** A LastPass user as a planned account; unknown groups (an invitation-only listing) count as none. */
export function accountOf(user: DirectoryUser): LastPassAccount {
  return { username: user.username, fullname: user.fullname ?? '', groups: [...(user.groups ?? [])], disabled: user.disabled };
}

/**
 * The person as the planner should see them when LastPass already has their account but lpprov has
 * planned none: the same record with that account, or a record for someone new. The planner then
 * diffs against the account (groups, enable) instead of inviting the person again.
 */
export function withExistingAccount(person: PersonRecord | undefined, personId: string, account: LastPassAccount): PersonRecord {
  if (person !== undefined) return { ...person, lastpass: account };
  return {
    personId,
    desired: { username: account.username, fullname: account.fullname, groups: [], active: !account.disabled },
    lastpass: account,
    lifecycle: undefined,
    lastSequence: undefined,
    lastEventTime: undefined,
  };
}
