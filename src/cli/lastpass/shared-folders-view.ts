import type { SharedFolder, SharedFolderMember } from '../../lastpass/index.ts';

import { plural } from './output.ts';
import { renderTable, type Row } from './table.ts';

/** Folders by name, members by username, for a stable listing. */
export function sortedFolders(folders: readonly SharedFolder[]): SharedFolder[] {
  return [...folders]
    .map((folder) => ({ ...folder, members: [...folder.members].sort((a, b) => a.username.localeCompare(b.username)) }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/** "read-only" or "read-write", then the rights beyond that (reference §2.9). */
export function permissionsOf(member: SharedFolderMember): string {
  return [
    member.readOnly ? 'read-only' : 'read-write',
    ...(member.give ? ['can share'] : []),
    ...(member.canAdminister ? ['manage'] : []),
    ...(member.superAdmin ? ['super admin'] : []),
  ].join(', ');
}

/** One row per member; the folder's name, id and score only on its first row, so folders stand out. */
export function renderSharedFolders(folders: readonly SharedFolder[], detailed: boolean): string {
  if (folders.length === 0) return 'No shared folders.\n';
  const headers = ['FOLDER', 'ID', 'SCORE', 'MEMBER', 'PERMISSIONS', ...(detailed ? ['SITES'] : [])];
  const rows: Row[] = folders.flatMap((folder) => {
    const head = [
      folder.deleted ? `${folder.name} (deleted)` : folder.name,
      folder.id,
      folder.score === null ? '' : String(folder.score),
    ];
    const blank = ['', '', ''];
    if (folder.members.length === 0) return [[...head, '-', '', ...(detailed ? [''] : [])]];
    return folder.members.map((member, index) => [
      ...(index === 0 ? head : blank),
      member.username,
      permissionsOf(member),
      ...(detailed ? [(member.sites ?? []).join(', ')] : []),
    ]);
  });
  const members = folders.reduce((sum, folder) => sum + folder.members.length, 0);
  return `${renderTable(headers, rows)}\n${plural(folders.length, 'shared folder')}, ${plural(members, 'membership')}\n`;
}
