import type { Simulator } from '../simulator.ts';
import { isDisabled, type FormerUser, type SimUser } from '../state/user-directory.ts';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** A user as tests inspect it: every flag spelled out, times in ISO 8601. */
export function userState(user: SimUser, departure?: FormerUser): Record<string, unknown> {
  return {
    id: user.id,
    username: user.username,
    fullname: user.fullname,
    status: departure?.reason ?? user.status,
    invited: departure === undefined && user.status === 'invited',
    active: departure === undefined && user.status === 'active',
    disabled: isDisabled(user),
    disabledByAdmin: user.disabledByAdmin,
    deactivated: user.deactivated,
    removed: departure?.reason === 'removed',
    deleted: departure?.reason === 'deleted',
    uninvited: departure?.reason === 'uninvited',
    departedAt: iso(departure?.atMs ?? null),
    pendingEmail: user.pendingEmail,
    groups: [...user.groups],
    admin: user.admin,
    superadmin: user.superadmin,
    federated: user.federated,
    attribs: user.attribs,
    duousername: user.duousername,
    securidusername: user.securidusername,
    multifactor: user.multifactor,
    hasDefaultPassword: user.hasDefaultPassword,
    passwordResetRequired: user.passwordResetRequired,
    mpstrength: user.mpstrength,
    totalscore: user.totalscore,
    vault: user.vault,
    linked: user.linked,
    created: iso(user.createdMs),
    lastLogin: iso(user.lastLoginMs),
    lastPwChange: iso(user.lastPwChangeMs),
  };
}

/** GET /_simulator/state: current users, then former ones (flagged), groups, shared folders. */
export function stateView(sim: Simulator, username: string | null): Record<string, unknown> {
  const { directory, folders, clock } = sim.state;
  const wanted = (name: string): boolean => username === null || name === username;
  const users = [
    ...[...directory.users()].filter((u) => wanted(u.username)).map((u) => userState(u)),
    ...directory
      .former()
      .filter((f) => wanted(f.user.username))
      .map((f) => userState(f.user, f)),
  ];
  return {
    users,
    groups: [...directory.groupNames()].map((name) => ({
      name,
      members: directory.groupMembers(name).map((u) => u.username),
    })),
    sharedFolders: folders.list(),
    clock: { now: new Date(clock.now()).toISOString(), offsetMs: clock.offsetMs },
  };
}
