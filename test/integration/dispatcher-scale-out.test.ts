import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { LpprovProcess } from '../support/lpprov-process.ts';
import { outboxCounts, type SeedPerson, seedOutbox } from '../support/outbox-seeding.ts';
import { appliedEffects, simulatorCalls } from '../support/simulator-calls.ts';
import { waitFor } from '../support/wait-for.ts';

const CREDENTIALS = { cid: '8771312', provhash: 'scale-out-provhash-5d2e90' };
const PEOPLE = 500;
const STEPS = ['batchadd', 'updateuser', 'batchchangegrp', 'disableuser'];

/** Four steps per person, 2,000 commands; the order matters (add before anything else). */
function plannedPeople(): SeedPerson[] {
  return Array.from({ length: PEOPLE }, (_, i) => {
    const personId = `s${String(i).padStart(4, '0')}`;
    const username = `${personId}@acme.example`;
    return {
      personId,
      commands: [
        { kind: 'add_user', username, fullname: personId, groups: ['hr-all'] },
        { kind: 'update_user', username, fullname: `${personId} Renamed` },
        { kind: 'change_groups', username, add: ['hr-moved'], del: ['hr-all'] },
        { kind: 'disable_user', username },
      ],
    };
  });
}

describe('three dispatchers on one PostgreSQL database', () => {
  let simulator: RunningSimulator;
  let testDb: TestDatabase;

  beforeAll(async () => {
    simulator = await startSimulator({ ...CREDENTIALS, port: 0, faults: { latency: { minMs: 5, maxMs: 20 }, seed: 3 } });
    testDb = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await simulator.stop();
    await testDb.dispose();
  });

  it('share 2,000 commands: each reaches LastPass once, and each person in order', async () => {
    await seedOutbox(testDb.db, plannedPeople());
    const env = {
      DATABASE_URL: testDb.databaseUrl,
      LASTPASS_URL: simulator.endpoint,
      LASTPASS_CID: CREDENTIALS.cid,
      LASTPASS_PROVHASH: CREDENTIALS.provhash,
      PORT: '0',
      LOG_LEVEL: 'debug',
      DISPATCH_BATCH_SIZE: '25',
      DISPATCH_MAX_IN_FLIGHT: '2',
      LASTPASS_RATE_PER_SECOND: '0',
      DISPATCH_POLL_MS: '100',
      BREAKER_ENABLED: 'false',
    };
    const dispatchers = [LpprovProcess.start(env), LpprovProcess.start(env), LpprovProcess.start(env)];
    try {
      await waitFor(async () => (await outboxCounts(testDb.db)).done === 2000, {
        timeoutMs: 300_000,
        intervalMs: 200,
        description: 'every command to be done',
      });
    } finally {
      for (const d of dispatchers) await d.kill('SIGTERM');
    }
    expect(await outboxCounts(testDb.db)).toEqual({ done: 2000 });

    // Every replica took part.
    for (const d of dispatchers) {
      const sent = d.logLines().filter((l) => l.msg === 'lastpass call').length;
      expect(sent, d.stderr).toBeGreaterThan(0);
    }

    const effects = appliedEffects(await simulatorCalls(simulator.url));
    // Each intended effect (one idempotency key) reached the simulator exactly once.
    const perKey = new Map<string, number>();
    for (const e of effects) perKey.set(e.key, (perKey.get(e.key) ?? 0) + 1);
    expect(perKey.size).toBe(2000);
    expect([...perKey.values()].every((n) => n === 1)).toBe(true);
    // Each person's calls arrived in the planned order.
    const order = new Map<string, string[]>();
    for (const e of [...effects].sort((a, b) => a.call.seq - b.call.seq)) {
      order.set(e.username, [...(order.get(e.username) ?? []), e.cmd]);
    }
    expect(order.size).toBe(PEOPLE);
    for (const [username, cmds] of order) expect(cmds, username).toEqual(STEPS);
  }, 600_000);
});
