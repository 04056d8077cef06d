import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Lifecycle } from '../../src/core/lifecycle.ts';
import { SqlPersonRepository } from '../../src/db/person.repository.ts';
import type { ClaimedCommand } from '../../src/outbox/outbox.store.ts';
import { SqlPreconditionCheck } from '../../src/outbox/precondition-check.ts';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases.ts';

const lifecycle = (epoch: number, legalHold = false): Lifecycle => ({
  state: 'terminated',
  epoch,
  population: 'default',
  startsAt: undefined,
  leavesAt: 0,
  graceEndsAt: 1,
  legalHold,
  holdRemainingMs: undefined,
});

const deleteOf = (id: number, personId: string, epoch: number): ClaimedCommand => ({
  id,
  personId,
  seq: 1,
  command: { kind: 'delete_user', username: `${personId}@x`, action: 'delete' },
  attempts: 1,
  idempotencyKey: `k${id}`,
  approved: false,
  precondition: { epoch, notOnLegalHold: true },
});

describe.each(ENGINES)('scheduled command preconditions on %s', (engine) => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    const people = new SqlPersonRepository(testDb.db);
    const save = (personId: string, l: Lifecycle) =>
      people.save(
        {
          personId,
          desired: { username: `${personId}@x`, fullname: '', groups: [], active: false },
          lastpass: undefined,
          lifecycle: l,
          lastSequence: undefined,
          lastEventTime: undefined,
        },
        0,
      );
    await save('same', lifecycle(3));
    await save('rehired', lifecycle(4));
    await save('held', lifecycle(3, true));
    await save('listed', lifecycle(3));
  });
  afterAll(async () => {
    await testDb.dispose();
  });

  it('lets a command fire only into the epoch it was planned for and never under legal hold', async () => {
    const check = new SqlPreconditionCheck(testDb.db, ['listed']);
    const failing = await check.failing([
      deleteOf(1, 'same', 3),
      deleteOf(2, 'rehired', 3),
      deleteOf(3, 'held', 3),
      deleteOf(4, 'listed', 3),
      deleteOf(5, 'nobody', 3),
      { ...deleteOf(6, 'rehired', 3), precondition: undefined },
    ]);
    expect([...failing.keys()].sort()).toEqual([2, 3, 4, 5]);
    expect(failing.get(2)).toContain('plan changed');
    expect(failing.get(3)).toContain('legal hold');
    expect(failing.get(4)).toContain('legal hold');
    expect(failing.get(5)).toContain('unknown');
  });
});
