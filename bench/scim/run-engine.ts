import { setTimeout as sleep } from 'node:timers/promises';

import { Pool } from 'undici';

import { runLoad } from './load.ts';
import type { LoadResult, Scenario, ScenarioKind } from './load-spec.ts';
import type { BenchOptions, Engine } from './options.ts';
import { BENCH_TOKEN, Target } from './target.ts';

export interface ScenarioRun {
  readonly kind: ScenarioKind;
  readonly label: string;
  readonly result: LoadResult;
  /** The bare express route, measured just before this scenario with the same clients. */
  readonly baseline: LoadResult;
  readonly problems: readonly string[];
}

export interface EngineRun {
  readonly engine: Engine;
  readonly seedMs: number;
  readonly seeded: number;
  readonly runs: readonly ScenarioRun[];
  /** Problems found after the scenarios (counts, outbox). */
  readonly problems: readonly string[];
  /** Outbox rows by status at the end (PATCH's backlog is still pending; superseded updates are cancelled). */
  readonly outbox: Readonly<Record<string, number>>;
  readonly warnLines: number;
  readonly firstLogLines: readonly string[];
}

const SCIM = '/scim/v2';

/** Seeds users through SCIM, then measures the baseline and each scenario on one fresh lpprov. */
export async function runEngine(engine: Engine, options: BenchOptions, log: (line: string) => void): Promise<EngineRun> {
  const target = await Target.start(engine, options.rate);
  try {
    log(`${engine}: lpprov at ${target.scimOrigin}${SCIM}, baseline at ${target.baselineUrl}/ping; seeding ${options.users.toLocaleString('en-US')} users…`);
    const seedStarted = performance.now();
    const seeded = await seedUsers(target.scimOrigin, options.users, options.clients);
    const seedMs = performance.now() - seedStarted;
    await drain(target);
    log(`${engine}: seeded in ${(seedMs / 1000).toFixed(1)} s; outbox drained`);

    const runs: ScenarioRun[] = [];
    const load = (scenario: Scenario): Promise<LoadResult> =>
      runLoad({ scenario, clients: options.clients, warmupMs: options.warmupS * 1000, durationMs: options.durationS * 1000, seed: runs.length + 1 });
    // Each scenario is measured right after its own baseline, so that a slower spell of the
    // machine (other work on a shared host) moves both sides of a ratio alike.
    const measure = async (label: string, scenario: Scenario, drainAfter = true): Promise<LoadResult> => {
      log(`${engine}: baseline, then ${label}…`);
      const baseline = await load({ kind: 'ping', origin: target.baselineUrl, path: '/ping' });
      const result = await load(scenario);
      runs.push({ kind: scenario.kind, label, result, baseline, problems: [...loadProblems(baseline).map((p) => `baseline: ${p}`), ...loadProblems(result)] });
      // The next scenario starts with nothing left to send to LastPass.
      if (drainAfter) await drain(target);
      return result;
    };

    const origin = target.scimOrigin;
    const userPath = `${SCIM}/Users`;
    await measure('GET filter', { kind: 'get-filter', origin, path: userPath, token: BENCH_TOKEN, userNames: seeded.map((u) => u.userName) });
    const posted = await measure('POST', { kind: 'post', origin, path: userPath, token: BENCH_TOKEN, prefix: `post-${engine}` });
    // Last, and not drained: each PATCH plans an `updateuser`, which LastPass takes one user per call,
    // so the backlog takes far longer to send than to make.
    const patched = await measure('PATCH', { kind: 'patch', origin, path: userPath, token: BENCH_TOKEN, userIds: seeded.map((u) => u.id) }, false);

    const problems: string[] = [];
    const total = await countUsers(origin);
    const expected = seeded.length + (posted.statuses['201'] ?? 0);
    if (total !== expected) problems.push(`GET /Users counts ${total} users, expected ${expected} (${seeded.length} seeded + ${posted.statuses['201'] ?? 0} created by POST)`);
    // Every user a PATCH was answered for now has a givenName the benchmark wrote.
    const renamed = await countUsers(origin, 'name.givenName sw "Given"');
    if (renamed !== patched.touched) problems.push(`${renamed} users have a PATCHed givenName, expected ${patched.touched}`);
    const outbox = await target.outboxStates();
    if ((outbox.dead ?? 0) > 0) problems.push(`${outbox.dead} commands dead-lettered`);
    return { engine, seedMs, seeded: seeded.length, runs, problems, outbox, warnLines: target.logs.lines, firstLogLines: target.logs.first };
  } finally {
    await target.stop();
  }
}

function loadProblems(result: LoadResult): string[] {
  const problems: string[] = [];
  if (result.errors > 0) problems.push(`${result.errors} requests got no answer`);
  if (result.right !== result.sent) problems.push(`${result.sent - result.right} of ${result.sent} answers wrong: ${result.wrong.join(' | ')}`);
  if (result.measured === 0) problems.push('no request completed in the measured window');
  return problems;
}

/** Creates `count` users through POST /Users with `clients` in flight; untimed setup. */
async function seedUsers(origin: string, count: number, clients: number): Promise<{ id: string; userName: string }[]> {
  const pool = new Pool(origin, { connections: clients });
  const users = new Array<{ id: string; userName: string }>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) {
      const userName = `seed-${String(i).padStart(6, '0')}@bench.example`;
      const response = await pool.request({
        method: 'POST',
        path: `${SCIM}/Users`,
        headers: { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName,
          externalId: `seed-${i}`,
          name: { givenName: 'Seed', familyName: `User${i}` },
          emails: [{ primary: true, type: 'work', value: userName }],
          active: true,
        }),
      });
      const text = await response.body.text();
      if (response.statusCode !== 201) throw new Error(`seeding ${userName}: ${response.statusCode} ${text.slice(0, 300)}`);
      users[i] = { id: (JSON.parse(text) as { id: string }).id, userName };
    }
  };
  try {
    await Promise.all(Array.from({ length: clients }, worker));
  } finally {
    await pool.close();
  }
  return users;
}

/** totalResults of GET /Users (with a filter when given). */
async function countUsers(origin: string, filter?: string): Promise<number> {
  const query = `startIndex=1&count=1${filter === undefined ? '' : `&filter=${encodeURIComponent(filter)}`}`;
  const response = await fetch(`${origin}${SCIM}/Users?${query}`, { headers: { authorization: `Bearer ${BENCH_TOKEN}` } });
  const body = (await response.json()) as { totalResults?: unknown };
  return typeof body.totalResults === 'number' ? body.totalResults : Number.NaN;
}

/** Waits until lpprov has sent every command to its simulator (at most 5 minutes). */
async function drain(target: Target): Promise<void> {
  const deadline = Date.now() + 300_000;
  while ((await target.backlog()) > 0) {
    if (Date.now() > deadline) throw new Error(`the outbox did not drain within 5 minutes (${await target.backlog()} commands left)`);
    await sleep(100);
  }
}
