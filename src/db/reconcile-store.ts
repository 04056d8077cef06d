import type { LastPassCommand } from '../core/commands.ts';
import type { PersonRecord, TransactionScope } from '../core/ports.ts';
import type { DirectoryUser } from '../core/reconcile/directory.ts';
import type { PersonPlans, ReconcileStore, UnfinishedCommand, UnfinishedStatus } from '../core/reconcile/reconcile-ports.ts';
import { SqlLastPassSnapshotRepository } from './lastpass-snapshot.repository.ts';
import { PERSON_COLUMNS, type PersonRow, recordOf } from './person.repository.ts';
import { type SqlDatabase, type SqlExecutor, toNumber } from './sql-database.ts';
import { scopeOf } from './sql-unit-of-work.ts';

interface CommandRow {
  [column: string]: unknown;
  id: unknown;
  person_id: string;
  status: UnfinishedStatus;
  payload: string;
  not_before: unknown;
}

// The columns and JSON of SqlPersonRepository (shared, not copied), so a person read for the diff
// and the same person read again under lock compare equal exactly when nothing changed.
const COMMAND_COLUMNS = 'id, person_id, status, payload, not_before';
const UNFINISHED = "('pending', 'in_flight', 'awaiting_approval', 'dead')";


function commandOf(row: CommandRow): UnfinishedCommand {
  const command = JSON.parse(row.payload) as LastPassCommand;
  return { id: toNumber(row.id), personId: row.person_id, kind: command.kind, status: row.status, command, notBefore: toNumber(row.not_before) };
}

/** Reconciliation's reads and per-person transactions, on SQLite and PostgreSQL. */
export class SqlReconcileStore implements ReconcileStore {
  readonly #db: SqlDatabase;

  constructor(db: SqlDatabase) {
    this.#db = db;
  }

  async plans(): Promise<PersonPlans> {
    const commands = await this.#db.query<CommandRow>(
      `SELECT ${COMMAND_COLUMNS} FROM outbox WHERE status IN ${UNFINISHED} ORDER BY person_id, seq`,
    );
    const people = await this.#db.query<PersonRow>(`SELECT ${PERSON_COLUMNS} FROM people ORDER BY person_id`);
    return { people: people.map(recordOf), unfinished: commands.map(commandOf) };
  }

  async saveSnapshot(users: readonly DirectoryUser[], takenAt: number): Promise<void> {
    await this.#db.transaction((tx) => new SqlLastPassSnapshotRepository(tx).replace(users, takenAt));
  }

  withPerson<T>(
    personId: string,
    work: (current: { readonly person: PersonRecord | undefined; readonly unfinished: readonly UnfinishedCommand[] }, scope: TransactionScope) => Promise<T>,
  ): Promise<T> {
    return this.#db.transaction(async (tx) => {
      const person = await lockedPerson(tx, personId);
      const unfinished = await lockedCommands(tx, personId);
      return work({ person, unfinished }, scopeOf(tx));
    });
  }
}

// FOR UPDATE on PostgreSQL: another plan for the person waits before it writes (or cancels these
// commands), and a replica's claim (SKIP LOCKED) passes the commands by. SQLite's write lock
// (BEGIN IMMEDIATE) already does both.
const forUpdate = (db: SqlExecutor): string => (db.dialect === 'postgres' ? ' FOR UPDATE' : '');

async function lockedPerson(tx: SqlExecutor, personId: string): Promise<PersonRecord | undefined> {
  const [row] = await tx.query<PersonRow>(`SELECT ${PERSON_COLUMNS} FROM people WHERE person_id = $1${forUpdate(tx)}`, [personId]);
  return row === undefined ? undefined : recordOf(row);
}

async function lockedCommands(tx: SqlExecutor, personId: string): Promise<UnfinishedCommand[]> {
  const rows = await tx.query<CommandRow>(
    `SELECT ${COMMAND_COLUMNS} FROM outbox WHERE person_id = $1 AND status IN ${UNFINISHED} ORDER BY seq${forUpdate(tx)}`,
    [personId],
  );
  return rows.map(commandOf);
}
