import { invitation } from '../core/account-changes.ts';
import { accountUnder, addressOf, knownAddresses, readdressed } from '../core/account-identity.ts';
import type { LastPassCommand } from '../core/commands.ts';
import type { Policy } from '../core/policy/policy.ts';
import type { AccountAddressBook } from '../core/ports.ts';
import { SqlPersonRepository } from '../db/person.repository.ts';
import type { SqlDatabase, SqlExecutor } from '../db/sql-database.ts';
import { toNumber } from '../db/sql-database.ts';

/** Statuses of commands that are not finished: each may still be sent. */
const UNFINISHED = "('pending', 'in_flight', 'dead', 'awaiting_approval')";

/** The address book on lpprov's database: the people table and the person's outbox rows. */
export class SqlAccountAddressBook implements AccountAddressBook {
  readonly #db: SqlDatabase;
  readonly #policy: Pick<Policy, 'joiner'>;

  /** `policy`: for the password settings of an invitation sent again. */
  constructor(db: SqlDatabase, policy: Pick<Policy, 'joiner'>) {
    this.#db = db;
    this.#policy = policy;
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
      await readdressUnfinished(tx, personId, [from], to, now);
    });
  }

  async invite(personId: string, outboxId: number, now: number): Promise<string | undefined> {
    return this.#db.transaction(async (tx) => {
      const people = new SqlPersonRepository(tx);
      const person = await people.get(personId);
      if (person === undefined) return undefined;
      const username = person.desired.username.toLowerCase();
      const planned = person.lastpass;
      const fullname = person.desired.fullname !== '' ? person.desired.fullname : (planned?.fullname ?? '');
      const groups = planned?.groups ?? person.desired.groups;
      const add = invitation(this.#policy, { username, fullname, groups });
      await tx.execute('UPDATE outbox SET kind = $2, payload = $3, updated_at = $4 WHERE id = $1', [outboxId, add.kind, JSON.stringify(add), now]);
      await people.save({ ...person, lastpass: { username, fullname, groups: [...groups], disabled: false } }, now);
      await readdressUnfinished(tx, personId, knownAddresses(person), username, now);
      return username;
    });
  }

  async ended(personId: string, username: string, now: number): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const people = new SqlPersonRepository(tx);
      const person = await people.get(personId);
      if (person?.lastpass?.username.toLowerCase() !== username.toLowerCase()) return;
      await people.save({ ...person, lastpass: undefined }, now);
    });
  }
}

/** Every unfinished command of the person addressing one of `from` addresses `to` instead. */
async function readdressUnfinished(tx: SqlExecutor, personId: string, from: readonly string[], to: string, now: number): Promise<void> {
  const old = new Set(from.map((address) => address.toLowerCase()));
  const rows = await tx.query<{ id: unknown; payload: string }>(
    `SELECT id, payload FROM outbox WHERE person_id = $1 AND status IN ${UNFINISHED} ORDER BY seq`,
    [personId],
  );
  for (const row of rows) {
    const command = JSON.parse(row.payload) as LastPassCommand;
    if (!old.has(addressOf(command)) || addressOf(command) === to) continue;
    await tx.execute('UPDATE outbox SET payload = $2, updated_at = $3 WHERE id = $1', [toNumber(row.id), JSON.stringify(readdressed(command, to)), now]);
  }
}
