import type { Row, SqlDatabase, SqlExecutor, SqlValue } from './sql-database.ts';

/**
 * An open transaction seen as a database, so a use case written against a database can run inside
 * a transaction someone else owns. Statements go to that transaction; what a nested transaction
 * means (joining it, or a savepoint) is the subclass's choice. The owner closes the connection.
 */
export abstract class OpenTransactionDatabase implements SqlDatabase {
  readonly dialect: SqlDatabase['dialect'];
  protected readonly tx: SqlExecutor;

  constructor(tx: SqlExecutor) {
    this.tx = tx;
    this.dialect = tx.dialect;
  }

  query<R extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<R[]> {
    return this.tx.query<R>(sql, params);
  }

  execute(sql: string, params?: readonly SqlValue[]): Promise<number> {
    return this.tx.execute(sql, params);
  }

  abstract transaction<R>(work: (tx: SqlExecutor) => Promise<R>): Promise<R>;

  close(): Promise<void> {
    return Promise.resolve();
  }
}
