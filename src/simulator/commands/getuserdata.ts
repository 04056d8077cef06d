import { formatEastern } from '../eastern-time.ts';
import { isRecord, isTruthyFlag, normaliseUsername, toInteger } from '../json-values.ts';
import { isDisabled, type SimUser } from '../state/user-directory.ts';
import type { CommandContext, CommandReply } from './command.ts';
import { dataReply, legacyFail } from './replies.ts';

interface UserQuery {
  readonly username: string | null;
  readonly disabledOnly: boolean;
  readonly adminOnly: boolean;
  readonly page: { readonly size: number; readonly index: number } | null;
}

/** `data` absent, null, "", "all" or an object of filters (reference §2.3); else the reason. */
function readQuery(data: unknown, maxPageSize: number | null): UserQuery | string {
  if (data === undefined || data === null || data === '' || data === 'all') {
    return { username: null, disabledOnly: false, adminOnly: false, page: null };
  }
  if (!isRecord(data)) return 'data must be "all" or an object with username, disabled, admin, pagesize, pageindex';
  if (data.username !== undefined && typeof data.username !== 'string') return 'username must be a string';
  let page: UserQuery['page'] = null;
  if (data.pagesize !== undefined) {
    const size = toInteger(data.pagesize);
    const index = data.pageindex === undefined ? 0 : toInteger(data.pageindex);
    if (size === null || size < 1) return 'pagesize must be a positive integer';
    if (index === null || index < 0) return 'pageindex must be an integer from 0';
    page = { size: maxPageSize === null ? size : Math.min(size, maxPageSize), index };
  }
  return {
    username: data.username === undefined || data.username === '' ? null : normaliseUsername(data.username),
    disabledOnly: isTruthyFlag(data.disabled),
    adminOnly: isTruthyFlag(data.admin),
    page,
  };
}

const ts = (ms: number | null): string => (ms === null ? '' : formatEastern(ms));

/** A user as LastPass lists it: numbers as strings where recorded so, nulls before the first login. */
function userView(user: SimUser): Record<string, unknown> {
  const view: Record<string, unknown> = {
    username: user.username,
    fullname: user.fullname,
    mpstrength: String(user.mpstrength),
    created: ts(user.createdMs),
    last_pw_change: ts(user.lastPwChangeMs),
    last_login: ts(user.lastLoginMs),
    neverloggedin: user.lastLoginMs === null,
    disabled: isDisabled(user),
    admin: user.admin,
    totalscore: user.totalscore === null ? null : String(user.totalscore),
    legacytotalscore: user.totalscore === null ? null : String(user.totalscore),
    hasSharingKeys: user.lastLoginMs !== null,
    multifactor: user.multifactor,
    duousername: user.duousername,
    sites: user.vault?.sites ?? null,
    notes: user.vault?.notes ?? null,
    formfills: user.vault?.formfills ?? null,
    applications: user.vault?.applications ?? null,
    attachments: user.vault?.attachments ?? null,
    password_reset_required: user.passwordResetRequired,
  };
  if (user.linked !== null) view.linked = user.linked;
  // One recording omits `groups` for a group-less user; a client must cope, so it is omitted.
  if (user.groups.size > 0) view.groups = [...user.groups];
  return view;
}

/** PHP's json_encode turns an empty associative array into `[]`. */
function phpMap(entries: ReadonlyArray<readonly [string, unknown]>): Record<string, unknown> | [] {
  return entries.length === 0 ? [] : Object.fromEntries(entries);
}

/**
 * `getuserdata`: users matching every given filter, in id order, paged when `pagesize` is set.
 * `Groups` covers the users of this page only; `invited` is omitted when empty.
 */
export function getuserdata(ctx: CommandContext): CommandReply {
  const query = readQuery(ctx.data, ctx.behaviour.maxPageSize);
  if (typeof query === 'string') return legacyFail([query]);
  const { invitedInUsers } = ctx.behaviour;
  const matching: SimUser[] = [];
  const invitedOutsideUsers: string[] = [];
  for (const user of ctx.state.directory.users()) {
    if (query.username !== null && user.username !== query.username) continue;
    if (query.disabledOnly && !isDisabled(user)) continue;
    if (query.adminOnly && !user.admin) continue;
    if (!invitedInUsers && user.status === 'invited') invitedOutsideUsers.push(user.username);
    else matching.push(user);
  }
  const page =
    query.page === null
      ? matching
      : matching.slice(query.page.index * query.page.size, (query.page.index + 1) * query.page.size);

  const groups = new Map<string, string[]>();
  for (const user of page) {
    for (const group of user.groups) {
      const members = groups.get(group);
      if (members === undefined) groups.set(group, [user.username]);
      else members.push(user.username);
    }
  }
  const invited = invitedInUsers
    ? page.filter((user) => user.status === 'invited').map((user) => user.username)
    : invitedOutsideUsers;

  const body: Record<string, unknown> = {
    total: matching.length,
    count: page.length,
    Users: phpMap(page.map((user) => [String(user.id), userView(user)] as const)),
    Groups: phpMap([...groups]),
  };
  if (invited.length > 0) body.invited = invited;
  return dataReply(body);
}
