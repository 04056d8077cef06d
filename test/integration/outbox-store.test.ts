import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { LastPassCommand } from '../../src/core/commands.ts';
import { SqlUnitOfWork } from '../../src/db/sql-unit-of-work.ts';
import { SqlOutboxStore } from '../../src/outbox/sql-outbox.store.ts';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases.ts';

const NOW = Date.parse('2026-01-05T09:00:00Z');
const LEASE = 60_000;

describe.each(ENGINES)('outbox store on %s', (engine) => {
  let testDb: TestDatabase;
  let store: SqlOutboxStore;

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    store = new SqlOutboxStore(testDb.db);
  });
  afterAll(async () => {
    await testDb.dispose();
  });
  beforeEach(async () => {
    await testDb.db.execute('DELETE FROM outbox');
    await testDb.db.execute('DELETE FROM people');
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
});
