import { afterEach, describe, expect, it } from 'vitest';

import { SqlAuditReader } from '../../src/db/audit.repository.ts';
import { SqlUnitOfWork } from '../../src/db/sql-unit-of-work.ts';
import { outboxStoreFor } from '../../src/outbox/open-outbox.ts';
import { SqlOutboxAdmin } from '../../src/outbox/sql-outbox-admin.ts';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases.ts';
import { seedOutbox } from '../support/outbox-seeding.ts';

const NOW = Date.parse('2026-03-02T09:00:00Z');
const LEASE = 60_000;

/**
 * command_attempts on both engines: every status change of the dispatcher's store, the planner's
 * cancellation and the operator's actions writes its history row, and a change that does not
 * happen (the lease moved on) writes none.
 */
describe.each(ENGINES)('command history on %s', (engine) => {
  let testDb: TestDatabase | undefined;
  afterEach(async () => {
    await testDb?.dispose();
    testDb = undefined;
  });

  async function setUp(people: number) {
    testDb = await createTestDatabase(engine);
    const db = testDb.db;
    await seedOutbox(
      db,
      Array.from({ length: people }, (_, i) => ({ personId: `H${i}`, commands: [{ kind: 'disable_user', username: `h${i}@acme.example` }] })),
      NOW,
    );
    const history = async (personId: string) =>
      (await new SqlAuditReader(db).rowsFor([personId])).attempts.map((a) => [a.outcome, a.attempt ?? null, a.owner ?? null, a.detail ?? null, a.durationMs ?? null]);
    return { db, store: outboxStoreFor(db), admin: new SqlOutboxAdmin(db), history };
  }

  it('records each dispatcher outcome under the attempt number it had, timed from the claim', async () => {
    const { store, history } = await setUp(6);
    const claimed = await store.claim('d1', 10, LEASE, NOW);
    const [a, b, c, d, e, f] = claimed.map((x) => x.id) as [number, number, number, number, number, number];
    await store.complete([a], 'd1', NOW + 40);
    await store.retryLater(b, 'd1', NOW + 1_000, 'HTTP 503', NOW + 50);
    await store.retryLater(c, 'd1', NOW + 1_000, 'LastPass asked to wait', NOW + 60, false);
    await store.deadLetter(d, 'd1', 'LastPass refused it', NOW + 70);
    await store.cancelClaimed([e], 'd1', 'rehired: the leave no longer applies', NOW + 80);
    await store.park([f], 'd1', 'parked by the mass-change breaker', NOW + 90);
    // Outcomes for a lease this dispatcher no longer holds change nothing and record nothing.
    await store.complete([b, c, d], 'd1', NOW + 100);
    await store.deadLetter(a, 'someone-else', 'late', NOW + 100);

    expect(await history('H0')).toEqual([['done', 1, 'd1', null, 40]]);
    expect(await history('H1')).toEqual([['retry', 1, 'd1', 'HTTP 503', 50]]);
    expect(await history('H2')).toEqual([['released', 1, 'd1', 'LastPass asked to wait', 60]]);
    expect(await history('H3')).toEqual([['dead', 1, 'd1', 'LastPass refused it', 70]]);
    expect(await history('H4')).toEqual([['cancelled', 1, 'd1', 'rehired: the leave no longer applies', 80]]);
    // Parking gives the attempt back and forgets the claim.
    expect(await history('H5')).toEqual([['parked', 1, 'd1', 'parked by the mass-change breaker', null]]);

    // The given-back attempt is taken again under the same number; the retried one under the next.
    const again = await store.claim('d2', 10, LEASE, NOW + 2_000);
    expect(again.map((x) => [x.personId, x.attempts])).toEqual([
      ['H1', 2],
      ['H2', 1],
    ]);
    await store.complete(
      again.map((x) => x.id),
      'd2',
      NOW + 2_010,
    );
    expect(await history('H1')).toEqual([
      ['retry', 1, 'd1', 'HTTP 503', 50],
      ['done', 2, 'd2', null, 10],
    ]);
  });

  it('records an expired lease once, naming the dispatcher that held it', async () => {
    const { store, history } = await setUp(1);
    await store.claim('crashed', 10, LEASE, NOW);
    const [taken] = await store.claim('d2', 10, LEASE, NOW + LEASE + 1);
    expect(taken?.attempts).toBe(2);
    expect(await store.claim('d3', 10, LEASE, NOW + LEASE + 2)).toEqual([]);
    await store.complete([taken?.id ?? 0], 'd2', NOW + LEASE + 5);
    expect(await history('H0')).toEqual([
      ['expired', 1, 'crashed', 'the lease ran out before the dispatcher holding it recorded an outcome', LEASE + 1],
      ['done', 2, 'd2', null, 4],
    ]);
  });

  it("records the operator's actions with the actor, and the planner's cancellations", async () => {
    const { db, store, admin, history } = await setUp(4);
    const claimed = await store.claim('d1', 10, LEASE, NOW);
    const [a, b, c, d] = claimed.map((x) => x.id) as [number, number, number, number];
    await store.deadLetter(a, 'd1', 'refused', NOW + 1);
    await store.deadLetter(b, 'd1', 'refused', NOW + 1);
    await store.park([c, d], 'd1', 'parked', NOW + 1);

    expect(await admin.retry(a, 'anna', NOW + 10)).toBe(true);
    expect(await admin.retry(a, 'anna', NOW + 11)).toBe(false); // not dead any more: nothing recorded
    expect(await admin.skip(b, 'ben', NOW + 12)).toBe(true);
    expect(await admin.approve([c], 'cleo', NOW + 13)).toBe(1);
    expect(await admin.reject('all', 'dan', NOW + 14)).toBe(1);
    await new SqlUnitOfWork(db).run((scope) => scope.outbox.cancel([a], 'superseded by evt-9', NOW + 15));

    expect((await history('H0')).slice(1)).toEqual([
      ['operator_retry', null, 'anna', 'retried by anna', null],
      ['cancelled', null, null, 'superseded by evt-9', null],
    ]);
    expect((await history('H1')).slice(1)).toEqual([['operator_skip', null, 'ben', 'skipped by ben', null]]);
    expect((await history('H2')).slice(1)).toEqual([['operator_approve', null, 'cleo', 'approved by cleo', null]]);
    expect((await history('H3')).slice(1)).toEqual([['operator_reject', null, 'dan', 'rejected by dan', null]]);
  });

  it('carries the correlation id from the enqueue to the claim', async () => {
    testDb = await createTestDatabase(engine);
    const db = testDb.db;
    await new SqlUnitOfWork(db).run(async (scope) => {
      await scope.people.save(
        {
          personId: 'C1',
          desired: { username: 'c1@acme.example', fullname: '', groups: [], active: true },
          lastpass: undefined,
          lastSequence: undefined,
          lastEventTime: undefined,
        },
        NOW,
      );
      await scope.outbox.enqueue('C1', [{ command: { kind: 'add_user', username: 'c1@acme.example', groups: [] }, idempotencyKey: 'c1-0' }], NOW, 'req-42:3');
      await scope.outbox.enqueue('C1', [{ command: { kind: 'disable_user', username: 'c1@acme.example' }, idempotencyKey: 'c1-1' }], NOW);
    });
    const store = outboxStoreFor(db);
    const [first] = await store.claim('d1', 10, LEASE, NOW);
    expect(first?.correlationId).toBe('req-42:3');
    await store.complete([first?.id ?? 0], 'd1', NOW);
    const [second] = await store.claim('d1', 10, LEASE, NOW);
    expect(second).toBeDefined();
    expect(second).not.toHaveProperty('correlationId');
  });
});
