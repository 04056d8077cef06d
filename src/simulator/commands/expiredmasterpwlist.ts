import { formatEastern } from '../eastern-time.ts';
import { isRecord, toInteger } from '../json-values.ts';
import { isDisabled, type SimUser } from '../state/user-directory.ts';
import type { CommandContext, CommandReply } from './command.ts';

const MAX_LIMIT = 500;
const DAY_MS = 86_400_000;
const TOKEN_PREFIX = 'emp:';

function fail(error: string): CommandReply {
  return { body: { status: 'FAIL', error }, status: 'FAIL', outcome: 'fail' };
}

/** Opaque to clients; an offset into the id-ordered list of expired users. */
function encodeToken(offset: number): string {
  return Buffer.from(`${TOKEN_PREFIX}${offset}`).toString('base64url');
}

function decodeToken(token: string): number | null {
  const text = Buffer.from(token, 'base64url').toString();
  const offset = text.startsWith(TOKEN_PREFIX) ? toInteger(text.slice(TOKEN_PREFIX.length)) : null;
  return offset !== null && offset >= 0 ? offset : null;
}

function isExpired(user: SimUser, cutoffMs: number): boolean {
  return (
    user.status === 'active' &&
    !isDisabled(user) &&
    !user.federated &&
    user.lastPwChangeMs !== null &&
    user.lastPwChangeMs < cutoffMs
  );
}

/**
 * `expiredmasterpwlist` (LP-expmp): active, non-federated users whose master password is older
 * than `masterPasswordMaxAgeDays`. `limit` defaults to 500 and is cut to 500; the continuation
 * token is "" once nothing remains.
 */
export function expiredmasterpwlist(ctx: CommandContext): CommandReply {
  const data = ctx.data ?? {};
  if (!isRecord(data)) return fail('data must be an object with optional limit and continuation_token');
  const limit = data.limit === undefined ? MAX_LIMIT : toInteger(data.limit);
  if (limit === null || limit < 1) return fail('limit must be a positive integer');
  let offset = 0;
  if (data.continuation_token !== undefined && data.continuation_token !== '') {
    const decoded = typeof data.continuation_token === 'string' ? decodeToken(data.continuation_token) : null;
    if (decoded === null) return fail('continuation_token is not one this API issued');
    offset = decoded;
  }
  const cutoff = ctx.state.clock.now() - ctx.behaviour.masterPasswordMaxAgeDays * DAY_MS;
  const expired = [...ctx.state.directory.users()].filter((user) => isExpired(user, cutoff));
  const page = expired.slice(offset, offset + Math.min(limit, MAX_LIMIT));
  const remaining = Math.max(0, expired.length - offset - page.length);
  return {
    body: {
      status: 'Success',
      continuation: { token: remaining > 0 ? encodeToken(offset + page.length) : '', remaining_item_count: remaining },
      items: page.map((user) => ({
        user_id: user.id,
        user_name: user.username,
        last_pw_change: formatEastern(user.lastPwChangeMs ?? 0),
      })),
    },
    status: 'Success',
    outcome: 'ok',
  };
}
