import { normaliseUsername } from '../json-values.ts';

/**
 * Glossary. An *invited* user was created by `batchadd` and has not accepted the invitation
 * (never logged in); an *active* user has. *Disabled* is either of two flags: `disabledByAdmin`
 * (`disableuser`, undone by `enableuser`) or `deactivated` (`deluser` deleteaction 0). A
 * *former* user left the directory through `deluser` 1 (removed), 2 (deleted) or 3 (uninvited).
 */
export type AccountStatus = 'invited' | 'active';
export type DepartureReason = 'removed' | 'deleted' | 'uninvited';

export interface VaultCounts {
  sites: number;
  notes: number;
  formfills: number;
  applications: number;
  attachments: number;
}

export interface SimUser {
  readonly id: number;
  /** Lower-case; the key of the directory. */
  username: string;
  fullname: string;
  status: AccountStatus;
  disabledByAdmin: boolean;
  deactivated: boolean;
  admin: boolean;
  superadmin: boolean;
  /** Federated (SSO) users have no master password: expiredmasterpwlist skips them. */
  federated: boolean;
  readonly groups: Set<string>;
  attribs: Record<string, string>;
  duousername: string | null;
  securidusername: string | null;
  hasDefaultPassword: boolean;
  passwordResetRequired: boolean;
  multifactor: string | null;
  /** Target of an unconfirmed `updateemail`; the user keeps `username` until confirmed. */
  pendingEmail: string | null;
  readonly createdMs: number;
  lastPwChangeMs: number | null;
  lastLoginMs: number | null;
  mpstrength: number;
  totalscore: number | null;
  /** Vault item counts; null until the first login, as LastPass reports. */
  vault: VaultCounts | null;
  linked: string | null;
}

export interface FormerUser {
  readonly user: SimUser;
  readonly reason: DepartureReason;
  readonly atMs: number;
}

export interface NewUserFields {
  readonly username: string;
  readonly fullname: string;
  readonly attribs: Record<string, string>;
  readonly duousername: string | null;
  readonly securidusername: string | null;
  readonly hasDefaultPassword: boolean;
  readonly passwordResetRequired: boolean;
  readonly createdMs: number;
}

export function isDisabled(user: SimUser): boolean {
  return user.disabledByAdmin || user.deactivated;
}

/** A fresh invited user, not yet in any directory. */
export function newUser(id: number, fields: NewUserFields): SimUser {
  return {
    id,
    username: normaliseUsername(fields.username),
    fullname: fields.fullname,
    status: 'invited',
    disabledByAdmin: false,
    deactivated: false,
    admin: false,
    superadmin: false,
    federated: false,
    groups: new Set(),
    attribs: { ...fields.attribs },
    duousername: fields.duousername,
    securidusername: fields.securidusername,
    hasDefaultPassword: fields.hasDefaultPassword,
    passwordResetRequired: fields.passwordResetRequired,
    multifactor: null,
    pendingEmail: null,
    createdMs: fields.createdMs,
    lastPwChangeMs: fields.hasDefaultPassword ? fields.createdMs : null,
    lastLoginMs: null,
    mpstrength: 0,
    totalscore: null,
    vault: null,
    linked: null,
  };
}

// Realistic-looking user ids (LastPass ids are large integers sent as string keys).
const FIRST_ID = 4_200_001;

/** Users keyed by username and by id, group memberships, and former users. */
export class UserDirectory {
  readonly #byName = new Map<string, SimUser>();
  // Ids only grow and renames do not re-insert, so iteration order is id order.
  readonly #byId = new Map<number, SimUser>();
  readonly #groups = new Map<string, Set<number>>();
  readonly #pendingEmails = new Map<string, number>();
  readonly #former: FormerUser[] = [];
  #nextId = FIRST_ID;

  get size(): number {
    return this.#byName.size;
  }

  get(username: string): SimUser | undefined {
    return this.#byName.get(normaliseUsername(username));
  }

  users(): IterableIterator<SimUser> {
    return this.#byId.values();
  }

  former(): readonly FormerUser[] {
    return this.#former;
  }

  create(fields: NewUserFields): SimUser {
    const user = newUser(this.#nextId++, fields);
    this.#byName.set(user.username, user);
    this.#byId.set(user.id, user);
    return user;
  }

  /** Takes a user out of the directory (and its groups), remembering why. */
  depart(user: SimUser, reason: DepartureReason, atMs: number): void {
    for (const group of user.groups) this.#groups.get(group)?.delete(user.id);
    this.setPendingEmail(user, null);
    this.#byName.delete(user.username);
    this.#byId.delete(user.id);
    this.#former.push({ user, reason, atMs });
  }

  /** Completes an email change: the user is now known by its new username. */
  rename(user: SimUser, newUsername: string): void {
    this.setPendingEmail(user, null);
    this.#byName.delete(user.username);
    user.username = normaliseUsername(newUsername);
    this.#byName.set(user.username, user);
  }

  setPendingEmail(user: SimUser, email: string | null): void {
    if (user.pendingEmail !== null) this.#pendingEmails.delete(user.pendingEmail);
    user.pendingEmail = email === null ? null : normaliseUsername(email);
    if (user.pendingEmail !== null) this.#pendingEmails.set(user.pendingEmail, user.id);
  }

  /** The user (other than `except`) that holds or is about to hold this username, if any. */
  claimant(username: string, except: SimUser): SimUser | undefined {
    const key = normaliseUsername(username);
    const holder = this.#byName.get(key);
    if (holder !== undefined && holder !== except) return holder;
    const pendingId = this.#pendingEmails.get(key);
    const pending = pendingId === undefined ? undefined : this.#byId.get(pendingId);
    return pending !== undefined && pending !== except ? pending : undefined;
  }

  hasGroup(name: string): boolean {
    return this.#groups.has(name);
  }

  ensureGroup(name: string): void {
    if (!this.#groups.has(name)) this.#groups.set(name, new Set());
  }

  groupNames(): IterableIterator<string> {
    return this.#groups.keys();
  }

  groupMembers(name: string): SimUser[] {
    const ids = this.#groups.get(name) ?? new Set<number>();
    return [...ids].flatMap((id) => this.#byId.get(id) ?? []);
  }

  /** Adds a membership (creating the group); false when the user was already a member. */
  join(user: SimUser, group: string): boolean {
    if (user.groups.has(group)) return false;
    this.ensureGroup(group);
    this.#groups.get(group)?.add(user.id);
    user.groups.add(group);
    return true;
  }

  /** Removes a membership; false when the user was not a member. */
  leave(user: SimUser, group: string): boolean {
    if (!user.groups.delete(group)) return false;
    this.#groups.get(group)?.delete(user.id);
    return true;
  }

  clear(): void {
    this.#byName.clear();
    this.#byId.clear();
    this.#groups.clear();
    this.#pendingEmails.clear();
    this.#former.length = 0;
    this.#nextId = FIRST_ID;
  }
}
