import { isEmail, isRecord, isStringArray, isStringRecord, normaliseUsername, type JsonRecord } from '../json-values.ts';
import type { Simulator } from '../simulator.ts';
import { SettingsReader } from '../settings-reader.ts';
import { isDisabled, newUser, type SimUser } from '../state/user-directory.ts';
import { ControlError, ok, type ControlAnswer, type ControlHandler, type ControlRequest } from './control-route.ts';
import { userState } from './state-view.ts';
import { applyUserPatch, PATCH_KEYS, patchUser } from './user-patch.ts';

function usernameOf(body: unknown): string {
  if (!isRecord(body) || typeof body.username !== 'string') throw new ControlError(400, 'body must be {"username": <email>}');
  return body.username;
}

function findUser(sim: Simulator, body: unknown): SimUser {
  const username = usernameOf(body);
  const user = sim.state.directory.get(username);
  if (user === undefined) throw new ControlError(404, `${username} is not a current user`);
  return user;
}

/** A user's own (non-admin) event, from the address the control request came from. */
function userEvent(sim: Simulator, req: ControlRequest, username: string, action: string, data = ''): void {
  sim.state.record({ username, ipAddress: req.remoteAddress, action, data, admin: false });
}

/** Completes a pending email change; false (nothing changed) when another user took the address since. */
function confirmPendingEmail(sim: Simulator, req: ControlRequest, user: SimUser): boolean {
  const { pendingEmail } = user;
  if (pendingEmail === null || sim.state.directory.get(pendingEmail) !== undefined) return false;
  const old = user.username;
  sim.state.directory.rename(user, pendingEmail);
  sim.state.folders.renameMember(old, pendingEmail);
  userEvent(sim, req, pendingEmail, 'Change Email', `${old} -> ${pendingEmail}`);
  return true;
}

const emptyVault = () => ({ sites: 0, notes: 0, formfills: 0, applications: 0, attachments: 0 });

/** First login: the account is active, its vault open and scored. */
function activate(user: SimUser, nowMs: number): void {
  user.status = 'active';
  user.lastLoginMs = nowMs;
  // A default password the user must change is changed now; otherwise it was set at creation.
  if (!user.hasDefaultPassword || user.passwordResetRequired) user.lastPwChangeMs = nowMs;
  user.passwordResetRequired = false;
  user.mpstrength = 75;
  user.totalscore = 0;
  user.vault = emptyVault();
}

/** The invited user accepts the invitation (first login). */
const accept: ControlHandler = (sim, req) => {
  const user = findUser(sim, req.body);
  if (user.status !== 'invited') throw new ControlError(409, `${user.username} has already accepted the invitation`);
  if (isDisabled(user)) throw new ControlError(409, `${user.username} is disabled and cannot log in`);
  activate(user, sim.state.clock.now());
  userEvent(sim, req, user.username, 'Login');
  return ok(userState(user));
};

/** A later login; per LP-email it also completes a pending email change. */
const login: ControlHandler = (sim, req) => {
  const user = findUser(sim, req.body);
  if (user.status !== 'active') throw new ControlError(409, `${user.username} has not accepted the invitation`);
  if (isDisabled(user)) throw new ControlError(409, `${user.username} is disabled and cannot log in`);
  user.lastLoginMs = sim.state.clock.now();
  userEvent(sim, req, user.username, 'Login');
  confirmPendingEmail(sim, req, user);
  return ok(userState(user));
};

const confirmEmail: ControlHandler = (sim, req) => {
  const user = findUser(sim, req.body);
  if (user.pendingEmail === null) throw new ControlError(409, `${user.username} has no pending email change`);
  if (!confirmPendingEmail(sim, req, user)) {
    throw new ControlError(409, `${user.pendingEmail} belongs to another user now; the change stays pending`);
  }
  return ok(userState(user));
};

const failedLogin: ControlHandler = (sim, req) => {
  const username = normaliseUsername(usernameOf(req.body));
  userEvent(sim, req, username, 'Failed Login Attempt');
  return ok({ username });
};

