import { isDisabled } from '../state/user-directory.ts';
import type { CommandContext, CommandReply } from './command.ts';
import { legacyFail, legacyOk, recordAdminEvent } from './replies.ts';
import { withUser } from './single-user.ts';

/** `reinviteuser` (LP-reinvite): another invitation email; refused once the user has accepted. */
export function reinviteuser(ctx: CommandContext): CommandReply {
  return withUser(ctx, (user) => {
    if (user.status !== 'invited') return legacyFail([`${user.username} has already accepted the invitation`]);
    ctx.state.emails.send(user.username, 'reinvitation', ctx.state.clock.now());
    recordAdminEvent(ctx, user.username, 'Reinvite User');
    return legacyOk();
  });
}

/** `resetpassword` (LP-reset): a reset email; only an activated, enabled account has a password to reset. */
export function resetpassword(ctx: CommandContext): CommandReply {
  return withUser(ctx, (user) => {
    if (user.status !== 'active') return legacyFail([`${user.username} has not activated the account yet`]);
    if (isDisabled(user)) return legacyFail([`${user.username} is disabled`]);
    ctx.state.emails.send(user.username, 'password-reset', ctx.state.clock.now());
    recordAdminEvent(ctx, user.username, 'Admin Password Reset');
    return legacyOk();
  });
}

/** `requiremasterpasswordchange` (LP-rmpc): the user must change the master password at next login. */
export function requiremasterpasswordchange(ctx: CommandContext): CommandReply {
  return withUser(ctx, (user) => {
    user.passwordResetRequired = true;
    recordAdminEvent(ctx, user.username, 'Require Password Change');
    return legacyOk();
  });
}

/** `disablemultifactor` (lpmgt): turns MFA off; a user without MFA is already in that state. */
export function disablemultifactor(ctx: CommandContext): CommandReply {
  return withUser(ctx, (user) => {
    if (user.multifactor !== null) {
      user.multifactor = null;
      recordAdminEvent(ctx, user.username, 'Disable Multifactor');
    }
    return legacyOk();
  });
}
