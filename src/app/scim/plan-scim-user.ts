import { type ScimUserChange, scimUserChange } from '../../core/events/scim-user-event.ts';
import type { TransactionScope } from '../../core/ports.ts';
import type { IdpKind, ScimUserRecord } from '../../core/scim.ts';
import { applyPersonChange } from '../apply-person-change.ts';
import type { ScimPlanning } from './scim-deps.ts';
import { ScimInputRefused } from './scim-errors.ts';

/**
 * Turns a stored SCIM user change into the planner's domain change and applies it through the same path
 * as HR events, in the caller's transaction (so the SCIM write and its commands commit together).
 */
export async function planScimUser(
  scope: TransactionScope,
  planning: ScimPlanning,
  idp: IdpKind,
  change: ScimUserChange,
  record: ScimUserRecord,
  previous: ScimUserRecord | undefined,
  now: number,
  groups?: readonly string[],
): Promise<void> {
  const groupNames = groups ?? (await scope.scimGroups.groupsOf(record.id)).map((g) => g.displayName);
  const built = scimUserChange({ record, previous, change, idp, groups: groupNames, now });
  if (!built.ok) {
    // A user created or changed into one LastPass cannot have is refused (the IdP shows the
    // error). A delete, or a replan after a group change, of a user stored before lpprov refused
    // them has nothing to provision: it is skipped.
    if (change === 'deleted' || planning.replan === true) return;
    const where = change === 'created' ? refusedCreate(record.userName) : `Users/${record.id}`;
    throw new ScimInputRefused(`${built.reason} (lpprov provisions SCIM users to LastPass, which keys accounts by email)`, {
      source: `scim://${idp}/${where}`,
      reason: `not provisioned to LastPass: ${built.reason}`,
      raw: JSON.stringify({ id: change === 'created' ? undefined : record.id, userName: record.userName, change, resource: record.resource }),
      createdAt: now,
    });
  }
  // An earlier refusal of this user is settled: the IdP sent it again, fixed.
  await scope.deadLetters.resolveOpen(
    [`scim://${idp}/Users/${record.id}`, `scim://${idp}/${refusedCreate(record.userName)}`],
    'provisioned: the identity provider sent the user again with an email address',
    now,
  );
  await applyPersonChange(scope, planning.policy, built.change, now, planning.correlationId);
}

function refusedCreate(userName: string): string {
  return `Users?userName=${encodeURIComponent(userName)}`;
}

/**
 * Users whose groups changed (membership or a rename): bump each version, as the derived `groups`
 * attribute changed, and plan again so LastPass groups follow when the IdP decides them.
 */
export async function replanMembers(
  scope: TransactionScope,
  planning: ScimPlanning,
  idp: IdpKind,
  userIds: Iterable<string>,
  now: number,
  touch: (record: ScimUserRecord) => Promise<ScimUserRecord>,
): Promise<void> {
  for (const userId of new Set(userIds)) {
    const current = await scope.scimUsers.get(userId);
    if (current === undefined) continue;
    // The version moves whatever the policy says: it is the user's ETag.
    const touched = await touch(current);
    if (planning.policy.authority.groups === 'idp') await planScimUser(scope, { ...planning, replan: true }, idp, 'updated', touched, current, now);
  }
}
