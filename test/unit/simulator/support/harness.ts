import { afterEach } from 'vitest';

import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../../src/simulator/index.ts';

export const CID = '8771312';
export const PROVHASH = 'phash-7f3c9e21d0a84b56';

export interface ApiAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed body; undefined when it is not JSON. */
  readonly json: unknown;
}

export interface Harness {
  readonly sim: RunningSimulator;
  /** POSTs the envelope as JSON; `envelope` overrides or adds top-level fields. */
  api(cmd: string, data?: unknown, envelope?: Record<string, unknown>): Promise<ApiAnswer>;
  /** The parsed body of an API call that must be JSON. */
  apiJson<T = Record<string, unknown>>(cmd: string, data?: unknown): Promise<T>;
  control<T = Record<string, unknown>>(path: string, body?: unknown): Promise<T>;
  controlRaw(method: string, path: string, body?: unknown): Promise<Response>;
}

const running: RunningSimulator[] = [];

// Leak guard: every simulator a test starts is stopped after it.
afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.stop()));
});

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export async function startHarness(options: Partial<SimulatorOptions> = {}): Promise<Harness> {
  const sim = await startSimulator({ cid: CID, provhash: PROVHASH, ...options });
  running.push(sim);
  const api = async (cmd: string, data?: unknown, envelope: Record<string, unknown> = {}): Promise<ApiAnswer> => {
    const res = await fetch(sim.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cid: Number(CID), provhash: PROVHASH, cmd, data, ...envelope }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: parse(text) };
  };
  const controlRaw = (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${sim.url}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
  return {
    sim,
    api,
    async apiJson<T>(cmd: string, data?: unknown): Promise<T> {
      const answer = await api(cmd, data);
      if (answer.json === undefined) throw new Error(`${cmd} did not answer JSON: ${answer.status} ${answer.text}`);
      return answer.json as T;
    },
    async control<T>(path: string, body?: unknown): Promise<T> {
      const res = await controlRaw(body === undefined ? 'GET' : 'POST', path, body);
      const text = await res.text();
      if (!res.ok) throw new Error(`${path} answered ${res.status}: ${text}`);
      return JSON.parse(text) as T;
    },
    controlRaw,
  };
}

/** Shapes of the control answers the tests read. */
export interface StateUser {
  id: number;
  username: string;
  fullname: string;
  status: string;
  invited: boolean;
  active: boolean;
  disabled: boolean;
  disabledByAdmin: boolean;
  deactivated: boolean;
  removed: boolean;
  deleted: boolean;
  uninvited: boolean;
  pendingEmail: string | null;
  groups: string[];
  admin: boolean;
  multifactor: string | null;
  passwordResetRequired: boolean;
  attribs: Record<string, string>;
  duousername: string | null;
  securidusername: string | null;
}

export interface StateView {
  users: StateUser[];
  groups: { name: string; members: string[] }[];
  sharedFolders: unknown[];
}

export interface Email {
  seq: number;
  time: string;
  to: string;
  kind: string;
}

export async function stateOf(h: Harness, username?: string): Promise<StateView> {
  return h.control<StateView>(`/_simulator/state${username === undefined ? '' : `?username=${encodeURIComponent(username)}`}`);
}

export async function userOf(h: Harness, username: string): Promise<StateUser | undefined> {
  const state = await stateOf(h, username);
  return state.users.find((u) => !u.removed && !u.deleted && !u.uninvited) ?? state.users[0];
}

export async function emailsOf(h: Harness, query = ''): Promise<Email[]> {
  return (await h.control<{ emails: Email[] }>(`/_simulator/emails${query}`)).emails;
}

/** batchadd of plain users, asserting OK. */
export async function addUsers(h: Harness, ...usernames: string[]): Promise<void> {
  const answer = await h.apiJson('batchadd', usernames.map((username) => ({ username })));
  if (answer.status !== 'OK') throw new Error(`batchadd failed: ${JSON.stringify(answer)}`);
}

/** Seeds active users through the control API. */
export async function seedActive(h: Harness, ...users: Array<string | Record<string, unknown>>): Promise<void> {
  await h.control('/_simulator/users', { users: users.map((u) => (typeof u === 'string' ? { username: u } : u)) });
}