const update: ControlHandler = (sim, req) => {
  const user = findUser(sim, req.body);
  const r = new SettingsReader();
  const patch = r.record(req.body, '', ['username', ...PATCH_KEYS]) ?? {};
  r.finish();
  patchUser(user, patch);
  return ok(userState(user));
};

const SEED_KEYS = ['username', 'status', 'groups', 'attribs', ...PATCH_KEYS];

interface SeedEntry {
  readonly username: string;
  readonly status: 'active' | 'invited';
  readonly groups: readonly string[];
  readonly attribs: Record<string, string>;
  readonly patch: JsonRecord;
}

function readSeedEntry(r: SettingsReader, sim: Simulator, taken: Set<string>, entry: unknown, i: number): SeedEntry | undefined {
  const rec = r.record(entry, `users[${i}]`, SEED_KEYS);
  if (!rec) return undefined;
  const { username, groups = [], attribs = {} } = rec;
  const status = rec.status === undefined ? 'active' : r.oneOf(rec.status, `users[${i}].status`, ['active', 'invited'] as const);
  if (!isEmail(username)) r.problem(`users[${i}].username must be an email address`);
  else if (sim.state.directory.get(username) !== undefined || taken.has(normaliseUsername(username))) {
    r.problem(`${username} already exists`);
  } else taken.add(normaliseUsername(username));
  if (!isStringArray(groups)) r.problem(`users[${i}].groups must be an array of group names`);
  if (!isStringRecord(attribs)) r.problem(`users[${i}].attribs must map names to strings`);
  const patch = Object.fromEntries(Object.entries(rec).filter(([key]) => (PATCH_KEYS as readonly string[]).includes(key)));
  applyUserPatch(r, newUser(0, blankFields(0)), patch);
  if (!isEmail(username) || status === undefined || !isStringArray(groups) || !isStringRecord(attribs)) return undefined;
  return { username, status, groups, attribs, patch };
}

const blankFields = (nowMs: number) => ({
  username: 'seed@example.invalid',
  fullname: '',
  attribs: {},
  duousername: null,
  securidusername: null,
  hasDefaultPassword: false,
  passwordResetRequired: false,
  createdMs: nowMs,
});

/**
 * Seeds users straight into the account (no email, no event): active unless `status:
 * "invited"`. All or nothing: one bad entry refuses the whole request.
 */
const seed: ControlHandler = (sim, req) => {
  const body = req.body;
  if (!isRecord(body) || !Array.isArray(body.users)) throw new ControlError(400, 'body must be {"users": [...]}');
  const r = new SettingsReader();
  const taken = new Set<string>();
  const entries = body.users.map((entry: unknown, i) => readSeedEntry(r, sim, taken, entry, i));
  r.finish();
  const { directory, clock } = sim.state;
  const created = entries.flatMap((entry) => {
    if (entry === undefined) return [];
    const now = clock.now();
    const user = directory.create({ ...blankFields(now), username: entry.username, attribs: entry.attribs });
    if (entry.status === 'active') activate(user, now);
    for (const group of entry.groups) directory.join(user, group);
    applyUserPatch(new SettingsReader(), user, entry.patch);
    return [user];
  });
  return ok({ users: created.map((u) => userState(u)) });
};

const groups: ControlHandler = (sim, req): ControlAnswer => {
  const body = req.body;
  if (!isRecord(body) || !isStringArray(body.names)) throw new ControlError(400, 'body must be {"names": [<group>, ...]}');
  for (const name of body.names) sim.state.directory.ensureGroup(name);
  return ok({ groups: [...sim.state.directory.groupNames()] });
};

export const USER_ROUTES: ReadonlyArray<readonly [string, ControlHandler]> = [
  ['POST /_simulator/users', seed],
  ['POST /_simulator/users/accept', accept],
  ['POST /_simulator/users/login', login],
  ['POST /_simulator/users/confirm-email', confirmEmail],
  ['POST /_simulator/users/failed-login', failedLogin],
  ['POST /_simulator/users/update', update],
  ['POST /_simulator/groups', groups],
];
