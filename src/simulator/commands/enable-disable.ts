import { isStringArray } from '../json-values.ts';
import { isDisabled, type SimUser } from '../state/user-directory.ts';
import type { CommandContext, CommandReply } from './command.ts';
import { batchTooLarge, recordAdminEvent } from './replies.ts';

type Direction = 'disableuser' | 'enableuser';

/** Newer commands report failure with a single `error` string (LP-disable, LP-enable). */
function fail(error: string): CommandReply {
  return { body: { status: 'FAIL', error }, status: 'FAIL', outcome: 'fail' };
}

/** True when the user changed; already-disabled users (either flag) are unchanged. */
function disable(ctx: CommandContext, user: SimUser): boolean {
  if (isDisabled(user)) return false;
  user.disabledByAdmin = true;
  recordAdminEvent(ctx, user.username, 'Deactivated User');
  return true;
}

/** Lifts `disableuser`; a `deluser` 0 deactivation only if so configured (A-ENABLE-DEACTIVATED). */
function enable(ctx: CommandContext, user: SimUser): boolean {
  if (!isDisabled(user)) return false;
  user.disabledByAdmin = false;
  if (ctx.behaviour.enableReversesDeactivate) user.deactivated = false;
  if (isDisabled(user)) return false;
  recordAdminEvent(ctx, user.username, 'Reactivated User');
  return true;
}

/**
 * `disableuser`/`enableuser`: `{"status":"success"}` with the changed users under
 * `disabled_users`/`enabled_users` and the others under `unchanged_users` (lists omitted when
 * empty). Unknown usernames are named in `error` and listed nowhere else (A-BULK-UNKNOWN).
 */
function bulk(ctx: CommandContext, cmd: Direction): CommandReply {
  const { data } = ctx;
  if (!Array.isArray(data) || data.length === 0 || !isStringArray(data)) {
    return fail('data must be a non-empty array of email addresses');
  }
  const tooLarge = batchTooLarge(cmd, data.length, ctx);
  if (tooLarge !== null) return fail(tooLarge);
  const changed: string[] = [];
  const unchanged: string[] = [];
  const unknown: string[] = [];
  const seen = new Set<number>();
  for (const name of data) {
    const user = ctx.state.directory.get(name);
    if (user === undefined) {
      (ctx.behaviour.unknownUsersInUnchanged ? unchanged : unknown).push(name);
      continue;
    }
    if (seen.has(user.id)) continue;
    seen.add(user.id);
    const didChange = cmd === 'disableuser' ? disable(ctx, user) : enable(ctx, user);
    (didChange ? changed : unchanged).push(user.username);
  }
  const known = changed.length + unchanged.length;
  if (known === 0) return fail(notFoundText(unknown));
  const body: Record<string, unknown> = { status: 'success' };
  if (changed.length > 0) body[cmd === 'disableuser' ? 'disabled_users' : 'enabled_users'] = changed;
  if (unchanged.length > 0) body.unchanged_users = unchanged;
  if (unknown.length > 0) body.error = notFoundText(unknown);
  return { body, status: 'success', outcome: unknown.length > 0 ? 'partial' : 'ok' };
}

function notFoundText(unknown: readonly string[]): string {
  return `${unknown.join(', ')} ${unknown.length === 1 ? 'does' : 'do'} not exist`;
}

export const disableuser = (ctx: CommandContext): CommandReply => bulk(ctx, 'disableuser');
export const enableuser = (ctx: CommandContext): CommandReply => bulk(ctx, 'enableuser');
