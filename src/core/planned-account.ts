import type { LastPassAccount } from './account.ts';
import type { PersonRecord } from './ports.ts';
import type { DirectoryUser } from './reconcile/directory.ts';

/**
 * The person's planned account, if it still exists at `now`. A planned account is kept until the
 * step that ends it (a removal, deletion or withdrawn invitation; `Lifecycle.accountEndsAt`) has
 * run: once its time has passed and it is no longer waiting to be sent, the account is gone.
 * Legal hold keeps it. Rows written before `accountEndsAt` existed end at the grace period.
 */
export function existingAccount(person: PersonRecord | undefined, now: number, removalUnsent: boolean): LastPassAccount | undefined {
  const account = person?.lastpass;
  const lifecycle = person?.lifecycle;
  if (account === undefined || lifecycle === undefined) return account;
  const endsAt = lifecycle.accountEndsAt ?? (lifecycle.state === 'terminated' ? lifecycle.graceEndsAt : undefined);
  const ended = endsAt !== undefined && now >= endsAt && !lifecycle.legalHold && !removalUnsent;
  return ended ? undefined : account;
}

/** The account lpprov plans for a person with no unfinished commands (reconciliation's view). */
export function settledAccount(person: PersonRecord, now: number): LastPassAccount | undefined {
  return existingAccount(person, now, false);
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
