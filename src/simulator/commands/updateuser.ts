import type { CommandContext, CommandReply } from './command.ts';
import { legacyFail, legacyOk, recordAdminEvent } from './replies.ts';
import { withUser } from './single-user.ts';

const EDITABLE = ['fullname', 'duousername', 'securidusername'] as const;

/**
 * `updateuser` (LP-update): only fullname, duousername and securidusername change. Any other
 * field (admin, groups, attribs…) is ignored as PHP would, so the state shows it did nothing.
 */
export function updateuser(ctx: CommandContext): CommandReply {
  return withUser(ctx, (user) => {
    const data = ctx.data as Record<string, unknown>;
    const wrong = EDITABLE.filter((key) => data[key] !== undefined && typeof data[key] !== 'string');
    if (wrong.length > 0) return legacyFail(wrong.map((key) => `${key} must be a string`));
    let edited = false;
    for (const key of EDITABLE) {
      const value = data[key];
      if (typeof value !== 'string' || value === user[key]) continue;
      user[key] = value;
      edited = true;
    }
    if (edited) recordAdminEvent(ctx, user.username, 'Edit User');
    return legacyOk();
  });
}
