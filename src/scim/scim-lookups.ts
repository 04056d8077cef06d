import type { ScimDeps } from '../app/scim/scim-deps.ts';
import { groupsOfUser, listScimGroups, listScimUsers } from '../app/scim/scim-reads.ts';
import type { StoreFilter } from './filter/store-filter.ts';
import type { GroupRef } from './user-representation.ts';

const CHUNK = 100;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

function anyOf(filters: StoreFilter[]): StoreFilter {
  return filters.length === 1 ? (filters[0] as StoreFilter) : { kind: 'or', filters };
}

/** Which of `ids` are stored users: one query per hundred ids, not one per id. */
export async function knownUserIds(deps: ScimDeps, ids: readonly string[]): Promise<Set<string>> {
  const known = new Set<string>();
  for (const batch of chunks([...new Set(ids)])) {
    const filter = anyOf(batch.map((id): StoreFilter => ({ kind: 'compare', field: 'id', op: 'eq', value: id })));
    const page = await listScimUsers(deps, { filter, startIndex: 1, count: batch.length });
    for (const user of page.items) known.add(user.id);
  }
  return known;
}

/** The groups of one user, for its `groups` attribute. */
export async function groupRefsOfUser(deps: ScimDeps, userId: string): Promise<GroupRef[]> {
  return (await groupsOfUser(deps, userId)).map((g) => ({ id: g.id, displayName: g.displayName }));
}

/**
 * The groups of each user of a page, with one membership query for the page instead of one per
 * user (`members.value eq` each id, paged through).
 */
export async function groupRefsOfUsers(deps: ScimDeps, userIds: readonly string[]): Promise<Map<string, GroupRef[]>> {
  const refs = new Map<string, GroupRef[]>(userIds.map((id) => [id, []]));
  for (const batch of chunks(userIds)) {
    const inBatch = new Set(batch);
    const filter: StoreFilter = {
      kind: 'any',
      collection: 'members',
      filter: anyOf(batch.map((id): StoreFilter => ({ kind: 'compare', field: 'value', op: 'eq', value: id }))),
    };
    for (let startIndex = 1; ; ) {
      const page = await listScimGroups(deps, { filter, startIndex, count: 500 });
      for (const group of page.items) {
        for (const memberId of group.memberIds) {
          if (inBatch.has(memberId)) refs.get(memberId)?.push({ id: group.id, displayName: group.displayName });
        }
      }
      startIndex += page.items.length;
      if (page.items.length === 0 || startIndex > page.total) break;
    }
  }
  return refs;
}
