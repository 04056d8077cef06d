import { setTimeout as sleep } from 'node:timers/promises';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { LpprovProcess } from '../support/lpprov-process.ts';
import { outboxCounts, type SeedPerson, seedOutbox } from '../support/outbox-seeding.ts';
import { appliedEffects, simulatorCalls } from '../support/simulator-calls.ts';
import { waitFor } from '../support/wait-for.ts';

const CREDENTIALS = { cid: '8771312', provhash: 'crash-test-provhash-77aa01' };
const PEOPLE = 800;
const KILLS = 20;

/**
 * Every person: add, move to another group; every other person also leaves. 2,000 commands.
 */
function plannedPeople(): SeedPerson[] {
  return Array.from({ length: PEOPLE }, (_, i) => {
    const personId = `c${String(i).padStart(4, '0')}`;
    const username = `${personId}@acme.example`;
    return {
      personId,
      commands: [
        { kind: 'add_user', username, fullname: personId, groups: ['hr-all'] },
        { kind: 'change_groups', username, add: ['hr-moved'], del: ['hr-all'] },
        ...(i % 2 === 0 ? [{ kind: 'disable_user' as const, username }] : []),
      ],
    };
  });
}

describe('dispatcher crash test', () => {
  let simulator: RunningSimulator;
  let testDb: TestDatabase;

  beforeAll(async () => {
    simulator = await startSimulator({
      ...CREDENTIALS,
      port: 0,
      faults: { latency: { minMs: 15, maxMs: 40 }, seed: 7 },
    });
    testDb = await createTestDatabase('sqlite');
  });
  afterAll(async () => {
    await simulator.stop();
    await testDb.dispose();
  });

  it('loses nothing and repeats nothing outside the documented window across 20 SIGKILLs', async () => {
    await seedOutbox(testDb.db, plannedPeople());
    expect(await outboxCounts(testDb.db)).toEqual({ pending: 2000 });

    const env = {
      DATABASE_URL: testDb.databaseUrl,
      LASTPASS_URL: simulator.endpoint,
      LASTPASS_CID: CREDENTIALS.cid,
      LASTPASS_PROVHASH: CREDENTIALS.provhash,
      PORT: '0',
      LOG_LEVEL: 'warn',
      // Small batches and a rate limit stretch the run so the kills land mid-flight; a short
      // lease lets the next process take over what the killed one held. It is extended every
      // third of it while a process works: 3 s leaves a loaded machine room to do that in time.
      DISPATCH_BATCH_SIZE: '10',
      DISPATCH_MAX_IN_FLIGHT: '2',
      LASTPASS_RATE_PER_SECOND: '25',
      LASTPASS_RATE_BURST: '2',
      DISPATCH_LEASE_MS: '3000',
      DISPATCH_POLL_MS: '100',
      BREAKER_ENABLED: 'false',
    };

    const kills: number[] = [];
    for (let round = 0; round < KILLS; round += 1) {
      const process = LpprovProcess.start(env);
      const callsBefore = (await simulatorCalls(simulator.url)).length;
      // Kill only once this process is sending, at a random moment of its run.
      await waitFor(async () => (await simulatorCalls(simulator.url)).length > callsBefore, {
        intervalMs: 20,
        description: `round ${round} to start sending`,
      });
      await sleep(50 + Math.floor(Math.random() * 400));
      kills.push(Date.now());
      const exit = await process.kill('SIGKILL');
      expect(exit.signal).toBe('SIGKILL');
    }
    const pendingAfterKills = await outboxCounts(testDb.db);
    expect(pendingAfterKills.done ?? 0).toBeLessThan(2000); // the kills really landed mid-run

    const last = LpprovProcess.start(env);
    try {
      await waitFor(async () => (await outboxCounts(testDb.db)).done === 2000, {
        timeoutMs: 300_000,
        intervalMs: 200,
        description: 'every command to be done after the last restart',
      });
    } finally {
      await last.kill('SIGTERM');
    }
    expect(await outboxCounts(testDb.db)).toEqual({ done: 2000 });

    // The simulator's final state is the planned one.
    const state = (await (await fetch(`${simulator.url}/_simulator/state`)).json()) as {
      users: { username: string; disabled: boolean; groups: string[] }[];
    };
    expect(state.users).toHaveLength(PEOPLE);
    expect(state.users.filter((u) => u.groups.join() === 'hr-moved')).toHaveLength(PEOPLE);
    expect(state.users.filter((u) => u.disabled)).toHaveLength(PEOPLE / 2);

    // An effect applied twice must straddle a kill: LastPass applied the first call, the process
    // died before committing "done", and the next process sent it again (docs/outbox.md).
    const byKey = new Map<string, number[]>();
    for (const effect of appliedEffects(await simulatorCalls(simulator.url))) {
      byKey.set(effect.key, [...(byKey.get(effect.key) ?? []), Date.parse(effect.call.time)]);
    }
    const repeated = [...byKey.entries()].filter(([, times]) => times.length > 1);
    for (const [key, times] of repeated) {
      const [first, second] = times as [number, number];
      const straddles = kills.some((kill) => first <= kill && kill <= second);
      expect(straddles, `${key} applied at ${times.map((t) => new Date(t).toISOString()).join(', ')}`).toBe(true);
    }
    // At most what one killed process can have had in flight: maxInFlight calls of a batch each.
    expect(repeated.length).toBeLessThanOrEqual(KILLS * 2 * 10);
    console.info(`[crash test] ${KILLS} kills, ${byKey.size} effects, ${repeated.length} repeated within the window`);
  }, 600_000);
});
