import type { TransactionScope, UnitOfWork } from '../core/ports.ts';
import { SqlDeadLetterRepository } from './dead-letter.repository.ts';
import { SqlInboxRepository } from './inbox.repository.ts';
import { SqlOutboxWriter } from './outbox-writer.repository.ts';
import { SqlPersonRepository } from './person.repository.ts';
import { SqlScimGroupRepository } from './scim-group.repository.ts';
import { SqlScimUserRepository } from './scim-user.repository.ts';
import type { SqlDatabase } from './sql-database.ts';

export class SqlUnitOfWork implements UnitOfWork {
  readonly #db: SqlDatabase;

  constructor(db: SqlDatabase) {
    this.#db = db;
  }

  run<T>(work: (scope: TransactionScope) => Promise<T>): Promise<T> {
    return this.#db.transaction((tx) =>
      work({
        people: new SqlPersonRepository(tx),
        inbox: new SqlInboxRepository(tx),
        outbox: new SqlOutboxWriter(tx),
        deadLetters: new SqlDeadLetterRepository(tx),
        scimUsers: new SqlScimUserRepository(tx),
        scimGroups: new SqlScimGroupRepository(tx),
      }),
    );
  }
}
