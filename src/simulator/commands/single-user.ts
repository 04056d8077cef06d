import { isEmail, isRecord } from '../json-values.ts';
import type { SimUser } from '../state/user-directory.ts';
import type { CommandContext, CommandReply } from './command.ts';
import { doesNotExist, legacyFail } from './replies.ts';

/** Runs `act` on the user named by `data.username`, or refuses as the legacy commands do. */
export function withUser(ctx: CommandContext, act: (user: SimUser) => CommandReply): CommandReply {
  const { data } = ctx;
  if (!isRecord(data) || !isEmail(data.username)) return legacyFail(['data must be {"username": <email>}']);
  const user = ctx.state.directory.get(data.username);
  return user === undefined ? legacyFail([doesNotExist(data.username)]) : act(user);
}
