import { isEmail, isRecord, isStringArray, isStringRecord, normaliseUsername } from '../json-values.ts';
import type { SimUser } from '../state/user-directory.ts';
import type { CommandContext, CommandReply } from './command.ts';
import { batchTooLarge, legacyFail, legacyOk, recordAdminEvent } from './replies.ts';

interface UserEntry {
  readonly username: string;
  readonly fullname: string | undefined;
  readonly groups: readonly string[];
  readonly attribs: Record<string, string> | undefined;
  readonly duousername: string | undefined;
  readonly securidusername: string | undefined;
  readonly password: string | undefined;
  readonly passwordResetRequired: boolean;
}

const OPTIONAL_STRINGS = ['fullname', 'duousername', 'securidusername', 'password'] as const;

/** A valid entry, or the reason it is refused. */
function readEntry(entry: unknown, index: number): UserEntry | string {
  if (!isRecord(entry)) return `entry ${index}: each user must be an object`;
  if (!isEmail(entry.username)) return `entry ${index}: username must be an email address`;
  const username = normaliseUsername(entry.username);
  for (const key of OPTIONAL_STRINGS) {
    if (entry[key] !== undefined && typeof entry[key] !== 'string') return `${username}: ${key} must be a string`;
  }
  if (entry.groups !== undefined && !isStringArray(entry.groups)) return `${username}: groups must be an array of group names`;
  if (entry.attribs !== undefined && !isStringRecord(entry.attribs)) return `${username}: attribs must map names to strings`;
  const reset = entry.password_reset_required;
  if (reset !== undefined && typeof reset !== 'boolean') return `${username}: password_reset_required must be true or false`;
  return {
    username,
    fullname: entry.fullname as string | undefined,
    groups: entry.groups ?? [],
    attribs: entry.attribs,
    duousername: entry.duousername as string | undefined,
    securidusername: entry.securidusername as string | undefined,
    password: entry.password as string | undefined,
    passwordResetRequired: reset ?? true,
  };
}

function create(ctx: CommandContext, entry: UserEntry): void {
  const { directory, emails, clock } = ctx.state;
  const now = clock.now();
  const user = directory.create({
    username: entry.username,
    fullname: entry.fullname ?? '',
    attribs: entry.attribs ?? {},
    duousername: entry.duousername ?? null,
    securidusername: entry.securidusername ?? null,
    hasDefaultPassword: entry.password !== undefined,
    passwordResetRequired: entry.password !== undefined && entry.passwordResetRequired,
    createdMs: now,
  });
  for (const group of entry.groups) directory.join(user, group);
  emails.send(user.username, 'invitation', now);
  recordAdminEvent(ctx, user.username, 'Employee Account Created');
  for (const group of user.groups) recordAdminEvent(ctx, user.username, 'Add to Group', group);
}

/**
 * Upsert (the legacy contract): given fields replace, attribs merge, groups are only added; it
 * never re-enables, re-invites or touches the password (docs/simulator.md, A-BATCHADD-EXISTING).
 */
function update(ctx: CommandContext, user: SimUser, entry: UserEntry): void {
  const { directory } = ctx.state;
  let edited = false;
  if (entry.fullname !== undefined && entry.fullname !== user.fullname) {
    user.fullname = entry.fullname;
    edited = true;
  }
  if (entry.duousername !== undefined && entry.duousername !== user.duousername) {
    user.duousername = entry.duousername;
    edited = true;
  }
  if (entry.securidusername !== undefined && entry.securidusername !== user.securidusername) {
    user.securidusername = entry.securidusername;
    edited = true;
  }
  if (entry.attribs !== undefined) {
    const merged = { ...user.attribs, ...entry.attribs };
    edited ||= Object.entries(merged).some(([key, value]) => user.attribs[key] !== value);
    user.attribs = merged;
  }
  if (edited) recordAdminEvent(ctx, user.username, 'Edit User');
  for (const group of entry.groups) {
    if (directory.join(user, group)) recordAdminEvent(ctx, user.username, 'Add to Group', group);
  }
}

/**
 * `batchadd`: creates invited users (one invitation email each). Entries are applied one by
 * one; refused entries are listed in `errors` under status FAIL while the others stay applied.
 */
export function batchadd(ctx: CommandContext): CommandReply {
  const { data, behaviour } = ctx;
  if (!Array.isArray(data) || data.length === 0) return legacyFail(['data must be a non-empty array of users']);
  const tooLarge = batchTooLarge('batchadd', data.length, ctx);
  if (tooLarge !== null) return legacyFail([tooLarge]);
  const { directory } = ctx.state;
  const errors: string[] = [];
  data.forEach((raw: unknown, index) => {
    const entry = readEntry(raw, index);
    if (typeof entry === 'string') {
      errors.push(entry);
      return;
    }
    const missingGroup = behaviour.autoCreateGroups ? undefined : entry.groups.find((g) => !directory.hasGroup(g));
    if (missingGroup !== undefined) {
      errors.push(`${entry.username}: group "${missingGroup}" does not exist`);
      return;
    }
    const existing = directory.get(entry.username);
    if (existing === undefined) create(ctx, entry);
    else if (behaviour.batchaddExisting === 'upsert') update(ctx, existing, entry);
    else if (behaviour.batchaddExisting === 'error') errors.push(`${entry.username} already exists`);
  });
  return errors.length === 0 ? legacyOk() : legacyFail(errors);
}
