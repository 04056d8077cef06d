import type { TransactionScope, UnitOfWork } from '../core/ports.ts';
import { SqlDeadLetterRepository } from './dead-letter.repository.ts';
import { SqlInboxRepository } from './inbox.repository.ts';
import { SqlLastPassSnapshotRepository } from './lastpass-snapshot.repository.ts';
import { SqlOutboxWriter } from './outbox-writer.repository.ts';
import { SqlPersonRepository } from './person.repository.ts';
import { SqlScimGroupRepository } from './scim-group.repository.ts';
import { SqlScimUserRepository } from './scim-user.repository.ts';
import type { SqlDatabase, SqlExecutor } from './sql-database.ts';

export class SqlUnitOfWork implements UnitOfWork {
  readonly #db: SqlDatabase;

  constructor(db: SqlDatabase) {
    this.#db = db;
  }

  run<T>(work: (scope: TransactionScope) => Promise<T>): Promise<T> {
    return this.#db.transaction((tx) => work(scopeOf(tx)));
  }

  read<T>(work: (scope: TransactionScope) => Promise<T>): Promise<T> {
    // No transaction: a read does not take SQLite's write lock or cost PostgreSQL a BEGIN/COMMIT.
    return work(scopeOf(this.#db));
  }
}

/** Every repository over one executor: a transaction's, or the database's for reads. */
export function scopeOf(db: SqlExecutor): TransactionScope {
  return {
    people: new SqlPersonRepository(db),
    inbox: new SqlInboxRepository(db),
    outbox: new SqlOutboxWriter(db),
    deadLetters: new SqlDeadLetterRepository(db),
    scimUsers: new SqlScimUserRepository(db),
    scimGroups: new SqlScimGroupRepository(db),
    lastpassSnapshot: new SqlLastPassSnapshotRepository(db),
  };
}
