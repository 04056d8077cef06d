import { isRecord, mapEntries, toBoolean, toNumber, toText, toTextList } from './coerce.ts';

/** A member of a shared folder; 0/1, "0"/"1" and booleans all arrive for the flags (reference §2.9). */
export interface SharedFolderMember {
  readonly username: string;
  readonly readOnly: boolean;
  /** May share the folder onward. */
  readonly give: boolean;
  readonly canAdminister: boolean;
  readonly superAdmin: boolean;
  /** Domains the member sees in the folder; only `getdetailedsfdata` sends them. */
  readonly sites?: readonly string[];
}

export interface SharedFolder {
  /** Shared-folder id, the key the folder arrives under. */
  readonly id: string;
  readonly name: string;
  readonly score: number | null;
  readonly deleted: boolean;
  readonly members: readonly SharedFolderMember[];
}

/** `getsfdata`/`getdetailedsfdata`: a map keyed by folder id (or `[]` when there are none) as a list. */
export function normaliseSharedFolders(body: unknown): SharedFolder[] {
  return mapEntries(body).flatMap(([id, raw]) => {
    if (!isRecord(raw)) return [];
    return [
      {
        id,
        name: toText(raw['sharedfoldername']) ?? '',
        score: toNumber(raw['score']),
        deleted: toBoolean(raw['deleted']) ?? false,
        members: mapEntries(raw['users']).flatMap(([, member]) => normaliseMember(member)),
      },
    ];
  });
}

function normaliseMember(raw: unknown): SharedFolderMember[] {
  if (!isRecord(raw)) return [];
  const username = toText(raw['username']);
  if (username === null) return [];
  return [
    {
      username,
      readOnly: toBoolean(raw['readonly']) ?? false,
      give: toBoolean(raw['give']) ?? false,
      canAdminister: toBoolean(raw['can_administer']) ?? false,
      superAdmin: toBoolean(raw['superadmin']) ?? false,
      ...('sites' in raw ? { sites: toTextList(raw['sites']) } : {}),
    },
  ];
}
