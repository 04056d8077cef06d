import type { IdpKind, ScimUserRecord } from '../../core/scim.ts';
import { VersionConflict, withRetryOnConflict } from './optimistic.ts';
import { planScimUser } from './plan-scim-user.ts';
import type { ScimDeps, ScimResourceBody } from './scim-deps.ts';
import { recordingRefusals, ScimChangeError } from './scim-errors.ts';

/** Creates a SCIM user and plans its account, in one transaction. */
export async function createScimUser(deps: ScimDeps, idp: IdpKind, body: ScimResourceBody): Promise<ScimUserRecord> {
  const record = await recordingRefusals(deps.unitOfWork, () => deps.unitOfWork.run(async (scope) => {
    const now = deps.clock.now();
    const userName = requiredUserName(body);
    if ((await scope.scimUsers.findByUserName(userName)) !== undefined) {
      throw new ScimChangeError('uniqueness', `userName "${userName}" is already taken`);
    }
    const created: ScimUserRecord = {
      id: deps.newId(),
      userName,
      externalId: optionalText(body.externalId),
      active: body.active !== false,
      resource: stored(body),
      created: now,
      lastModified: now,
      version: 1,
    };
    await scope.scimUsers.insert(created);
    await planScimUser(scope, deps, idp, 'created', created, undefined, now);
    return created;
  }));
  deps.onCommitted?.();
  return record;
}

/**
 * Replaces a SCIM user (PUT, and PATCH once applied): `next` computes the new body from the
 * current record inside the transaction, and is run again if another writer got there first.
 */
export async function replaceScimUser(
  deps: ScimDeps,
  idp: IdpKind,
  id: string,
  next: (current: ScimUserRecord) => ScimResourceBody | Promise<ScimResourceBody>,
): Promise<ScimUserRecord> {
  let changed = false;
  const record = await recordingRefusals(deps.unitOfWork, () => withRetryOnConflict(() =>
    deps.unitOfWork.run(async (scope) => {
      const now = deps.clock.now();
      const current = await scope.scimUsers.get(id);
      if (current === undefined) throw new ScimChangeError('not_found', `User ${id} not found`);
      const body = await next(current);
      const userName = requiredUserName(body);
      if (userName.toLowerCase() !== current.userName.toLowerCase()) {
        const holder = await scope.scimUsers.findByUserName(userName);
        if (holder !== undefined && holder.id !== id) throw new ScimChangeError('uniqueness', `userName "${userName}" is already taken`);
      }
      const proposed = {
        userName,
        externalId: optionalText(body.externalId),
        // A PUT that leaves `active` out does not deactivate (Okta sends such PUTs).
        active: typeof body.active === 'boolean' ? body.active : current.active,
        resource: stored(body),
      };
      // A replace that changes nothing keeps the version (the ETag) and plans nothing.
      if (sameUser(current, proposed)) return current;
      changed = true;
      const updated: ScimUserRecord = { ...current, ...proposed, lastModified: now, version: current.version + 1 };
      if (!(await scope.scimUsers.update(updated, current.version))) throw new VersionConflict();
      await planScimUser(scope, deps, idp, 'updated', updated, current, now);
      return updated;
    }),
  ));
  if (changed) deps.onCommitted?.();
  return record;
}

/** Deletes a SCIM user: out of every group, and planned as a leaver asking for a hard delete. */
export async function deleteScimUser(deps: ScimDeps, idp: IdpKind, id: string): Promise<void> {
  await deps.unitOfWork.run(async (scope) => {
    const now = deps.clock.now();
    const current = await scope.scimUsers.get(id);
    if (current === undefined) throw new ScimChangeError('not_found', `User ${id} not found`);
    const groups = (await scope.scimGroups.groupsOf(id)).map((g) => g.displayName);
    await scope.scimGroups.removeMemberEverywhere(id);
    await scope.scimUsers.delete(id);
    await planScimUser(scope, deps, idp, 'deleted', current, current, now, groups);
  });
  deps.onCommitted?.();
}

function sameUser(
  current: ScimUserRecord,
  proposed: Pick<ScimUserRecord, 'userName' | 'externalId' | 'active' | 'resource'>,
): boolean {
  return (
    current.userName === proposed.userName &&
    current.externalId === proposed.externalId &&
    current.active === proposed.active &&
    JSON.stringify(current.resource) === JSON.stringify(proposed.resource)
  );
}

function requiredUserName(body: ScimResourceBody): string {
  const userName = optionalText(body.userName);
  if (userName === undefined) throw new ScimChangeError('invalid_value', 'userName is required');
  return userName;
}

function optionalText(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** What is stored: the body without what the server derives (id, meta, groups). */
function stored(body: ScimResourceBody): Record<string, unknown> {
  const { id: _id, meta: _meta, groups: _groups, ...rest } = body;
  return rest;
}
