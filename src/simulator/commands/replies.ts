import type { BatchCommand } from '../fault-settings.ts';
import type { CommandContext, CommandReply } from './command.ts';

/** Legacy commands (batchadd, updateuser, deluser, single-user actions…) succeed with `{"status":"OK"}`. */
export function legacyOk(): CommandReply {
  return { body: { status: 'OK' }, status: 'OK', outcome: 'ok' };
}

/** …and fail with a non-OK status and an `errors` array of strings (reference §1.5). */
export function legacyFail(errors: readonly string[]): CommandReply {
  return { body: { status: 'FAIL', errors }, status: 'FAIL', outcome: 'fail' };
}

/** Read commands answer with bare data, no status key (reference §1.5). */
export function dataReply(body: unknown): CommandReply {
  return { body, status: null, outcome: 'ok' };
}

export function doesNotExist(username: string): string {
  return `${username} does not exist`;
}

/** The refusal text of a batch above the configured maximum, or null when it fits. */
export function batchTooLarge(cmd: BatchCommand, size: number, ctx: CommandContext): string | null {
  const max = ctx.batchMax[cmd];
  return max !== null && size > max ? `too many entries for ${cmd}: ${size} given, at most ${max} per call` : null;
}

/** An event caused by an API call (an administrator's action), about `username`. */
export function recordAdminEvent(ctx: CommandContext, username: string, action: string, data?: string): void {
  ctx.state.record({ username, ipAddress: ctx.remoteAddress, action, data: data ?? username, admin: true });
}
