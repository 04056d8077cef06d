import { isEmail, isRecord, toInteger } from '../json-values.ts';
import type { DepartureReason, SimUser } from '../state/user-directory.ts';
import type { CommandContext, CommandReply } from './command.ts';
import { doesNotExist, legacyFail, legacyOk, recordAdminEvent } from './replies.ts';

function depart(ctx: CommandContext, user: SimUser, reason: DepartureReason, action: string): CommandReply {
  const { directory, folders, clock } = ctx.state;
  directory.depart(user, reason, clock.now());
  folders.removeMember(user.username);
  recordAdminEvent(ctx, user.username, action);
  return legacyOk();
}

/**
 * `deluser` (LP-del): 0 deactivates (login blocked, data and membership kept), 1 removes from
 * the company, 2 deletes, 3 uninvites, which only a pending invitation allows. `deleteaction`
 * is required: the simulator picks no default for a destructive choice.
 */
export function deluser(ctx: CommandContext): CommandReply {
  const { data } = ctx;
  if (!isRecord(data) || !isEmail(data.username)) return legacyFail(['data must be {"username": <email>, "deleteaction": 0-3}']);
  const action = toInteger(data.deleteaction);
  if (action === null || action < 0 || action > 3) return legacyFail(['deleteaction must be 0, 1, 2 or 3']);
  const user = ctx.state.directory.get(data.username);
  if (user === undefined) return legacyFail([doesNotExist(data.username)]);
  switch (action) {
    case 0:
      if (!user.deactivated) {
        user.deactivated = true;
        recordAdminEvent(ctx, user.username, 'Deactivated User');
      }
      return legacyOk();
    case 1:
      return depart(ctx, user, 'removed', 'Removed User From Company');
    case 2:
      return depart(ctx, user, 'deleted', 'Employee Account Deleted');
    default:
      if (user.status !== 'invited') {
        return legacyFail([`${user.username} has already accepted the invitation; uninvite (3) applies to pending invitations only`]);
      }
      return depart(ctx, user, 'uninvited', 'Uninvited User');
  }
}
