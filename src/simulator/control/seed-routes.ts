import { parseEastern } from '../eastern-time.ts';
import { SettingsReader } from '../settings-reader.ts';
import type { NewEvent } from '../state/event-log.ts';
import type { FolderMember, NewSharedFolder } from '../state/shared-folders.ts';
import { ControlError, ok, type ControlHandler } from './control-route.ts';

const FOLDER_KEYS = ['id', 'name', 'score', 'deleted', 'users'];
const MEMBER_KEYS = ['username', 'readonly', 'give', 'canAdminister', 'superadmin', 'sites'];
const MEMBER_FLAGS = ['readonly', 'give', 'canAdminister', 'superadmin'] as const;

function readMember(r: SettingsReader, value: unknown, path: string): FolderMember | undefined {
  const rec = r.record(value, path, MEMBER_KEYS);
  if (!rec) return undefined;
  if (typeof rec.username !== 'string') r.problem(`${path}.username must be a string`);
  const sites = rec.sites ?? [];
  if (!Array.isArray(sites) || !sites.every((s) => typeof s === 'string')) r.problem(`${path}.sites must be an array of domains`);
  const flags = Object.fromEntries(
    MEMBER_FLAGS.map((key) => [key, rec[key] === undefined ? key === 'give' : (r.boolean(rec[key], `${path}.${key}`) ?? false)]),
  ) as Record<(typeof MEMBER_FLAGS)[number], boolean>;
  return { username: String(rec.username), sites: Array.isArray(sites) ? sites.map(String) : [], ...flags };
}

function readFolder(r: SettingsReader, value: unknown, path: string): NewSharedFolder | undefined {
  const rec = r.record(value, path, FOLDER_KEYS);
  if (!rec) return undefined;
  if (typeof rec.name !== 'string') r.problem(`${path}.name must be a string`);
  const id = typeof rec.id === 'number' || typeof rec.id === 'string' ? String(rec.id) : undefined;
  if (rec.id !== undefined && (id === undefined || !/^\d+$/.test(id))) r.problem(`${path}.id must be numeric (LastPass folder ids are)`);
  const users = rec.users ?? [];
  if (!Array.isArray(users)) r.problem(`${path}.users must be an array`);
  const members = Array.isArray(users) ? users.map((m: unknown, i) => readMember(r, m, `${path}.users[${i}]`)) : [];
  return {
    ...(id === undefined ? {} : { id }),
    name: String(rec.name),
    score: rec.score === undefined ? 0 : (r.number(rec.score, `${path}.score`, { min: 0 }) ?? 0),
    deleted: rec.deleted === undefined ? false : (r.boolean(rec.deleted, `${path}.deleted`) ?? false),
    members: members.filter((m) => m !== undefined),
  };
}

/** Seeds shared folders (getsfdata/getdetailedsfdata); `replace: true` drops the others first. */
const sharedFolders: ControlHandler = (sim, req) => {
  const r = new SettingsReader();
  const body = r.record(req.body, '', ['folders', 'replace']);
  const folders = body?.folders;
  if (!Array.isArray(folders)) throw new ControlError(400, 'body must be {"folders": [...], "replace"?: boolean}');
  const read = folders.map((f: unknown, i) => readFolder(r, f, `folders[${i}]`));
  const replace = body?.replace === undefined ? false : r.boolean(body.replace, 'replace');
  r.finish();
  if (replace === true) sim.state.folders.clear();
  const stored = read.flatMap((folder) => (folder === undefined ? [] : [sim.state.folders.put(folder)]));
  return ok({ folders: stored });
};

function readEventTime(r: SettingsReader, value: unknown, path: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value !== 'string' ? Number.NaN : (parseEastern(value) ?? Date.parse(value));
  if (Number.isNaN(ms)) r.problem(`${path} must be ISO 8601 or "YYYY-MM-DD HH:MM:SS" (US/Eastern)`);
  return Number.isNaN(ms) ? undefined : ms * 1000;
}

/** Adds events to the report as if they had happened (e.g. thousands, to exercise paging). */
const events: ControlHandler = (sim, req) => {
  const r = new SettingsReader();
  const body = r.record(req.body, '', ['events']);
  if (!Array.isArray(body?.events)) throw new ControlError(400, 'body must be {"events": [...]}');
  const read = body.events.map((value: unknown, i): NewEvent | undefined => {
    const path = `events[${i}]`;
    const rec = r.record(value, path, ['username', 'action', 'data', 'ipAddress', 'admin', 'time']);
    if (!rec) return undefined;
    for (const key of ['username', 'action'] as const) if (typeof rec[key] !== 'string') r.problem(`${path}.${key} must be a string`);
    const timeMicros = readEventTime(r, rec.time, `${path}.time`);
    return {
      username: String(rec.username),
      action: String(rec.action),
      data: typeof rec.data === 'string' ? rec.data : '',
      ipAddress: typeof rec.ipAddress === 'string' ? rec.ipAddress : req.remoteAddress,
      admin: rec.admin === true,
      ...(timeMicros === undefined ? {} : { timeMicros }),
    };
  });
  r.finish();
  const now = sim.state.clock.now();
  for (const event of read) if (event !== undefined) sim.state.events.append(event, now);
  return ok({ added: read.length, total: sim.state.events.size });
};

export const SEED_ROUTES: ReadonlyArray<readonly [string, ControlHandler]> = [
  ['POST /_simulator/shared-folders', sharedFolders],
  ['POST /_simulator/events', events],
];

