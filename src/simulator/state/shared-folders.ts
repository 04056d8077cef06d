import { normaliseUsername } from '../json-values.ts';

export interface FolderMember {
  username: string;
  readonly: boolean;
  give: boolean;
  canAdminister: boolean;
  superadmin: boolean;
  /** Domains the member sees in the folder (getdetailedsfdata). */
  sites: string[];
}

export interface SharedFolder {
  readonly id: string;
  name: string;
  score: number;
  deleted: boolean;
  members: FolderMember[];
}

export type NewSharedFolder = Omit<SharedFolder, 'id'> & { readonly id?: string };

/** Shared folders, seeded through the control API (the Enterprise API cannot create them). */
export class SharedFolderStore {
  readonly #folders = new Map<string, SharedFolder>();
  #nextId = 100_001;

  /** Adds a folder, or replaces the one with the same id. */
  put(folder: NewSharedFolder): SharedFolder {
    const id = folder.id ?? String(this.#nextId++);
    const stored: SharedFolder = {
      ...folder,
      id,
      members: folder.members.map((m) => ({ ...m, username: normaliseUsername(m.username) })),
    };
    this.#folders.set(id, stored);
    return stored;
  }

  list(): SharedFolder[] {
    return [...this.#folders.values()];
  }

  /** A user who leaves the company leaves its shared folders too. */
  removeMember(username: string): void {
    for (const folder of this.#folders.values()) {
      folder.members = folder.members.filter((m) => m.username !== username);
    }
  }

  renameMember(oldUsername: string, newUsername: string): void {
    for (const folder of this.#folders.values()) {
      for (const member of folder.members) if (member.username === oldUsername) member.username = newUsername;
    }
  }

  clear(): void {
    this.#folders.clear();
    this.#nextId = 100_001;
  }
}
