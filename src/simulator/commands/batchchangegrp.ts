import { isEmail, isRecord, isStringArray } from '../json-values.ts';
import type { SimUser } from '../state/user-directory.ts';
import type { CommandContext, CommandReply } from './command.ts';
import { batchTooLarge, doesNotExist, legacyFail, legacyOk, recordAdminEvent } from './replies.ts';

interface GroupChange {
  readonly user: SimUser;
  readonly add: readonly string[];
  readonly del: readonly string[];
}

/** A change that can be applied whole, or the reason the entry is refused. */
function readChange(ctx: CommandContext, entry: unknown, index: number): GroupChange | string {
  if (!isRecord(entry) || !isEmail(entry.username)) return `entry ${index}: each entry needs a username (email address)`;
  const { add = [], del = [] } = entry;
  if (!isStringArray(add) || !isStringArray(del)) return `${entry.username}: add and del must be arrays of group names`;
  if (add.length === 0 && del.length === 0) return `${entry.username}: neither add nor del names a group`;
  const user = ctx.state.directory.get(entry.username);
  if (user === undefined) return doesNotExist(entry.username);
  const both = add.find((group) => del.includes(group));
  if (both !== undefined) return `${entry.username}: group "${both}" is in both add and del`;
  const missing = ctx.behaviour.autoCreateGroups ? undefined : add.find((g) => !ctx.state.directory.hasGroup(g));
  if (missing !== undefined) return `${entry.username}: group "${missing}" does not exist`;
  return { user, add, del };
}

/**
 * `batchchangegrp` (legacy doc via lpmgt): OK when every entry applied, WARN when some were
 * refused, FAIL when none applied; `errors` (omitted when empty) says why, e.g. "<email> does
 * not exist". Adding a membership the user has, or deleting one it lacks, is a no-op.
 */
export function batchchangegrp(ctx: CommandContext): CommandReply {
  const { data } = ctx;
  if (!Array.isArray(data) || data.length === 0) return legacyFail(['data must be a non-empty array of {username, add, del}']);
  const tooLarge = batchTooLarge('batchchangegrp', data.length, ctx);
  if (tooLarge !== null) return legacyFail([tooLarge]);
  const { directory } = ctx.state;
  const errors: string[] = [];
  let applied = 0;
  data.forEach((entry: unknown, index) => {
    const change = readChange(ctx, entry, index);
    if (typeof change === 'string') {
      errors.push(change);
      return;
    }
    const { user } = change;
    for (const group of change.add) {
      if (directory.join(user, group)) recordAdminEvent(ctx, user.username, 'Add to Group', group);
    }
    for (const group of change.del) {
      if (directory.leave(user, group)) recordAdminEvent(ctx, user.username, 'Remove from Group', group);
    }
    applied++;
  });
  if (errors.length === 0) return legacyOk();
  if (applied === 0) return legacyFail(errors);
  return { body: { status: 'WARN', errors }, status: 'WARN', outcome: 'partial' };
}
