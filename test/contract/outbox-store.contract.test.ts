import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { LastPassCommand } from '../../src/core/commands.ts';
import { SqlDeadLetterRepository } from '../../src/db/dead-letter.repository.ts';
import { SqlUnitOfWork } from '../../src/db/sql-unit-of-work.ts';
import { SqlAccountControl } from '../../src/outbox/account-control.store.ts';
import { DESTRUCTIVE_KINDS } from '../../src/outbox/breaker.ts';
import { outboxStoreFor } from '../../src/outbox/open-outbox.ts';
import type { OutboxStore } from '../../src/outbox/outbox.store.ts';
import { SqlOutboxAdmin } from '../../src/outbox/sql-outbox-admin.ts';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases.ts';
import { waitFor } from '../support/wait-for.ts';

const NOW = Date.parse('2026-01-05T09:00:00Z');
const LEASE = 60_000;

/** One contract, every engine: the same expectations hold for the SQLite and PostgreSQL adapters. */
describe.each(ENGINES)('outbox store contract on %s', (engine) => {
  let testDb: TestDatabase;
  let store: OutboxStore;
  let admin: SqlOutboxAdmin;

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    store = outboxStoreFor(testDb.db);
    admin = new SqlOutboxAdmin(testDb.db);
  });
  afterAll(async () => {
    await testDb.dispose();
  });
  beforeEach(async () => {
    await testDb.db.execute('DELETE FROM outbox');
    await testDb.db.execute('DELETE FROM people');
    await testDb.db.execute('DELETE FROM dispatch_accounts');
  });

  async function enqueue(personId: string, commands: LastPassCommand[], keyPrefix = personId, notBefore?: number) {
    return new SqlUnitOfWork(testDb.db).run(async (scope) => {
      if ((await scope.people.get(personId)) === undefined) {
        await scope.people.save(
          {
            personId,
            desired: { username: `${personId}@x`, fullname: '', groups: [], active: true },
            lastpass: undefined,
            lastSequence: undefined,
            lastEventTime: undefined,
          },
          NOW,
        );
      }
      return scope.outbox.enqueue(
        personId,
        commands.map((command, i) => ({ command, idempotencyKey: `${keyPrefix}-${i}`, ...(notBefore ? { notBefore } : {}) })),
        NOW,
      );
    });
  }

  it('claims only the head of each person queue, and the next one after completion', async () => {
    await enqueue('alice', [
      { kind: 'add_user', username: 'alice@x', groups: [] },
      { kind: 'change_groups', username: 'alice@x', add: ['g'], del: [] },
    ]);
    await enqueue('bob', [{ kind: 'add_user', username: 'bob@x', groups: [] }]);

    const first = await store.claim('d1', 10, LEASE, NOW);
    expect(first.map((c) => [c.personId, c.seq, c.command.kind])).toEqual([
      ['alice', 1, 'add_user'],
      ['bob', 1, 'add_user'],
    ]);
    expect(await store.claim('d2', 10, LEASE, NOW)).toEqual([]);

    await store.complete([first[0]!.id], 'd1', NOW);
    const second = await store.claim('d2', 10, LEASE, NOW);
    expect(second.map((c) => [c.personId, c.seq, c.command.kind])).toEqual([['alice', 2, 'change_groups']]);
  });

  it('puts leavers before movers before joiners', async () => {
    await enqueue('j', [{ kind: 'add_user', username: 'j@x', groups: [] }]);
    await enqueue('m', [{ kind: 'change_groups', username: 'm@x', add: ['a'], del: [] }]);
    await enqueue('l', [{ kind: 'disable_user', username: 'l@x' }]);
    const claimed = await store.claim('d', 2, LEASE, NOW);
    expect(claimed.map((c) => c.personId).sort()).toEqual(['l', 'm']);
  });

  it('returns expired leases to the queue and ignores the late owner', async () => {
    await enqueue('carol', [{ kind: 'disable_user', username: 'carol@x' }]);
    const [taken] = await store.claim('crashed', 10, LEASE, NOW);
    expect(await store.claim('other', 10, LEASE, NOW + LEASE - 1)).toEqual([]);
    const [retaken] = await store.claim('other', 10, LEASE, NOW + LEASE + 1);
    expect(retaken?.id).toBe(taken?.id);
    expect(retaken?.attempts).toBe(2);

    await store.complete([taken!.id], 'crashed', NOW + LEASE + 2); // too late: not the owner any more
    const rows = await testDb.db.query<{ status: string; lease_owner: string }>('SELECT status, lease_owner FROM outbox');
    expect(rows).toEqual([{ status: 'in_flight', lease_owner: 'other' }]);
  });

  it('skips a known idempotency key', async () => {
    expect(await enqueue('dave', [{ kind: 'add_user', username: 'dave@x', groups: [] }], 'same-key')).toBe(1);
    expect(await enqueue('dave', [{ kind: 'add_user', username: 'dave@x', groups: [] }], 'same-key')).toBe(0);
    const rows = await testDb.db.query('SELECT id FROM outbox');
    expect(rows).toHaveLength(1);
  });

  it('holds scheduled commands until their time and retries after the backoff', async () => {
    await enqueue('erin', [{ kind: 'delete_user', username: 'erin@x', action: 'delete' }], 'erin', NOW + 1000);
    expect(await store.claim('d', 10, LEASE, NOW)).toEqual([]);
    const [due] = await store.claim('d', 10, LEASE, NOW + 1000);
    expect(due?.command.kind).toBe('delete_user');
    await store.retryLater(due!.id, 'd', NOW + 5000, 'HTTP 503', NOW + 1000);
    expect(await store.claim('d', 10, LEASE, NOW + 4999)).toEqual([]);
    expect(await store.claim('d', 10, LEASE, NOW + 5000)).toHaveLength(1);
  });

  it('lets a dead command block the person until an operator acts', async () => {
    await enqueue('fay', [
      { kind: 'add_user', username: 'fay@x', groups: [] },
      { kind: 'disable_user', username: 'fay@x' },
    ]);
    const [head] = await store.claim('d', 10, LEASE, NOW);
    await store.deadLetter(head!.id, 'd', 'refused', NOW);
    expect(await store.claim('d', 10, LEASE, NOW + 10_000_000)).toEqual([]);
  });

  it('lets an operator retry, skip and cancel, each unblocking the person', async () => {
    await enqueue('gus', [
      { kind: 'add_user', username: 'gus@x', groups: [] },
      { kind: 'change_groups', username: 'gus@x', add: ['a'], del: [] },
      { kind: 'disable_user', username: 'gus@x' },
    ]);
    const [first] = await store.claim('d', 10, LEASE, NOW);
    await store.deadLetter(first!.id, 'd', 'refused', NOW);
    expect((await admin.list({ status: 'dead' })).map((e) => [e.id, e.lastError])).toEqual([[first!.id, 'refused']]);
    expect(await admin.skip(first!.id + 1000, 'ops', NOW)).toBe(false);

    expect(await admin.retry(first!.id, 'ops', NOW)).toBe(true);
    const [again] = await store.claim('d', 10, LEASE, NOW);
    expect(again?.id).toBe(first!.id);
    expect(again?.attempts).toBe(1);
    await store.deadLetter(again!.id, 'd', 'refused again', NOW);

    expect(await admin.skip(first!.id, 'ops', NOW)).toBe(true);
    const [second] = await store.claim('d', 10, LEASE, NOW);
    expect(second?.command.kind).toBe('change_groups');
    await store.complete([second!.id], 'd', NOW);

    const third = (await admin.list({ personId: 'gus', status: 'pending' }))[0];
    expect(await admin.cancel(third!.id, 'ops', NOW)).toBe(true);
    expect(await store.claim('d', 10, LEASE, NOW)).toEqual([]);
    expect((await admin.get(first!.id))?.resolution).toBe('skipped by ops');
    expect(await admin.countByStatus()).toMatchObject({ done: 1, skipped: 1, cancelled: 1, pending: 0 });
  });

  it('parks commands for approval, blocking the person, and releases or drops them', async () => {
    await enqueue('hal', [{ kind: 'disable_user', username: 'hal@x' }, { kind: 'add_user', username: 'hal@x', groups: [] }]);
    await enqueue('ivy', [{ kind: 'disable_user', username: 'ivy@x' }]);
    const claimed = await store.claim('d', 10, LEASE, NOW);
    expect(await store.countDispatchedSince(DESTRUCTIVE_KINDS, NOW)).toBe(2);
    await store.park(claimed.map((c) => c.id), 'd', 'breaker', NOW);
    expect(await store.countDispatchedSince(DESTRUCTIVE_KINDS, NOW)).toBe(0);
    expect(await store.claim('d', 10, LEASE, NOW)).toEqual([]);

    const halHead = claimed.find((c) => c.personId === 'hal')!;
    expect(await admin.approve([halHead.id], 'ops', NOW)).toBe(1);
    expect(await admin.reject('all', 'ops', NOW)).toBe(1);
    const [approved] = await store.claim('d', 10, LEASE, NOW);
    expect([approved?.id, approved?.approved, approved?.attempts]).toEqual([halHead.id, true, 1]);
    expect(await store.countDispatchedSince(DESTRUCTIVE_KINDS, NOW)).toBe(0); // approved ones do not count again
  });

  it('extends leases only for their owner', async () => {
    await enqueue('jo', [{ kind: 'disable_user', username: 'jo@x' }]);
    const [taken] = await store.claim('a', 10, LEASE, NOW);
    await store.extendLeases([taken!.id], 'someone-else', NOW + 10 * LEASE);
    expect(await store.claim('b', 10, LEASE, NOW + LEASE + 1)).toHaveLength(1);
    await store.extendLeases([taken!.id], 'b', NOW + 10 * LEASE);
    expect(await store.claim('c', 10, LEASE, NOW + 5 * LEASE)).toEqual([]);
  });

  it('counts managed accounts', async () => {
    await enqueue('kim', [{ kind: 'add_user', username: 'kim@x', groups: [] }]);
    expect(await store.countManagedAccounts()).toBe(0); // the test person has no planned account
    await testDb.db.execute(`UPDATE people SET lastpass = '{}'`);
    expect(await store.countManagedAccounts()).toBe(1);
  });

  it('tells listeners about work enqueued elsewhere', async () => {
    let heard = 0;
    const unlisten = await store.onEnqueued(() => {
      heard += 1;
    });
    try {
      const before = heard;
      await enqueue('lea', [{ kind: 'add_user', username: 'lea@x', groups: [] }]);
      if (engine === 'postgres') {
        await waitFor(() => heard > before, { description: 'a NOTIFY after the enqueue' });
      } else {
        expect(heard).toBe(before); // one process: the enqueuer wakes the dispatcher itself
      }
    } finally {
      await unlisten();
    }
  });

  it('dead-letters a Kafka message once, even when its batch is redelivered', async () => {
    await testDb.db.execute('DELETE FROM dead_letters');
    const letters = new SqlDeadLetterRepository(testDb.db);
    const kafka = { source: 'kafka:hr/0/41', reason: 'not JSON', raw: '{', createdAt: NOW };
    await letters.add(kafka);
    await letters.add({ ...kafka, createdAt: NOW + 1 });
    await letters.add({ source: 'webhook', reason: 'not JSON', raw: '{', createdAt: NOW });
    await letters.add({ source: 'webhook', reason: 'not JSON', raw: '[', createdAt: NOW });
    const rows = await testDb.db.query<{ source: string }>('SELECT source FROM dead_letters ORDER BY id');
    expect(rows.map((r) => r.source)).toEqual(['kafka:hr/0/41', 'webhook', 'webhook']);
  });

  describe('account control', () => {
    it('pauses, counts refused credentials and clears them', async () => {
      const control = new SqlAccountControl(testDb.db);
      expect((await control.state('acct')).pausedUntil).toBe(0);
      await control.pause('acct', NOW + 5000, 'throttled', NOW);
      await control.pause('acct', NOW + 1000, 'shorter', NOW);
      expect(await control.state('acct')).toMatchObject({ pausedUntil: NOW + 5000, authFailures: 0 });
      expect(await control.recordAuthFailure('acct', NOW, 'refused', NOW)).toBe(1);
      expect(await control.recordAuthFailure('acct', NOW, 'refused', NOW)).toBe(2);
      expect(await control.clearAuthFailures('acct', NOW)).toBe(true);
      expect(await control.clearAuthFailures('acct', NOW)).toBe(false);
      expect(await control.state('acct')).toMatchObject({ pausedUntil: 0, authFailures: 0 });
    });

    it('opens the breaker once and closes it', async () => {
      const control = new SqlAccountControl(testDb.db);
      expect(await control.openBreaker('acct', 'too many', NOW)).toBe(true);
      expect(await control.openBreaker('acct', 'again', NOW)).toBe(false);
      expect(await control.state('acct')).toMatchObject({ breaker: 'open', breakerReason: 'too many' });
      await control.closeBreaker('acct', NOW);
      expect((await control.state('acct')).breaker).toBe('closed');
    });

    it('hands out tokens at the configured rate from a shared bucket', async () => {
      const control = new SqlAccountControl(testDb.db);
      const waits = [];
      for (let i = 0; i < 4; i += 1) waits.push(await control.takeToken('acct', 10, 3, NOW));
      expect(waits.slice(0, 3)).toEqual([0, 0, 0]); // the burst
      expect(waits[3]).toBe(100); // one token per 100 ms at 10/s
      expect(await control.takeToken('acct', 10, 3, NOW + 100)).toBe(0);
      expect(await control.takeToken('acct', 10, 3, NOW + 100)).toBeGreaterThan(0);
    });
  });
});
