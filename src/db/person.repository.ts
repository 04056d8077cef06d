import type { DesiredAccount, LastPassAccount } from '../core/account.ts';
import type { Lifecycle } from '../core/lifecycle.ts';
import type { PersonRecord, PersonRepository } from '../core/ports.ts';
import { type SqlExecutor, toNumber } from './sql-database.ts';

export interface PersonRow {
  [column: string]: unknown;
  person_id: string;
  desired: string;
  lastpass: string | null;
  lifecycle: string | null;
  last_sequence: unknown;
  last_event_time: unknown;
}

export const PERSON_COLUMNS = 'person_id, desired, lastpass, lifecycle, last_sequence, last_event_time';

export function recordOf(row: PersonRow): PersonRecord {
  return {
    personId: row.person_id,
    desired: JSON.parse(row.desired) as DesiredAccount,
    lastpass: row.lastpass === null ? undefined : (JSON.parse(row.lastpass) as LastPassAccount),
    lifecycle: row.lifecycle === null ? undefined : (JSON.parse(row.lifecycle) as Lifecycle),
    lastSequence: row.last_sequence == null ? undefined : toNumber(row.last_sequence),
    lastEventTime: row.last_event_time == null ? undefined : toNumber(row.last_event_time),
  };
}

export class SqlPersonRepository implements PersonRepository {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async get(personId: string): Promise<PersonRecord | undefined> {
    const [row] = await this.#db.query<PersonRow>(`SELECT ${PERSON_COLUMNS} FROM people WHERE person_id = $1`, [personId]);
    return row === undefined ? undefined : recordOf(row);
  }

  async findByUsername(username: string): Promise<PersonRecord[]> {
    const rows = await this.#db.query<PersonRow>(`SELECT ${PERSON_COLUMNS} FROM people WHERE username = $1 ORDER BY person_id`, [
      username.toLowerCase(),
    ]);
    return rows.map(recordOf);
  }

  async save(record: PersonRecord, now: number): Promise<void> {
    await this.#db.execute(
      `INSERT INTO people (person_id, desired, lastpass, lifecycle, last_sequence, last_event_time, created_at, updated_at, username)
       VALUES ($1, $2, $3, $7, $4, $5, $6, $6, $8)
       ON CONFLICT (person_id) DO UPDATE SET desired = excluded.desired, lastpass = excluded.lastpass,
         lifecycle = excluded.lifecycle, last_sequence = excluded.last_sequence,
         last_event_time = excluded.last_event_time, updated_at = excluded.updated_at, username = excluded.username`,
      [
        record.personId,
        JSON.stringify(record.desired),
        record.lastpass === undefined ? null : JSON.stringify(record.lastpass),
        record.lastSequence ?? null,
        record.lastEventTime ?? null,
        now,
        record.lifecycle === undefined ? null : JSON.stringify(record.lifecycle),
        (record.lastpass?.username ?? record.desired.username).toLowerCase(),
      ],
    );
  }
}
