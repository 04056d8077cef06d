import { accountUnder, addressOf, knownAddresses, readdressed } from '../core/account-identity.ts';
import type { LastPassCommand } from '../core/commands.ts';
import type { AccountAddressBook } from '../core/ports.ts';
import { SqlPersonRepository } from '../db/person.repository.ts';
import type { SqlDatabase } from '../db/sql-database.ts';
import { toNumber } from '../db/sql-database.ts';

/** Statuses of commands that are not finished: each may still be sent. */
const UNFINISHED = "('pending', 'in_flight', 'dead', 'awaiting_approval')";

/** The address book on lpprov's database: the people table and the person's outbox rows. */
export class SqlAccountAddressBook implements AccountAddressBook {
  readonly #db: SqlDatabase;

  constructor(db: SqlDatabase) {
    this.#db = db;
  }

  async addressesOf(personId: string): Promise<string[]> {
    const person = await new SqlPersonRepository(this.#db).get(personId);
    return person === undefined ? [] : knownAddresses(person);
  }

  async moved(personId: string, from: string, to: string, now: number): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const people = new SqlPersonRepository(tx);
      const person = await people.get(personId);
      if (person?.lastpass !== undefined) await people.save({ ...person, lastpass: accountUnder(person.lastpass, to) }, now);
      const rows = await tx.query<{ id: unknown; payload: string }>(
        `SELECT id, payload FROM outbox WHERE person_id = $1 AND status IN ${UNFINISHED} ORDER BY seq`,
        [personId],
      );
      for (const row of rows) {
        const command = JSON.parse(row.payload) as LastPassCommand;
        if (addressOf(command) !== from.toLowerCase()) continue;
        await tx.execute('UPDATE outbox SET payload = $2, updated_at = $3 WHERE id = $1', [
          toNumber(row.id),
          JSON.stringify(readdressed(command, to)),
          now,
        ]);
      }
    });
  }
}
