/** The parts of the simulator's control API (docs/simulator.md) the benchmark uses. */

export interface SimCall {
  readonly seq: number;
  readonly cmd: string | null;
  readonly data: unknown;
  readonly outcome: string;
  readonly httpStatus: number | null;
  readonly durationMs: number | null;
}

export interface SimUser {
  readonly username: string;
  readonly status: string;
  readonly disabled: boolean;
  readonly groups: readonly string[];
}

export interface SeedUser {
  readonly username: string;
  readonly fullname: string;
  readonly groups: readonly string[];
}

/** Active users straight into the account: no call, no email, no rate-limit token. */
export async function seedUsers(baseUrl: string, users: readonly SeedUser[]): Promise<void> {
  if (users.length === 0) return;
  const response = await fetch(`${baseUrl}/_simulator/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ users }),
  });
  if (!response.ok) throw new Error(`the simulator refused the seed users: HTTP ${response.status} ${await response.text()}`);
}

export async function simulatorCalls(baseUrl: string): Promise<SimCall[]> {
  return (await getJson<{ calls: SimCall[] }>(`${baseUrl}/_simulator/calls`)).calls;
}

export async function simulatorUsers(baseUrl: string): Promise<SimUser[]> {
  return (await getJson<{ users: SimUser[] }>(`${baseUrl}/_simulator/state`)).users;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
