import type { Row, SqlDatabase, SqlExecutor, SqlValue } from '../../db/sql-database.ts';

/**
 * An open transaction seen as a database whose transactions join it: a use case run on it
 * commits or rolls back with the caller's transaction, so that applying a dead letter's input
 * and resolving the dead letter are one change. A use case that fails fails the caller's
 * transaction too, which is what the caller wants here (unlike `lpprov plan`'s savepoints).
 */
export class JoinedTransaction implements SqlDatabase {
  readonly dialect: SqlDatabase['dialect'];
  readonly #tx: SqlExecutor;

  constructor(tx: SqlExecutor) {
    this.#tx = tx;
    this.dialect = tx.dialect;
  }

  query<R extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<R[]> {
    return this.#tx.query<R>(sql, params);
  }

  execute(sql: string, params?: readonly SqlValue[]): Promise<number> {
    return this.#tx.execute(sql, params);
  }

  transaction<R>(work: (tx: SqlExecutor) => Promise<R>): Promise<R> {
    return work(this.#tx);
  }

  /** The outer transaction's owner closes the connection. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
