import type { LastPassUser, UserData } from '../../lastpass/index.ts';

import { plural } from './output.ts';
import { renderTable, type Row } from './table.ts';

export type UserStatus = 'invited' | 'active' | 'disabled';

/** A user as `lastpass users` shows it: LastPass's fields plus the status they add up to. */
export interface UserEntry extends Omit<LastPassUser, 'id'> {
  /** null for an email LastPass lists only under `invited`. */
  readonly id: string | null;
  readonly status: UserStatus;
}

export interface UserFilter {
  readonly disabledOnly: boolean;
  readonly adminsOnly: boolean;
}

/**
 * Every user with a status, sorted by username. Disabled wins over invited (an admin may disable a
 * pending invitation). Emails only under `invited` (some servers do not list them in `Users`) are
 * added, except when filtering: nothing says whether such an invitation is disabled or an admin.
 */
export function userEntries(data: UserData, filter: UserFilter): UserEntry[] {
  const invited = new Set(data.invited.map((email) => email.toLowerCase()));
  const listed = new Set(data.users.map((user) => user.username.toLowerCase()));
  const entries: UserEntry[] = data.users.map((user) => ({
    ...user,
    status: user.disabled ? 'disabled' : invited.has(user.username.toLowerCase()) ? 'invited' : 'active',
  }));
  const filtering = filter.disabledOnly || filter.adminsOnly;
  if (!filtering) {
    for (const email of data.invited) {
      if (!listed.has(email.toLowerCase())) entries.push(invitationOnly(email));
    }
  }
  // The server filters already; checking again costs nothing and protects against one that ignores a filter.
  return entries
    .filter((entry) => (!filter.disabledOnly || entry.disabled) && (!filter.adminsOnly || entry.admin))
    .sort((a, b) => a.username.localeCompare(b.username));
}

function invitationOnly(username: string): UserEntry {
  return {
    id: null,
    username,
    status: 'invited',
    fullname: null,
    masterPasswordStrength: null,
    created: null,
    lastPasswordChange: null,
    lastLogin: null,
    neverLoggedIn: true,
    disabled: false,
    admin: false,
    totalScore: null,
    legacyTotalScore: null,
    hasSharingKeys: null,
    multifactor: null,
    duoUsername: null,
    linkedAccount: null,
    sites: null,
    notes: null,
    formFills: null,
    applications: null,
    attachments: null,
    passwordResetRequired: null,
    groups: [],
  };
}

const HEADERS = ['USERNAME', 'NAME', 'STATUS', 'ADMIN', 'GROUPS', 'LAST LOGIN (US/EASTERN)', 'MFA'];

export function renderUsers(entries: readonly UserEntry[]): string {
  if (entries.length === 0) return 'No users.\n';
  const rows: Row[] = entries.map((entry) => [
    entry.username,
    entry.fullname ?? '',
    entry.status,
    entry.admin ? 'yes' : '',
    entry.groups.join(', '),
    entry.lastLogin ?? 'never',
    entry.multifactor ?? '-',
  ]);
  const count = (status: UserStatus): number => entries.filter((entry) => entry.status === status).length;
  const summary =
    `${plural(entries.length, 'user')}: ${count('active')} active, ` +
    `${count('invited')} invited, ${count('disabled')} disabled\n`;
  return `${renderTable(HEADERS, rows)}\n${summary}`;
}
