import type { LastPassGroup } from '../../lastpass/index.ts';

import { plural } from './output.ts';
import { renderTable } from './table.ts';

export interface GroupEntry {
  readonly name: string;
  readonly memberCount: number;
  readonly members: readonly string[];
}

/** Groups by name, members sorted and without repeats (pages may repeat a member). */
export function groupEntries(groups: readonly LastPassGroup[]): GroupEntry[] {
  return groups
    .map((group) => {
      const members = [...new Set(group.members)].sort((a, b) => a.localeCompare(b));
      return { name: group.name, memberCount: members.length, members };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function renderGroups(entries: readonly GroupEntry[]): string {
  // LastPass lists a group only through its members, so an empty group never shows.
  if (entries.length === 0) return 'No groups with members.\n';
  const table = renderTable(
    ['GROUP', 'MEMBERS'],
    entries.map((entry) => [entry.name, String(entry.memberCount)]),
  );
  return `${table}\n${plural(entries.length, 'group')}\n`;
}
