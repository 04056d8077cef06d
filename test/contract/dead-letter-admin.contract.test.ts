import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { DeadLetter } from '../../src/core/ports.ts';
import { SqlDeadLetterAdmin } from '../../src/db/dead-letter-admin.ts';
import { SqlDeadLetterRepository } from '../../src/db/dead-letter.repository.ts';
import { migrate } from '../../src/db/migrate.ts';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases.ts';

const NOW = Date.parse('2026-01-05T09:00:00Z');

/** A SCIM user LastPass cannot have, as the SCIM use case records its refusal. */
function scimRefusal(id: string, createdAt: number): DeadLetter {
  return {
    source: `scim://okta/Users/${id}`,
    reason: 'not provisioned to LastPass: LastPass accounts are email addresses: give the user an email',
    raw: JSON.stringify({ id, userName: 'ann', change: 'updated' }),
    createdAt,
  };
}

/** One contract, every engine: listing, resolving and the once-while-open rule for SCIM refusals. */
describe.each(ENGINES)('input dead letters on %s', (engine) => {
  let testDb: TestDatabase;
  let letters: SqlDeadLetterRepository;
  let admin: SqlDeadLetterAdmin;

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    letters = new SqlDeadLetterRepository(testDb.db);
    admin = new SqlDeadLetterAdmin(testDb.db);
  });
  afterAll(async () => {
    await testDb.dispose();
  });
  beforeEach(async () => {
    await testDb.db.execute('DELETE FROM dead_letters');
  });

  const idOf = async (source: string): Promise<number> => {
    const [found] = await admin.list({ open: false, source });
    if (found === undefined) throw new Error(`no dead letter from ${source}`);
    return found.id;
  };

  it('lists open ones newest first, by source prefix, limited; resolved ones only when asked', async () => {
    await letters.add({ source: 'webhook', reason: 'the request body is not valid JSON', raw: '{', createdAt: NOW });
    await letters.add({ source: 'kafka:hr_v1/0/41', reason: 'the message value is not JSON', raw: 'x', createdAt: NOW + 1000 });
    await letters.add({ source: 'kafka:hr%v1/0/42', reason: 'the message value is not JSON', raw: 'y', createdAt: NOW + 2000 });
    await letters.add(scimRefusal('u-1', NOW + 3000));

    const open = await admin.list();
    expect(open.map((l) => l.source)).toEqual(['scim://okta/Users/u-1', 'kafka:hr%v1/0/42', 'kafka:hr_v1/0/41', 'webhook']);
    expect(open[3]).toEqual({
      id: expect.any(Number) as number,
      source: 'webhook',
      reason: 'the request body is not valid JSON',
      raw: '{',
      createdAt: NOW,
      resolvedAt: undefined,
      resolution: undefined,
    });
    // A prefix is text, not a pattern: _ and % match only themselves, and case counts on both engines.
    expect((await admin.list({ source: 'kafka:hr_' })).map((l) => l.raw)).toEqual(['x']);
    expect((await admin.list({ source: 'kafka:' })).map((l) => l.raw)).toEqual(['y', 'x']);
    expect(await admin.list({ source: 'KAFKA:' })).toEqual([]);
    expect((await admin.list({ limit: 2 })).map((l) => l.createdAt)).toEqual([NOW + 3000, NOW + 2000]);

    const webhook = await idOf('webhook');
    expect(await admin.resolve(webhook, 'discarded by anna: resent', NOW + 5000)).toBe(true);
    expect((await admin.list()).map((l) => l.source)).not.toContain('webhook');
    expect(await admin.get(webhook)).toMatchObject({ resolvedAt: NOW + 5000, resolution: 'discarded by anna: resent' });
    expect((await admin.list({ open: false })).map((l) => l.source)).toContain('webhook');
    expect(await admin.countOpen()).toBe(3);
  });

  it('resolves an open dead letter once, and refuses unknown or resolved ones', async () => {
    await letters.add({ source: 'webhook', reason: 'invalid', raw: '"x"', createdAt: NOW });
    const id = await idOf('webhook');
    expect(await admin.get(id + 1000)).toBeUndefined();
    expect(await admin.resolve(id + 1000, 'discarded by anna: x', NOW)).toBe(false);
    expect(await admin.resolve(id, 'retried by anna: applied', NOW + 1)).toBe(true);
    expect(await admin.resolve(id, 'discarded by bob: late', NOW + 2)).toBe(false);
    expect(await admin.get(id)).toMatchObject({ resolvedAt: NOW + 1, resolution: 'retried by anna: applied' });
    expect(await admin.countOpen()).toBe(0);
  });

  it('keeps one open row per SCIM refusal, and stores it again once the first is resolved', async () => {
    // The identity provider repeats the same refused change: stored once while it is open.
    await letters.add(scimRefusal('u-2', NOW));
    await letters.add(scimRefusal('u-2', NOW + 60_000));
    expect((await admin.list({ open: false })).map((l) => l.createdAt)).toEqual([NOW]);
    // Another reason for the same user, or another user, is another refusal.
    await letters.add({ ...scimRefusal('u-2', NOW + 1), reason: 'not provisioned to LastPass: something else' });
    await letters.add(scimRefusal('u-3', NOW + 2));
    expect(await admin.countOpen()).toBe(3);
    // HR inputs are not constrained: two webhook items may fail for the same reason.
    await letters.add({ source: 'webhook', reason: 'invalid', raw: '1', createdAt: NOW });
    await letters.add({ source: 'webhook', reason: 'invalid', raw: '2', createdAt: NOW });
    expect(await admin.list({ source: 'webhook' })).toHaveLength(2);

    const first = (await admin.list({ source: 'scim://okta/Users/u-2' })).find((l) => l.createdAt === NOW);
    expect(first).toBeDefined();
    expect(await admin.resolve(first?.id ?? 0, 'discarded by anna: fixed in Okta', NOW + 120_000)).toBe(true);
    await letters.add(scimRefusal('u-2', NOW + 180_000));
    const again = (await admin.list({ open: false, source: 'scim://okta/Users/u-2' })).filter((l) => l.reason === first?.reason);
    expect(again.map((l) => [l.createdAt, l.resolution ?? null])).toEqual([
      [NOW + 180_000, null],
      [NOW, 'discarded by anna: fixed in Okta'],
    ]);
  });

  it('migration 10 closes SCIM refusals an older lpprov stored more than once, keeping the oldest open', async () => {
    // The schema as migration 9 left it, with the repeats an older lpprov wrote.
    await testDb.db.execute('DROP INDEX dead_letters_scim_open');
    await testDb.db.execute('DROP INDEX dead_letters_open');
    await testDb.db.execute('ALTER TABLE dead_letters DROP COLUMN resolution');
    await testDb.db.execute('ALTER TABLE dead_letters DROP COLUMN resolved_at');
    await testDb.db.execute('DELETE FROM schema_migrations WHERE version = 10');
    const insert = (letter: DeadLetter) =>
      testDb.db.execute('INSERT INTO dead_letters (source, reason, raw, created_at) VALUES ($1, $2, $3, $4)', [
        letter.source,
        letter.reason,
        letter.raw,
        letter.createdAt,
      ]);
    await insert(scimRefusal('u-4', NOW));
    await insert(scimRefusal('u-4', NOW + 1000));
    await insert(scimRefusal('u-4', NOW + 2000));
    await insert(scimRefusal('u-5', NOW + 3000));
    await insert({ source: 'webhook', reason: 'invalid', raw: '1', createdAt: NOW });
    await insert({ source: 'webhook', reason: 'invalid', raw: '1', createdAt: NOW });

    expect(await migrate(testDb.db)).toEqual([{ version: 10, name: 'dead_letter_resolution' }]);
    const open = await admin.list({ limit: 100 });
    expect(open.map((l) => [l.source, l.createdAt])).toEqual([
      ['scim://okta/Users/u-5', NOW + 3000],
      // The same time: the later id first.
      ['webhook', NOW],
      ['webhook', NOW],
      ['scim://okta/Users/u-4', NOW],
    ]);
    const closed = (await admin.list({ open: false })).filter((l) => l.resolvedAt !== undefined);
    expect(closed.map((l) => [l.createdAt, l.resolvedAt, l.resolution])).toEqual([
      [NOW + 2000, NOW + 2000, 'repeated: the same SCIM refusal is open as an older dead letter'],
      [NOW + 1000, NOW + 1000, 'repeated: the same SCIM refusal is open as an older dead letter'],
    ]);
    // And the index holds from now on.
    await letters.add(scimRefusal('u-4', NOW + 9000));
    expect(await admin.countOpen()).toBe(4);
  });
});
