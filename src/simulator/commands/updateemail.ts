import { isEmail, isRecord, normaliseUsername } from '../json-values.ts';
import type { CommandContext, CommandReply } from './command.ts';
import { doesNotExist, legacyFail, legacyOk, recordAdminEvent } from './replies.ts';

/**
 * `updateemail` (LP-email): the change stays pending, and the user keeps the old username,
 * until the user confirms (POST /_simulator/users/confirm-email). Refused for an account not
 * yet activated (Make), and above the published limits (10/s per IP and per old email).
 */
export function updateemail(ctx: CommandContext): CommandReply {
  const { data } = ctx;
  if (!isRecord(data) || !isEmail(data.oldemail) || !isEmail(data.newemail)) {
    return legacyFail(['data must be {"oldemail": <email>, "newemail": <email>}']);
  }
  const overLimit = ctx.updateEmailLimiter.take(ctx.remoteAddress, normaliseUsername(data.oldemail));
  if (overLimit !== null) return legacyFail([overLimit]);
  const { directory, emails, clock } = ctx.state;
  const user = directory.get(data.oldemail);
  if (user === undefined) return legacyFail([doesNotExist(data.oldemail)]);
  const newEmail = normaliseUsername(data.newemail);
  if (newEmail === user.username) return legacyFail(['newemail is the current email']);
  if (user.status !== 'active') return legacyFail([`${user.username} has not activated the account yet`]);
  if (directory.claimant(newEmail, user) !== undefined) return legacyFail([`${newEmail} is already in use`]);
  // A repeated request (same or new target) replaces the pending one and sends a fresh confirmation.
  directory.setPendingEmail(user, newEmail);
  emails.send(newEmail, 'email-change-confirmation', clock.now());
  recordAdminEvent(ctx, user.username, 'Change Email Requested', `${user.username} -> ${newEmail}`);
  return legacyOk();
}
