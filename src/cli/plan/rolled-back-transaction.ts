import type { UnitOfWork } from '../../core/ports.ts';
import { OpenTransactionDatabase } from '../../db/open-transaction-database.ts';
import type { SqlDatabase, SqlExecutor } from '../../db/sql-database.ts';
import { SqlUnitOfWork } from '../../db/sql-unit-of-work.ts';

/** Thrown out of the outer transaction so that the database rolls it back; carries the result. */
class RolledBack<T> extends Error {
  readonly value: T;

  constructor(value: T) {
    super('dry run over: roll back');
    this.value = value;
  }
}

/**
 * Runs `work` with a unit of work whose every transaction happens inside ONE transaction of `db`,
 * and rolls that transaction back at the end, whatever `work` did. Later runs see what earlier
 * ones wrote (a dry run of several inputs sees them applied in order), and nothing is ever
 * committed. On PostgreSQL the transaction holds one pool client for the whole dry run; on SQLite
 * it holds the connection (and the write lock) until it ends.
 */
export async function withRolledBackTransaction<T>(
  db: SqlDatabase,
  work: (unitOfWork: UnitOfWork, tx: SqlExecutor) => Promise<T>,
): Promise<T> {
  try {
    await db.transaction(async (tx) => {
      throw new RolledBack(await work(new SqlUnitOfWork(new SavepointDatabase(tx)), tx));
    });
  } catch (error) {
    if (error instanceof RolledBack) return error.value as T;
    throw error;
  }
  throw new Error('the dry-run transaction ended without being rolled back');
}

const SAVEPOINT = 'lpprov_plan_run';

/**
 * The open transaction seen as a database whose own transactions are savepoints: each unit of work
 * run keeps what a real transaction would (a run that fails, such as a SCIM write retried after a
 * version conflict or refused as a duplicate, leaves nothing behind, and on PostgreSQL does not
 * abort the outer transaction), but nothing outlives the outer rollback. Runs take turns, like
 * statements on SQLite's single connection: two interleaved runs would share one savepoint.
 */
class SavepointDatabase extends OpenTransactionDatabase {
  #tail: Promise<unknown> = Promise.resolve();

  transaction<R>(work: (tx: SqlExecutor) => Promise<R>): Promise<R> {
    const run = async (): Promise<R> => {
      await this.tx.execute(`SAVEPOINT ${SAVEPOINT}`);
      let result: R;
      try {
        result = await work(this.tx);
      } catch (error) {
        await this.tx.execute(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
        await this.tx.execute(`RELEASE SAVEPOINT ${SAVEPOINT}`);
        throw error;
      }
      await this.tx.execute(`RELEASE SAVEPOINT ${SAVEPOINT}`);
      return result;
    };
    const next = this.#tail.then(run, run);
    this.#tail = next.catch(() => undefined);
    return next;
  }
}
