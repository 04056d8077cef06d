import type { ScimGroupRecord, ScimListQuery, ScimPage, ScimUserRecord } from '../../core/scim.ts';
import type { ScimDeps } from './scim-deps.ts';

type ReadDeps = Pick<ScimDeps, 'unitOfWork'>;

export function getScimUser(deps: ReadDeps, id: string): Promise<ScimUserRecord | undefined> {
  return deps.unitOfWork.read((scope) => scope.scimUsers.get(id));
}

export function listScimUsers(deps: ReadDeps, query: ScimListQuery): Promise<ScimPage<ScimUserRecord>> {
  return deps.unitOfWork.read((scope) => scope.scimUsers.list(query));
}

export function getScimGroup(deps: ReadDeps, id: string): Promise<ScimGroupRecord | undefined> {
  return deps.unitOfWork.read((scope) => scope.scimGroups.get(id));
}

export function listScimGroups(deps: ReadDeps, query: ScimListQuery): Promise<ScimPage<ScimGroupRecord>> {
  return deps.unitOfWork.read((scope) => scope.scimGroups.list(query));
}

export function groupsOfUser(deps: ReadDeps, userId: string): Promise<ScimGroupRecord[]> {
  return deps.unitOfWork.read((scope) => scope.scimGroups.groupsOf(userId));
}
