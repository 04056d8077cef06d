import pg from 'pg';

import type { Row, SqlDatabase, SqlExecutor, SqlValue } from './sql-database.ts';

const INT8_OID = 20;

// Times are epoch milliseconds and ids stay far below 2^53, so BIGINT can be a JS number.
const typeParser = ((oid: number, format?: 'text' | 'binary'): unknown =>
  oid === INT8_OID ? (v: string) => Number(v) : (pg.types.getTypeParser(oid, format) as unknown)) as typeof pg.types.getTypeParser;

export interface PostgresOptions {
  readonly connectionString: string;
  readonly maxConnections?: number;
  readonly applicationName?: string;
}

/** PostgreSQL through a pg pool, for production and for several replicas sharing one database. */
export class PostgresDatabase implements SqlDatabase {
  readonly dialect = 'postgres' as const;
  readonly pool: pg.Pool;

  constructor(options: PostgresOptions) {
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
      application_name: options.applicationName ?? 'lpprov',
      types: { getTypeParser: typeParser },
    });
    // An idle client that loses its connection emits 'error' on the pool; without a listener
    // that would crash the process instead of being replaced on next use.
    this.pool.on('error', () => undefined);
  }

  async query<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    const result = await this.pool.query<T>(sql, params as unknown[]);
    return result.rows;
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    const result = await this.pool.query(sql, params as unknown[]);
    return result.rowCount ?? 0;
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // A checked-out client whose connection the server ends (a restart, a terminated backend)
    // emits 'error'; without a listener that is an uncaught exception that ends the process. The
    // query in progress, or the next one, fails anyway; the client is not given back to the pool.
    let lost = false;
    const onError = (): void => {
      lost = true;
    };
    client.on('error', onError);
    const tx: SqlExecutor = {
      dialect: 'postgres',
      query: async <R extends Row>(sql: string, params: readonly SqlValue[] = []) =>
        (await client.query<R>(sql, params as unknown[])).rows,
      execute: async (sql, params = []) => (await client.query(sql, params as unknown[])).rowCount ?? 0,
    };
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection itself failed; do not return it to the pool
      }
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken || lost);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
