import { mapEntries, sameUsername, toNumber, toTextList, type JsonRecord } from './coerce.ts';
import { normaliseUser, type LastPassUser } from './normalise-user.ts';

export interface LastPassGroup {
  readonly name: string;
  readonly members: readonly string[];
}

/** `getuserdata` with `Users` (keyed by id) turned into a list and `[]` read as an empty map. */
export interface UserData {
  /** Users matching the query overall, when LastPass said (older servers do not). */
  readonly total: number | null;
  readonly users: readonly LastPassUser[];
  readonly groups: readonly LastPassGroup[];
  /** Emails with a pending invitation. */
  readonly invited: readonly string[];
}

export interface UserDataPage extends UserData {
  /** Users in this page (`count`), or the number of users read when LastPass did not say. */
  readonly count: number;
}

export function normaliseUserDataPage(body: JsonRecord): UserDataPage {
  const groups = mapEntries(body['Groups']).map(([name, members]) => ({ name, members: toTextList(members) }));
  const groupsOf = (username: string): string[] =>
    groups.filter((group) => group.members.some((member) => sameUsername(member, username))).map((g) => g.name);
  const users = mapEntries(body['Users']).flatMap(([id, raw]) => {
    const user = normaliseUser(id, raw, groupsOf);
    return user === undefined ? [] : [user];
  });
  return {
    total: toNumber(body['total']),
    count: toNumber(body['count']) ?? users.length,
    users,
    groups,
    invited: toTextList(body['invited']),
  };
}

/** Pages joined: users by id, group members and invitations without repeats. */
export function mergeUserData(pages: readonly UserData[]): UserData {
  const users = new Map<string, LastPassUser>();
  const groups = new Map<string, Set<string>>();
  const invited = new Set<string>();
  for (const page of pages) {
    for (const user of page.users) users.set(user.id, user);
    for (const group of page.groups) {
      const members = groups.get(group.name) ?? new Set<string>();
      for (const member of group.members) members.add(member);
      groups.set(group.name, members);
    }
    for (const email of page.invited) invited.add(email);
  }
  return {
    total: pages.at(-1)?.total ?? null,
    users: [...users.values()],
    groups: [...groups].map(([name, members]) => ({ name, members: [...members] })),
    invited: [...invited],
  };
}
