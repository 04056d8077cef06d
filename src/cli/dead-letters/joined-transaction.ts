import { OpenTransactionDatabase } from '../../db/open-transaction-database.ts';
import type { SqlExecutor } from '../../db/sql-database.ts';

/**
 * An open transaction seen as a database whose transactions join it: a use case run on it
 * commits or rolls back with the caller's transaction, so that applying a dead letter's input
 * and resolving the dead letter are one change. A use case that fails fails the caller's
 * transaction too, which is what the caller wants here (unlike `lpprov plan`'s savepoints).
 */
export class JoinedTransaction extends OpenTransactionDatabase {
  transaction<R>(work: (tx: SqlExecutor) => Promise<R>): Promise<R> {
    return work(this.tx);
  }
}
