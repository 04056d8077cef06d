import type { TransactionScope } from '../../core/ports.ts';
import type { IdpKind, ScimGroupRecord, ScimUserRecord } from '../../core/scim.ts';
import { VersionConflict, withRetryOnConflict } from './optimistic.ts';
import { replanMembers } from './plan-scim-user.ts';
import type { ScimDeps, ScimResourceBody } from './scim-deps.ts';
import { ScimChangeError } from './scim-errors.ts';

/** Creates a SCIM group; with IdP group authority its members get the LastPass group. */
export async function createScimGroup(
  deps: ScimDeps,
  idp: IdpKind,
  body: ScimResourceBody,
  memberIds: readonly string[],
): Promise<ScimGroupRecord> {
  const record = await withRetryOnConflict(() =>
    deps.unitOfWork.run(async (scope) => {
      const now = deps.clock.now();
      const displayName = requiredDisplayName(body);
      if ((await scope.scimGroups.findByDisplayName(displayName)) !== undefined) {
        throw new ScimChangeError('uniqueness', `a group named "${displayName}" already exists`);
      }
      const members = await existingMembers(scope, memberIds);
      const created: ScimGroupRecord = {
        id: deps.newId(),
        displayName,
        externalId: optionalText(body.externalId),
        resource: stored(body),
        memberIds: members,
        created: now,
        lastModified: now,
        version: 1,
      };
      await scope.scimGroups.insert(created);
      await replanMembers(scope, deps, idp, members, now, touch(scope, now));
      return created;
    }),
  );
  deps.onCommitted?.();
  return record;
}

/**
 * Replaces a group (PUT, and PATCH once applied). Members are compared with what is stored, so
 * only the people added or removed are planned again; a rename plans every member again (their
 * LastPass group follows the new name).
 */
export async function replaceScimGroup(
  deps: ScimDeps,
  idp: IdpKind,
  id: string,
  next: (
    current: ScimGroupRecord,
  ) =>
    | { body: ScimResourceBody; memberIds: readonly string[] }
    | Promise<{ body: ScimResourceBody; memberIds: readonly string[] }>,
): Promise<{ record: ScimGroupRecord; changed: boolean }> {
  const result = await withRetryOnConflict(() =>
    deps.unitOfWork.run(async (scope) => {
      const now = deps.clock.now();
      const current = await scope.scimGroups.get(id);
      if (current === undefined) throw new ScimChangeError('not_found', `Group ${id} not found`);
      const proposed = await next(current);
      const displayName = requiredDisplayName(proposed.body);
      if (displayName.toLowerCase() !== current.displayName.toLowerCase()) {
        const holder = await scope.scimGroups.findByDisplayName(displayName);
        if (holder !== undefined && holder.id !== id) throw new ScimChangeError('uniqueness', `a group named "${displayName}" already exists`);
      }
      const members = await existingMembers(scope, proposed.memberIds);
      const resource = stored(proposed.body);
      const renamed = displayName !== current.displayName;
      const added = members.filter((m) => !current.memberIds.includes(m));
      const removed = current.memberIds.filter((m) => !members.includes(m));
      const changed = renamed || added.length > 0 || removed.length > 0 || JSON.stringify(resource) !== JSON.stringify(current.resource);
      if (!changed) return { record: current, changed: false };
      const updated: ScimGroupRecord = {
        ...current,
        displayName,
        externalId: optionalText(proposed.body.externalId),
        resource,
        memberIds: members,
        lastModified: now,
        version: current.version + 1,
      };
      if (!(await scope.scimGroups.update(updated, current.version))) throw new VersionConflict();
      await replanMembers(scope, deps, idp, renamed ? [...members, ...removed] : [...added, ...removed], now, touch(scope, now));
      return { record: updated, changed: true };
    }),
  );
  deps.onCommitted?.();
  return result;
}

/** Deletes a group; with IdP group authority its members leave the LastPass group. */
export async function deleteScimGroup(deps: ScimDeps, idp: IdpKind, id: string): Promise<void> {
  await withRetryOnConflict(() =>
    deps.unitOfWork.run(async (scope) => {
      const now = deps.clock.now();
      const current = await scope.scimGroups.get(id);
      if (current === undefined) throw new ScimChangeError('not_found', `Group ${id} not found`);
      await scope.scimGroups.delete(id);
      await replanMembers(scope, deps, idp, current.memberIds, now, touch(scope, now));
    }),
  );
  deps.onCommitted?.();
}

/** Member ids, each once, in order; an id that is not a user is refused (RFC 7644 §3.5.2). */
async function existingMembers(scope: TransactionScope, memberIds: readonly string[]): Promise<string[]> {
  const unique = [...new Set(memberIds)];
  for (const memberId of unique) {
    if ((await scope.scimUsers.get(memberId)) === undefined) {
      throw new ScimChangeError('invalid_value', `member ${memberId} is not a known User`);
    }
  }
  return unique;
}

/** Bumps a member's version: its derived `groups` attribute changed. */
function touch(scope: TransactionScope, now: number): (record: ScimUserRecord) => Promise<ScimUserRecord> {
  return async (record) => {
    const touched = { ...record, lastModified: now, version: record.version + 1 };
    if (!(await scope.scimUsers.update(touched, record.version))) throw new VersionConflict();
    return touched;
  };
}

function requiredDisplayName(body: ScimResourceBody): string {
  const displayName = optionalText(body.displayName);
  if (displayName === undefined) throw new ScimChangeError('invalid_value', 'displayName is required');
  return displayName;
}

function optionalText(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function stored(body: ScimResourceBody): Record<string, unknown> {
  const { id: _id, meta: _meta, members: _members, ...rest } = body;
  return rest;
}
