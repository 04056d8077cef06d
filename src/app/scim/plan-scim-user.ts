import { type ScimUserChange, scimUserEvent } from '../../core/events/scim-user-event.ts';
import type { TransactionScope } from '../../core/ports.ts';
import type { IdpKind, ScimUserRecord } from '../../core/scim.ts';
import { applyCanonicalEvent } from '../apply-canonical-event.ts';
import type { ScimPlanning } from './scim-deps.ts';

/**
 * Turns a stored SCIM user change into the canonical event and applies it through the same path
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
  const built = scimUserEvent({ record, previous, change, idp, groups: groupNames, now });
  if (!built.ok) {
    // The IdP may keep users LastPass cannot have (no email address). SCIM still stores them,
    // so the IdP's view stays consistent; the reason is kept where operators look for refusals.
    await scope.deadLetters.add({
      source: `scim://${idp}/Users/${record.id}`,
      reason: `not provisioned to LastPass: ${built.reason}`,
      raw: JSON.stringify({ id: record.id, userName: record.userName, change }),
      createdAt: now,
    });
    return;
  }
  await applyCanonicalEvent(scope, planning.policy, built.event, now, planning.correlationId);
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
    if (planning.policy.authority.groups === 'idp') await planScimUser(scope, planning, idp, 'updated', touched, current, now);
  }
}
