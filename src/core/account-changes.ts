import type { DesiredAccount, LastPassAccount } from './account.ts';
import type { AddUserCommand } from './commands.ts';
import { isManagedGroup, type Policy } from './policy/policy.ts';

/**
 * The account rules the planner and reconciliation share: what an invitation carries, which
 * groups are lpprov's to add and take away, and how a group change is described.
 */

/** The `batchadd` for a new account: the desired name and groups, and the joiner password policy. */
export function invitation(policy: Pick<Policy, 'joiner'>, account: Pick<DesiredAccount, 'username' | 'fullname' | 'groups'>): AddUserCommand {
  return {
    kind: 'add_user',
    username: account.username,
    fullname: account.fullname,
    groups: [...account.groups],
    ...(policy.joiner.defaultPassword ? { defaultPassword: true, passwordResetRequired: policy.joiner.passwordResetRequired } : {}),
  };
}

export interface GroupChange {
  readonly add: readonly string[];
  readonly del: readonly string[];
}

/**
 * Whether lpprov may add or take away this group: managed by the policy, or, with group
 * authority `idp`, one the identity provider gave the person. With authority `none`, nothing.
 */
export function ownsGroup(policy: Policy, desiredGroups: readonly string[], group: string): boolean {
  if (policy.authority.groups === 'none') return false;
  return isManagedGroup(policy, group) || (policy.authority.groups === 'idp' && desiredGroups.includes(group));
}

/**
 * The change that takes the groups an account has to the ones wanted: the wanted groups it lacks,
 * and the groups lpprov owns that are not wanted. Groups lpprov does not own are never touched.
 * `owned` is asked about groups the account has (a group the IdP gave before and took away since
 * is lpprov's to remove).
 */
export function groupChange(policy: Policy, have: readonly string[], want: readonly string[], owned: (group: string) => boolean): GroupChange {
  if (policy.authority.groups === 'none') return { add: [], del: [] };
  return {
    add: want.filter((g) => !have.includes(g)).sort(),
    del: have.filter((g) => owned(g) && !want.includes(g)).sort(),
  };
}

/** The groups an account ends up in after a change: what it kept that lpprov does not own, plus the wanted ones. */
export function groupsAfter(have: readonly string[], change: GroupChange): string[] {
  return [...new Set([...have.filter((g) => !change.del.includes(g)), ...change.add])].sort();
}

export function hasChanges(change: GroupChange): boolean {
  return change.add.length > 0 || change.del.length > 0;
}

/** A group change in words: `+hr-eng -hr-old`. */
export function describeGroupChange(change: GroupChange): string {
  return [...change.add.map((g) => `+${g}`), ...change.del.map((g) => `-${g}`)].join(' ');
}

/** True when the account is under this username now, or will be once a pending email change is confirmed. */
export function knownAs(account: LastPassAccount, username: string): boolean {
  const wanted = username.toLowerCase();
  return account.username.toLowerCase() === wanted || account.pendingEmail?.toLowerCase() === wanted;
}
