import type { LastPassCommand } from '../../src/core/commands.ts';
import type { SqlDatabase } from '../../src/db/sql-database.ts';
import { SqlUnitOfWork } from '../../src/db/sql-unit-of-work.ts';

/** A person's planned commands, as an ingest transaction would have stored them. */
export interface SeedPerson {
  readonly personId: string;
  readonly commands: readonly LastPassCommand[];
}

/** Stores people and their commands, many per transaction, with stable idempotency keys. */
export async function seedOutbox(db: SqlDatabase, people: readonly SeedPerson[], now = Date.now()): Promise<void> {
  const unitOfWork = new SqlUnitOfWork(db);
  for (let start = 0; start < people.length; start += 200) {
    await unitOfWork.run(async (scope) => {
      for (const person of people.slice(start, start + 200)) {
        const username = `${person.personId}@acme.example`;
        await scope.people.save(
          {
            personId: person.personId,
            desired: { username, fullname: person.personId, groups: [], active: true },
            lastpass: { username, fullname: person.personId, groups: [], disabled: false },
            lastSequence: undefined,
            lastEventTime: undefined,
          },
          now,
        );
        await scope.outbox.enqueue(
          person.personId,
          person.commands.map((command, index) => ({ command, idempotencyKey: `${person.personId}|${index}|${command.kind}` })),
          now,
        );
      }
    });
  }
}

/** Outbox rows by status, straight from the table. */
export async function outboxCounts(db: SqlDatabase): Promise<Record<string, number>> {
  const rows = await db.query<{ status: string; n: unknown }>('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status');
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
