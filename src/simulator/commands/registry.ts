import { disablemultifactor, reinviteuser, requiremasterpasswordchange, resetpassword } from './account-actions.ts';
import { batchadd } from './batchadd.ts';
import { batchchangegrp } from './batchchangegrp.ts';
import type { CommandContext, CommandHandler, CommandReply } from './command.ts';
import { deluser } from './deluser.ts';
import { disableuser, enableuser } from './enable-disable.ts';
import { expiredmasterpwlist } from './expiredmasterpwlist.ts';
import { getuserdata } from './getuserdata.ts';
import { legacyFail } from './replies.ts';
import { reporting } from './reporting.ts';
import { getdetailedsfdata, getsfdata } from './shared-folder-data.ts';
import { updateemail } from './updateemail.ts';
import { updateuser } from './updateuser.ts';

/** The current official command set (reference §2). A Map: `cmd` must not reach Object.prototype. */
const COMMANDS: ReadonlyMap<string, CommandHandler> = new Map([
  ['batchadd', batchadd],
  ['updateuser', updateuser],
  ['getuserdata', getuserdata],
  ['deluser', deluser],
  ['disableuser', disableuser],
  ['enableuser', enableuser],
  ['batchchangegrp', batchchangegrp],
  ['reinviteuser', reinviteuser],
  ['resetpassword', resetpassword],
  ['requiremasterpasswordchange', requiremasterpasswordchange],
  ['disablemultifactor', disablemultifactor],
  ['updateemail', updateemail],
  ['getsfdata', getsfdata],
  ['getdetailedsfdata', getdetailedsfdata],
  ['reporting', reporting],
  ['expiredmasterpwlist', expiredmasterpwlist],
]);

/** Removed commands answer FAIL with the reason (the real reply is unknown, reference §2.13). */
const REMOVED: ReadonlyMap<string, string> = new Map([
  ['pushsitestousers', 'pushsitestousers is no longer available: share folders with groups instead'],
]);

const MAX_ECHO = 64;

/** Runs `cmd`; an unknown or missing command answers FAIL, never the authorization error. */
export function runCommand(cmd: unknown, ctx: CommandContext): CommandReply {
  if (typeof cmd !== 'string' || cmd === '') return legacyFail(['cmd is missing']);
  const removed = REMOVED.get(cmd);
  if (removed !== undefined) return legacyFail([removed]);
  const handler = COMMANDS.get(cmd);
  return handler === undefined ? legacyFail([`unknown command: ${cmd.slice(0, MAX_ECHO)}`]) : handler(ctx);
}
