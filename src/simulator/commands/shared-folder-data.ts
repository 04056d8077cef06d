import type { FolderMember, SharedFolder } from '../state/shared-folders.ts';
import type { CommandContext, CommandReply } from './command.ts';
import { dataReply } from './replies.ts';

function memberView(ctx: CommandContext, member: FolderMember, withSites: boolean): Record<string, unknown> {
  const flag = (on: boolean): string | number =>
    ctx.behaviour.sharedFolderFlags === 'string' ? (on ? '1' : '0') : on ? 1 : 0;
  const view: Record<string, unknown> = {
    username: member.username,
    readonly: flag(member.readonly),
    give: flag(member.give),
    can_administer: flag(member.canAdminister),
    superadmin: member.superadmin,
  };
  if (withSites) view.sites = member.sites;
  return view;
}

/** LP-sf: the listing "also lists super admins", who can reach every folder. */
function membersWithSuperAdmins(ctx: CommandContext, folder: SharedFolder): FolderMember[] {
  const members = [...folder.members];
  for (const user of ctx.state.directory.users()) {
    if (!user.superadmin || members.some((m) => m.username === user.username)) continue;
    members.push({ username: user.username, readonly: false, give: true, canAdminister: true, superadmin: true, sites: [] });
  }
  return members;
}

function report(ctx: CommandContext, withSites: boolean): CommandReply {
  const folders = ctx.state.folders.list();
  if (folders.length === 0) return dataReply([]);
  return dataReply(
    Object.fromEntries(
      folders.map((folder) => [
        folder.id,
        {
          sharedfoldername: folder.name,
          score: folder.score,
          deleted: folder.deleted,
          users: membersWithSuperAdmins(ctx, folder).map((m) => memberView(ctx, m, withSites)),
        },
      ]),
    ),
  );
}

/** `getsfdata` (LP-sf): folders keyed by id, no status key; `data` ("all") is not needed. */
export const getsfdata = (ctx: CommandContext): CommandReply => report(ctx, false);

/** `getdetailedsfdata` (LP-dsf): the same plus each member's `sites`. */
export const getdetailedsfdata = (ctx: CommandContext): CommandReply => report(ctx, true);
