import { afterEach, describe, expect, it } from 'vitest';

import { applyHrInputs } from '../../src/app/apply-hr-inputs.ts';
import { parseHrEvent } from '../../src/core/events/hr-event.ts';
import { DEFAULT_POLICY } from '../../src/core/policy/policy.ts';
import { SqlUnitOfWork } from '../../src/db/sql-unit-of-work.ts';
import { outboxStoreFor } from '../../src/outbox/open-outbox.ts';
import { hrEvent } from '../fixtures/hr-events.ts';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/databases.ts';

const T0 = Date.parse('2026-05-04T09:00:00Z');

describe.each(ENGINES)('planning against the outbox on %s', (engine) => {
  let testDb: TestDatabase | undefined;
  afterEach(async () => {
    await testDb?.dispose();
    testDb = undefined;
  });

  async function apply(db: TestDatabase, event: Record<string, unknown>, now: number): Promise<string[]> {
    const parsed = parseHrEvent(event);
    if (!parsed.ok) throw new Error(parsed.reason);
    return applyHrInputs(
      { unitOfWork: new SqlUnitOfWork(db.db), clock: { now: () => now }, policy: DEFAULT_POLICY },
      [{ kind: 'event', event: parsed.event }],
    );
  }

  it('a leave supersedes a dead-lettered mover step, so access removal is never held back by it', async () => {
    const db = (testDb = await createTestDatabase(engine));
    const store = outboxStoreFor(db.db);
    const iso = (ms: number) => new Date(ms).toISOString();
    await apply(db, hrEvent({ personId: 'P-1', email: 'p1@acme.example', sequence: 1, time: iso(T0) }), T0);
    const [add] = await store.claim('d', 10, 60_000, T0);
    await store.complete([add!.id], 'd', T0);
    await apply(
      db,
      hrEvent({ personId: 'P-1', type: 'io.lpprov.hr.worker.attributes_changed.v1', email: 'p1.new@acme.example', sequence: 2, time: iso(T0 + 1000) }),
      T0 + 1000,
    );
    const [email] = await store.claim('d', 10, 60_000, T0 + 1000);
    expect(email?.command.kind).toBe('update_email');
    await store.deadLetter(email!.id, 'd', 'has not activated the account yet', T0 + 1000);

    await apply(db, hrEvent({ personId: 'P-1', type: 'io.lpprov.hr.worker.left.v1', sequence: 3, time: iso(T0 + 2000) }), T0 + 2000);
    const rows = await db.db.query<{ kind: string; status: string }>('SELECT kind, status FROM outbox ORDER BY seq');
    expect(rows.map((r) => `${r.kind}:${r.status}`)).toEqual([
      'add_user:done',
      'update_email:cancelled',
      'disable_user:pending',
      'delete_user:pending',
    ]);
    expect((await store.claim('d', 10, 60_000, T0 + 2000)).map((c) => c.command.kind)).toEqual(['disable_user']);
  });

  const outboxRows = async (db: TestDatabase) =>
    (await db.db.query<{ person_id: string; kind: string; status: string }>('SELECT person_id, kind, status FROM outbox ORDER BY id')).map(
      (r) => `${r.person_id} ${r.kind}:${r.status}`,
    );
  const sendAll = async (db: TestDatabase, now: number): Promise<void> => {
    const store = outboxStoreFor(db.db);
    const claimed = await store.claim('d', 100, 60_000, now);
    await store.complete(
      claimed.map((c) => c.id),
      'd',
      now,
    );
  };

  it('a newcomer of the same source takes over the account of someone who left: re-enabled, never deleted and invited again', async () => {
    const db = (testDb = await createTestDatabase(engine));
    const iso = (ms: number) => new Date(ms).toISOString();
    await apply(db, hrEvent({ personId: 'P-OLD', email: 'again@acme.example', sequence: 1, time: iso(T0) }), T0);
    await sendAll(db, T0);
    await apply(db, hrEvent({ personId: 'P-OLD', type: 'io.lpprov.hr.worker.left.v1', email: 'again@acme.example', sequence: 2, time: iso(T0 + 1000) }), T0 + 1000);
    await sendAll(db, T0 + 1000); // the disable; the delete waits for the end of the grace period
    expect(await apply(db, hrEvent({ personId: 'P-NEW', email: 'Again@acme.example', time: iso(T0 + 2000) }), T0 + 2000)).toEqual(['applied']);
    expect(await outboxRows(db)).toEqual([
      'P-OLD add_user:done',
      'P-OLD disable_user:done',
      'P-OLD delete_user:cancelled',
      'P-NEW enable_user:pending',
    ]);
    const [inbox] = await db.db.query<{ outcome: string; decisions: string }>(`SELECT outcome, decisions FROM inbox WHERE person_id = 'P-NEW'`);
    expect(inbox?.outcome).toBe('applied');
    expect(inbox?.decisions).toContain('was planned for P-OLD, who left: taken over; 1 unsent command(s) of theirs cancelled');
  });

  it('the deciding source (HR) takes over an account the IdP created; an unsent IdP invitation is replaced, not inherited', async () => {
    const db = (testDb = await createTestDatabase(engine));
    const scim = (personId: string, email: string) => hrEvent({ personId, email, source: 'scim://entra/Users' });
    await apply(db, scim('scim:u1', 'made.by.idp@acme.example'), T0);
    await sendAll(db, T0);
    await apply(db, hrEvent({ personId: 'E-1', email: 'made.by.idp@acme.example', sequence: 1 }), T0 + 1000);
    await apply(db, hrEvent({ personId: 'E-1', type: 'io.lpprov.hr.worker.left.v1', email: 'made.by.idp@acme.example', sequence: 2, revokeNow: true }), T0 + 2000);

    await apply(db, scim('scim:u2', 'not.sent.yet@acme.example'), T0);
    await apply(db, hrEvent({ personId: 'E-2', email: 'not.sent.yet@acme.example', sequence: 1 }), T0 + 1000);
    expect(await outboxRows(db)).toEqual([
      'scim:u1 add_user:done',
      // HR's joiner finds the account and plans nothing new for it; its leaver disables it.
      'E-1 disable_user:pending',
      'E-1 delete_user:pending',
      'scim:u2 add_user:cancelled',
      'E-2 add_user:pending',
    ]);
  });

  it('a second person naming an account another person already has plans nothing', async () => {
    const db = (testDb = await createTestDatabase(engine));
    expect(await apply(db, hrEvent({ personId: 'P-A', email: 'shared@acme.example' }), T0)).toEqual(['applied']);
    expect(await apply(db, hrEvent({ personId: 'P-B', email: 'Shared@acme.example' }), T0)).toEqual(['applied']);
    const rows = await db.db.query<{ person_id: string }>('SELECT person_id FROM outbox');
    expect(rows.map((r) => r.person_id)).toEqual(['P-A']);
    const inbox = await db.db.query<{ person_id: string; outcome: string }>('SELECT person_id, outcome FROM inbox ORDER BY person_id');
    expect(inbox).toEqual([
      { person_id: 'P-A', outcome: 'applied' },
      { person_id: 'P-B', outcome: 'account_taken' },
    ]);
  });
});
